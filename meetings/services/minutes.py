"""Writes of minutes: attendance, notes per agenda item, decisions, the workflow
draft → circulated (comments per item until a deadline) → approved, and corrections.

Approved minutes are locked: nothing in them (notes, decisions, attendance) changes. A
correction is a new version (a draft copy of the approved one) with who, when and why; the
earlier versions stay readable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from coordination.exceptions import EditConflict
from coordination.models import Contact, Organisation
from coordination.private_files import private_name
from meetings import enums
from meetings.emails import outbox_write
from meetings.formats import documents
from meetings.merging import three_way_merge
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
from meetings.services.actions import action_item_create

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


def _bump(minutes: Minutes) -> None:
    """Every saved change raises the revision, so a save based on an older one is merged."""
    Minutes.objects.filter(pk=minutes.pk).update(revision=F("revision") + 1)
    minutes.refresh_from_db(fields=["revision"])


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
    _bump(minutes)
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
    if latest is not None and statuses:
        _bump(latest)
    return len(statuses)


@transaction.atomic
def decision_add(*, minutes: Minutes, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    _require_editable(minutes)
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the decision.")})
    if agenda_item is not None and agenda_item.meeting_id != minutes.meeting_id:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    decision = Decision.objects.create(minutes=minutes, agenda_item=agenda_item, text=text.strip())
    _bump(minutes)
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    _require_editable(decision.minutes)
    decision.delete()
    _bump(decision.minutes)


@dataclass(frozen=True)
class NewDecision:
    text: str
    agenda_item: AgendaItem | None = None


@dataclass(frozen=True)
class NewActionItem:
    description: str
    agenda_item: AgendaItem | None = None
    owner_contact: Contact | None = None
    owner_organisation: Organisation | None = None
    due_date: dt.date | None = None


@dataclass(frozen=True)
class MinutesSaved:
    minutes: Minutes
    merged: list[str] = field(default_factory=list)  # keys taken from a save made meanwhile


def note_key(agenda_item_id: int) -> str:
    return f"note:{agenda_item_id}"


def attendance_key(contact_id: int) -> str:
    return f"attendance:{contact_id}"


@transaction.atomic
def minutes_save(
    *,
    minutes: Minutes,
    revision: int | None,
    notes: dict[int, str],
    attendance: dict[int, str] | None = None,
    bases: dict[str, str] | None = None,
    decisions: list[NewDecision] = (),
    removed_decisions: list[int] = (),
    actions: list[NewActionItem] = (),
    user=None,
) -> MinutesSaved:
    """Save what the editor holds in one step: attendance (contact id → status), notes
    (agenda item id → text), new decisions, removed decisions and new action items.

    ``revision`` is the revision the editor loaded (None: not checked). When the minutes were
    saved meanwhile, each note and attendance is merged with ``bases`` (what the editor loaded,
    keyed by ``note_key``/``attendance_key``): a value changed on one side only is taken from
    that side; a value changed on both sides raises ``EditConflict`` and nothing is written.
    New decisions and action items are always added; a decision already removed is skipped."""
    given, minutes = minutes, Minutes.objects.select_for_update().get(pk=minutes.pk)
    _require_editable(minutes)
    meeting = minutes.meeting
    item_ids = set(meeting.agenda_items.values_list("pk", flat=True))
    if set(notes) - item_ids:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    current_attendance = {c.pk: s or "" for c, s in meeting_attendance(meeting=meeting)}
    attendance = attendance or {}
    if set(attendance) - set(current_attendance):
        raise ValidationError(_("This person is not invited to this meeting."))
    for status in attendance.values():
        if status and status not in enums.AttendanceStatus.values:
            raise ValidationError(_("Choose present, excused or absent."))
    stored_notes = dict(
        MinutesNote.objects.filter(minutes=minutes).values_list("agenda_item_id", "text")
    )
    mine = {note_key(pk): text or "" for pk, text in notes.items()}
    mine |= {attendance_key(pk): status or "" for pk, status in attendance.items()}
    theirs = {note_key(pk): stored_notes.get(pk, "") for pk in item_ids}
    theirs |= {attendance_key(pk): status for pk, status in current_attendance.items()}
    merged_from_theirs: list[str] = []
    if revision is not None and revision != minutes.revision:
        values, conflicts = three_way_merge(base=bases or {}, mine=mine, theirs=theirs)
        if conflicts:
            raise EditConflict(
                _(
                    "Someone else saved these minutes while you were writing, and changed "
                    "the same parts. Nothing was saved: compare, merge and save again."
                ),
                revision=minutes.revision,
                conflicts=conflicts,
                merged=values,
            )
        merged_from_theirs = sorted(k for k, v in values.items() if v != mine[k])
    else:
        values = mine
    for decision in decisions:
        if decision.agenda_item is not None and decision.agenda_item.pk not in item_ids:
            raise ValidationError(_("This agenda item belongs to another meeting."))
    changed = False
    for pk in notes:
        text = values[note_key(pk)]
        if text != stored_notes.get(pk, ""):
            MinutesNote.objects.update_or_create(
                minutes=minutes, agenda_item_id=pk, defaults={"text": text}
            )
            changed = True
    for pk in attendance:
        status = values[attendance_key(pk)]
        if status and status != current_attendance[pk]:
            Attendance.objects.update_or_create(
                meeting=meeting, contact_id=pk, defaults={"status": status}
            )
            changed = True
    if removed_decisions:
        deleted, _detail = Decision.objects.filter(
            minutes=minutes, pk__in=removed_decisions
        ).delete()
        changed = changed or bool(deleted)
    for decision in decisions:
        if (decision.text or "").strip():
            Decision.objects.create(
                minutes=minutes, agenda_item=decision.agenda_item, text=decision.text.strip()
            )
            changed = True
    for action in actions:
        action_item_create(
            meeting=meeting,
            description=action.description,
            owner_contact=action.owner_contact,
            owner_organisation=action.owner_organisation,
            due_date=action.due_date,
            agenda_item=action.agenda_item,
            user=user,
        )
        changed = True
    if changed:
        _bump(minutes)
    _sync(given, minutes, ["revision"])
    return MinutesSaved(minutes=minutes, merged=merged_from_theirs)


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
