"""django-q2 tasks of the ``meetings`` app: thin, take ids, idempotent.

Schedules (created by migration ``0003_issue4_schedules``): the outbox sweeper every minute,
reminders every 15 minutes, the calendar-reply poll every 5 minutes (only with ``IMAP_URL``),
the erasure of participation needs every hour."""

from django.conf import settings

from meetings import emails
from meetings.services import invitations


def outbox_deliver(message_id: int) -> bool:
    return emails.outbox_deliver(message_id=message_id)


def outbox_sweep() -> int:
    return emails.outbox_sweep()


def reminders_enqueue() -> int:
    return invitations.reminders_enqueue()


def participation_needs_erase() -> int:
    return invitations.participation_needs_erase()


def calendar_replies_poll() -> int:
    if not settings.IMAP_URL:
        return 0
    from meetings.services.calendar_replies import calendar_replies_fetch

    return calendar_replies_fetch(imap_url=settings.IMAP_URL)


def report_render(job_id: int) -> None:
    """Render the consultation report version requested by ``ReportJob`` ``job_id``."""
    from meetings.reports.services import report_job_run

    report_job_run(job_id=job_id)
