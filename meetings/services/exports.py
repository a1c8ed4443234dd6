"""Writes of exports: a multi-meeting minutes export is recorded, then built by a task."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meetings import enums
from meetings.models import Meeting, MinutesExport

MAX_MEETINGS_PER_EXPORT = 100


def minutes_export_request(
    *, user, meetings: list[Meeting], export_format: str, title: str
) -> MinutesExport:
    """Record an export of the minutes of ``meetings`` and queue its build (after commit)."""
    if export_format not in enums.ExportFormat.values:
        raise ValidationError({"format": _("Choose PDF or ZIP.")})
    if not meetings:
        raise ValidationError(_("None of the chosen meetings has minutes to export."))
    if len(meetings) > MAX_MEETINGS_PER_EXPORT:
        raise ValidationError(
            _("Export at most %(max)s meetings at once.") % {"max": MAX_MEETINGS_PER_EXPORT}
        )
    export = MinutesExport.objects.create(
        requested_by=user,
        title=title[:300],
        meeting_ids=[m.pk for m in meetings],
        format=export_format,
    )
    transaction.on_commit(lambda: _queue(export.pk))
    return export


def _queue(export_id: int) -> None:
    from django_q.tasks import async_task

    async_task("meetings.tasks.minutes_export_build", export_id)
