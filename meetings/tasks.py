"""django-q2 tasks of the ``meetings`` app: thin, take ids, idempotent.

Schedules (created by migration ``0003_issue4_schedules``): the outbox sweeper every minute,
reminders every 15 minutes, the calendar-reply poll every 5 minutes (only with ``IMAP_URL``),
the erasure of participation needs every hour; action-item reminders daily (created by
``manage.py schedule_action_reminders``)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

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


def minutes_export_build(export_id: int) -> str:
    """Build the file of a multi-meeting minutes export (skipped when already built)."""
    from meetings import enums
    from meetings.exports import minutes_bundle
    from meetings.models import Minutes, MinutesExport

    export = MinutesExport.objects.filter(pk=export_id).first()
    if export is None or export.status == enums.ExportStatus.READY:
        return "skipped"
    latest = {}
    for minutes in (
        Minutes.objects.filter(meeting_id__in=export.meeting_ids)
        .select_related("meeting__working_group", "meeting__consultation_round", "approved_by")
        .order_by("meeting__starts_at", "-version")
    ):
        latest.setdefault(minutes.meeting_id, minutes)
    try:
        content = minutes_bundle(
            minutes_list=list(latest.values()), export_format=export.format, title=export.title
        )
    except Exception as exc:  # recorded for the user; the task itself must not loop
        export.status = enums.ExportStatus.FAILED
        export.error = str(exc)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return "failed"
    with transaction.atomic():
        export.file.save(
            f"minutes-export-{export.pk}.{export.format}", ContentFile(content), save=False
        )
        export.status = enums.ExportStatus.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "finished_at"])
    return "ready"


def action_reminder_send(action_id: int) -> bool:
    from meetings.services.actions import action_reminder_send as send

    return send(action_id=action_id)


def action_reminders_daily() -> int:
    """Scheduled daily: queue one reminder task per action item due for a reminder."""
    from django_q.tasks import async_task

    from meetings.services.actions import action_reminders_due_ids

    ids = action_reminders_due_ids(today=timezone.localdate())
    for action_id in ids:
        async_task("meetings.tasks.action_reminder_send", action_id)
    return len(ids)


def minutes_circulation_notify(minutes_id: int) -> int:
    from meetings.services.minutes import minutes_circulation_send

    return minutes_circulation_send(minutes_id=minutes_id)
