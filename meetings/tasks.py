"""django-q2 tasks of the ``meetings`` app: thin (each calls one service), take ids, and can
run twice without doing the work twice.

Schedules (created by migrations): the outbox sweeper every minute, reminders every 15
minutes, the calendar-reply poll every 5 minutes (only with ``IMAP_URL``), the erasure of
participation needs every hour, the retention purge daily; action-item reminders daily (``manage.py
schedule_action_reminders`` moves them)."""

from django.conf import settings
from django.utils import timezone

from meetings import emails
from meetings.services import actions, calendars, invitations, minutes, reports, retention


def outbox_deliver(message_id: int) -> bool:
    return emails.outbox_deliver(message_id=message_id)


def outbox_sweep() -> int:
    return emails.outbox_sweep()


def reminders_enqueue() -> int:
    return invitations.reminders_enqueue()


def participation_needs_erase() -> int:
    return invitations.participation_needs_erase()


def retention_purge() -> dict:
    return retention.retention_purge().removed


def calendar_replies_poll() -> int:
    if not settings.IMAP_URL:
        return 0
    return calendars.calendar_replies_fetch(imap_url=settings.IMAP_URL)


def report_render(job_id: int) -> None:
    """Render the consultation report version requested by ``ReportJob`` ``job_id``."""
    reports.report_job_run(job_id=job_id)


def minutes_export_build(export_id: int) -> str:
    return minutes.minutes_export_build(export_id=export_id)


def action_reminder_send(action_id: int) -> bool:
    return actions.action_reminder_send(action_id=action_id)


def action_reminders_daily() -> int:
    return actions.action_reminders_queue(today=timezone.localdate())


def minutes_circulation_notify(minutes_id: int) -> int:
    return minutes.minutes_circulation_send(minutes_id=minutes_id)
