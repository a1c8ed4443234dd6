"""django-q2 tasks of the ``meetings`` app: thin, take ids, idempotent."""


def report_render(job_id: int) -> None:
    """Render the consultation report version requested by ``ReportJob`` ``job_id``."""
    from meetings.reports.services import report_job_run

    report_job_run(job_id=job_id)
