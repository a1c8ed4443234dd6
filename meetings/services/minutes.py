"""Writes of minutes: attendance, notes per agenda item, decisions, the workflow
draft → circulated (comments per item until a deadline) → approved, and corrections.

Approved minutes are locked: nothing in them (notes, decisions, attendance) changes. A
correction is a new version (a draft copy of the approved one) with who, when and why; the
earlier versions stay readable.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from coordination.models import Contact
from coordination.private_files import private_name
from meetings import enums
from meetings.emails import outbox_write
from meetings.formats import documents
from meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesExport,
    MinutesNote,
)
from meetings.selectors.minutes import meeting_attendance, minutes_document
from meetings.services.access import sign_in_links_for

EDITABLE_STATUSES = (enums.MinutesStatus.DRAFT, enums.MinutesStatus.CIRCULATED)


def _sync(given: Minutes, fresh: Minutes, fields: list[str]) -> None:
    """Keep the caller's instance in step with the row the service locked and changed."""
    for name in fields:
        setattr(given, name, getattr(fresh, name))


def _require_editable(minutes: Minutes) -> None:
    # The status is read from the database: the caller's instance may be stale.
    status = Minutes.objects.filter(pk=minutes.pk).values_list("status", flat=True).first()
    if status == enums.MinutesStatus.APPROVED:
        raise ValidationError(
            _(
                "These minutes were approved and are locked. Start a correction to change them "
                "(a new version records who changed what and why)."
            )
        )
    latest = Minutes.objects.filter(meeting_id=minutes.meeting_id).aggregate(v=Max("version"))
    if latest["v"] != minutes.version:
        raise ValidationError(_("Only the latest version of the minutes can be edited."))


