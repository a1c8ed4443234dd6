"""django-q2 tasks of the ``meetings`` app: thin (each calls one service), take ids, and can
run twice without doing the work twice.

Schedules (created by migrations): the outbox sweeper every minute, reminders every 15
minutes, the calendar-reply poll every 5 minutes (only with ``IMAP_URL``), the erasure of
participation needs, the time-poll reminders and the feedback requests every hour, the
rounds' follow-up every 15 minutes, the retention purge and the dates of series created ahead
(``SERIES_OCCURRENCE_HORIZON_DAYS``) daily; action-item reminders daily
(``manage.py schedule_action_reminders`` moves them)."""

from django.conf import settings
from django.utils import timezone

from meetings import emails
from meetings.services import (
    access,
    actions,
    calendars,
    feedback,
    invitations,
    minutes,
    polls,
    report_back,
    reports,
    retention,
    rounds,
    scheduling,
)


def outbox_deliver(message_id: int) -> bool:
    return emails.outbox_deliver(message_id=message_id)


def outbox_sweep() -> int:
    return emails.outbox_sweep()


def reminders_enqueue() -> int:
    return invitations.reminders_enqueue()


def time_poll_reminders_enqueue() -> int:
    return polls.time_poll_reminders_enqueue()


def feedback_requests_enqueue() -> int:
    return feedback.feedback_requests_enqueue()


def participation_needs_erase() -> int:
    return invitations.participation_needs_erase()


def retention_purge() -> dict:
    return retention.retention_purge().removed


def series_occurrences_create_ahead() -> int:
    return scheduling.series_occurrences_create_ahead()


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


def rounds_follow_up() -> int:
    """Answer deadlines (reminders, then alternates for the unanswered) and the rounds whose
    sessions have all taken place (held)."""
    reminded, replaced = invitations.answer_deadlines_follow()
    return reminded + replaced + rounds.rounds_status_follow()


def sign_in_link_email(contact_id: int, next_path: str = "") -> int:
    return access.sign_in_link_email_send(contact_id=contact_id, next_path=next_path)


def password_reset_email(user_id: int) -> int:
    return access.password_reset_email_send(user_id=user_id)


def report_back_deliver(report_back_id: int) -> int:
    return report_back.report_back_deliver(report_back_id=report_back_id)


def report_back_unnamed_copy(delivery_id: int) -> None:
    report_back.report_back_unnamed_copy(delivery_id=delivery_id)
