"""django-q2 tasks of the ``coordination`` app: thin, each calls one service.

Schedules (created by migrations): the worker heartbeat every minute (``/readyz``), the
sweep of survey-import uploads left behind every hour."""

from coordination import services
from coordination.imports import jobs


def worker_heartbeat() -> None:
    services.worker_heartbeat_record()


def survey_import_run(job_id: int) -> str:
    """Run the survey import recorded by ``SurveyImportJob`` ``job_id``."""
    job = jobs.survey_import_job_run(job_id=job_id)
    return job.status if job is not None else ""


def survey_import_uploads_sweep() -> int:
    return jobs.survey_import_uploads_sweep()