def _latest(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.filter(meeting=meeting).order_by("-version").first()


@transaction.atomic
def minutes_start(*, meeting: Meeting, user=None) -> Minutes:
    """The minutes being written for ``meeting`` (created as draft version 1 if none)."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    latest = _latest(meeting)
    if latest is not None:
        return latest
    return Minutes.objects.create(meeting=meeting, version=1, created_by=user)


@transaction.atomic
def minutes_note_set(*, minutes: Minutes, agenda_item: AgendaItem, text: str) -> MinutesNote:
    _require_editable(minutes)
    if agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    note, _created = MinutesNote.objects.update_or_create(
        minutes=minutes, agenda_item=agenda_item, defaults={"text": text or ""}
    )
    return note


@transaction.atomic
def minutes_attendance_set(*, meeting: Meeting, statuses: dict[Contact, str]) -> int:
    """Record attendance (present, excused, absent) of several contacts at once."""
    latest = _latest(meeting)
    if latest is not None:
        _require_editable(latest)
    for contact, status in statuses.items():
        if status not in enums.AttendanceStatus.values:
            raise ValidationError(_("Choose present, excused or absent for %s.") % contact.name)
    for contact, status in statuses.items():
        Attendance.objects.update_or_create(
            meeting=meeting, contact=contact, defaults={"status": status}
        )
    return len(statuses)


@transaction.atomic
def decision_add(*, minutes: Minutes, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    _require_editable(minutes)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the decision.")})
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    return Decision.objects.create(minutes=minutes, agenda_item=agenda_item, text=text.strip())


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    _require_editable(decision.minutes)
    decision.delete()


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, comments_due: dt.datetime, user=None) -> Minutes:
    """Send the draft to the attendees for comments until ``comments_due``."""
    given, minutes = minutes, Minutes.objects.select_for_update().get(pk=minutes.pk)
    _require_editable(minutes)
    if minutes.status != enums.MinutesStatus.DRAFT:
        raise ValidationError(_("These minutes were already circulated."))
    if comments_due <= timezone.now():
        raise ValidationError(
            {"comments_due": _("The deadline for comments must be in the future.")}
        )
    minutes.status = enums.MinutesStatus.CIRCULATED
    minutes.circulated_at = timezone.now()
    minutes.comments_due = comments_due
    minutes.save(update_fields=["status", "circulated_at", "comments_due"])
    _sync(given, minutes, ["status", "circulated_at", "comments_due"])
    minutes_id = minutes.pk
    transaction.on_commit(lambda: _queue_circulation_notice(minutes_id))
    return minutes


def _queue_circulation_notice(minutes_id: int) -> None:
    from django_q.tasks import async_task

    async_task("meetings.tasks.minutes_circulation_notify", minutes_id)


def minutes_circulation_recipients(*, meeting: Meeting) -> list[Contact]:
    """Attendees marked present; while no attendance is recorded, every invitee. Only
    contacts with an e-mail address."""

    attendance = meeting_attendance(meeting=meeting)
    present = [c for c, status in attendance if status == enums.AttendanceStatus.PRESENT]
    chosen = present if any(status for _c, status in attendance) else [c for c, _s in attendance]
    return [c for c in chosen if c.email and c.erased_at is None]


def minutes_circulation_send(*, minutes_id: int) -> int:
    """Tell the attendees that the minutes wait for their comments: one outbox message per
    attendee and version (the single place this notice is written; sent after commit)."""

    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .filter(pk=minutes_id)
            .first()
        )
        if (
            minutes is None
            or minutes.status != enums.MinutesStatus.CIRCULATED
            or minutes.circulation_notified_at is not None
        ):
            return 0
        path = reverse("minutes-page", args=[minutes.meeting_id])
        recipients = minutes_circulation_recipients(meeting=minutes.meeting)
        for contact in recipients:
            # Valid until a few days after the comments are due (14 days without a due date).
            links = sign_in_links_for(contact=contact, meeting_end=minutes.comments_due)
            outbox_write(
                about={"minutes": minutes},
                to_email=contact.email,
                kind=enums.OutboxKind.MINUTES_CIRCULATED,
                sequence=contact.pk,
                template="minutes_circulated",
                context={"minutes": minutes, "meeting": minutes.meeting, "contact": contact,
                         "minutes_url": links.url(path),
                         "actions_url": links.url(reverse("action-list")),
                         "my_data_url": links.url(reverse("my-data"))},
                language=contact.preferred_language,
            )  # fmt: skip
        minutes.circulation_notified_at = timezone.now()
        minutes.save(update_fields=["circulation_notified_at"])
    return len(recipients)


@transaction.atomic
def minutes_comment_add(
    *, minutes: Minutes, user, text: str, agenda_item: AgendaItem | None = None
) -> MinutesComment:
    minutes.refresh_from_db(fields=["status", "comments_due"])
    if minutes.status != enums.MinutesStatus.CIRCULATED:
        raise ValidationError(_("Comments are taken only while the minutes are circulated."))
    if minutes.comments_due and timezone.now() > minutes.comments_due:
        raise ValidationError(_("The deadline for comments has passed."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write a comment.")})
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    return MinutesComment.objects.create(
        minutes=minutes, agenda_item=agenda_item, author=user, text=text.strip()
    )


@transaction.atomic
def minutes_approve(*, minutes: Minutes, user, at_meeting: Meeting | None = None) -> Minutes:
    """Approve circulated minutes (by the facilitator, or at a later meeting's "approval of
    the previous minutes" item). Approving twice is refused."""
    given, minutes = minutes, Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status == enums.MinutesStatus.APPROVED:
        raise ValidationError(_("These minutes are already approved."))
    if minutes.status != enums.MinutesStatus.CIRCULATED:
        raise ValidationError(_("Circulate the minutes for comments before approving them."))
    if at_meeting is not None and at_meeting.starts_at <= minutes.meeting.starts_at:
        raise ValidationError(_("Minutes can only be approved at a later meeting."))
    minutes.status = enums.MinutesStatus.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = user
    minutes.approved_at_meeting = at_meeting
    fields = ["status", "approved_at", "approved_by", "approved_at_meeting"]
    minutes.save(update_fields=fields)
    _sync(given, minutes, fields)
    return minutes


@transaction.atomic
def minutes_correct(*, minutes: Minutes, user, reason: str) -> Minutes:
    """Start a correction of approved minutes: a new draft version copying the notes and
    decisions, recording who starts it, when, and why."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != enums.MinutesStatus.APPROVED:
        raise ValidationError(_("Only approved minutes need a correction; edit the draft instead."))
    latest = _latest(minutes.meeting)
    if latest.pk != minutes.pk:
        raise ValidationError(_("A newer version already exists (version %s).") % latest.version)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the approved minutes are corrected.")})
    correction = Minutes.objects.create(
        meeting=minutes.meeting,
        version=minutes.version + 1,
        created_by=user,
        correction_reason=reason.strip(),
    )
    MinutesNote.objects.bulk_create(
        MinutesNote(minutes=correction, agenda_item_id=note.agenda_item_id, text=note.text)
        for note in minutes.notes.all()
    )
    Decision.objects.bulk_create(
        Decision(minutes=correction, agenda_item_id=d.agenda_item_id, text=d.text)
        for d in minutes.decisions.all()
    )
    return correction


# --- Exports of several meetings' minutes ----------------------------------------------------
# A single agenda or minutes PDF renders in well under a second, so a page builds it in the
# request; the minutes of a group's year or of a round's sessions are built by a django-q2
# task (``meetings.tasks.minutes_export_build``) into a ``MinutesExport`` file.

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
    async_task("meetings.tasks.minutes_export_build", export_id)


def minutes_export_build(*, export_id: int) -> str:
    """Build the file of a multi-meeting minutes export: "ready", "failed" (the error is
    recorded for the user), or "skipped" when it was already built (a task run twice)."""
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
        content = documents.minutes_bundle(
            documents=[minutes_document(minutes=m) for m in latest.values()],
            export_format=export.format,
            title=export.title,
        )
    except Exception as exc:  # recorded for the user; the task itself must not loop
        export.status = enums.ExportStatus.FAILED
        export.error = str(exc)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return "failed"
    with transaction.atomic():
        export.file.save(
            f"minutes-export-{private_name()}.{export.format}", ContentFile(content), save=False
        )
        export.status = enums.ExportStatus.READY
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "status", "finished_at"])
    return "ready"
