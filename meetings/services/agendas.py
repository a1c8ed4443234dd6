"""Writes of agendas: items, their order, attachments, templates and publication.

Every change to a published agenda raises ``Meeting.agenda_version`` and stamps
``Meeting.agenda_published_at``, so invitees see "version N of <time>" and can tell that the
agenda changed after they first saw it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, PositiveSmallIntegerField, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from coordination import dates
from coordination.exceptions import EditConflict
from coordination.models import Contact, Question
from coordination.private_files import private_name
from meetings import enums
from meetings import validators as files
from meetings.emails import outbox_discard_superseded, outbox_write
from meetings.formats.agenda_versions import agenda_changes, agenda_snapshot
from meetings.merging import three_way_merge
from meetings.models import (
    ActionItem,
    AgendaAttachment,
    AgendaItem,
    AgendaVersion,
    Invitation,
    Meeting,
    OutboundMessage,
)
from meetings.selectors.actions import open_action_items_for_meeting
from meetings.selectors.agendas import agenda_items
from meetings.selectors.scheduling import previous_meeting
from meetings.services.access import sign_in_links_for
from meetings.services.actions import action_items_mark_reviewed
from meetings.services.invitations import occurrence_invitations_ensure
from meetings.validators import single_line

EDITABLE_FIELDS = (
    "title",
    "title_alt",
    "purpose",
    "description",
    "description_alt",
    "planned_minutes",
    "presenter",
    "kind",
)
POSITION_OFFSET = 10_000
MAX_PLANNED_MINUTES = 600


@dataclass(frozen=True)
class TemplateItem:
    title: object  # a lazy translation
    purpose: str
    minutes: int
    kind: str = enums.AgendaItemKind.TOPIC


AGENDA_TEMPLATES: dict[str, tuple[TemplateItem, ...]] = {
    enums.AgendaTemplate.ROUND_SESSION: (
        TemplateItem(gettext_lazy("Welcome and purpose of the session"), "information", 15),
        TemplateItem(gettext_lazy("Survey findings on the theme"), "information", 30),
        TemplateItem(gettext_lazy("Discussion in groups"), "discussion", 75),
        TemplateItem(gettext_lazy("Solutions and priorities"), "decision", 60),
        TemplateItem(gettext_lazy("Next steps"), "information", 15),
    ),
    enums.AgendaTemplate.WORKING_GROUP: (
        TemplateItem(
            gettext_lazy("Approval of the previous minutes"),
            "decision",
            5,
            enums.AgendaItemKind.MINUTES_APPROVAL,
        ),
        TemplateItem(
            gettext_lazy("Review of open action items"),
            "discussion",
            15,
            enums.AgendaItemKind.ACTION_REVIEW,
        ),
        TemplateItem(gettext_lazy("Topics"), "discussion", 60),
        TemplateItem(gettext_lazy("Any other business"), "information", 10),
        TemplateItem(gettext_lazy("Next meeting"), "information", 5),
    ),
}
# The second language of a bilingual agenda (French | Dutch).
ALT_LANGUAGE = {"fr": "nl", "nl": "fr"}


def _validate_minutes(planned_minutes) -> int:
    try:
        value = int(planned_minutes)
    except (TypeError, ValueError):
        raise ValidationError(
            {"planned_minutes": _("Enter the planned time as a whole number of minutes.")}
        ) from None
    if value < 1:
        raise ValidationError({"planned_minutes": _("Planned minutes must be at least 1.")})
    if value > MAX_PLANNED_MINUTES:
        raise ValidationError(
            {
                "planned_minutes": _("Planned minutes cannot exceed %(max)s.")
                % {"max": MAX_PLANNED_MINUTES}
            }
        )
    return value


def _validate_item(item: AgendaItem) -> None:
    if not (item.title or "").strip():
        raise ValidationError({"title": _("Give the item a title.")})
    item.planned_minutes = _validate_minutes(item.planned_minutes)
    if item.purpose not in enums.AgendaPurpose.values:
        raise ValidationError({"purpose": _("Choose information, discussion or decision.")})
    if item.kind not in enums.AgendaItemKind.values:
        raise ValidationError({"kind": _("Unknown kind of agenda item.")})


def agenda_mark_changed(*, meeting: Meeting, user=None) -> None:
    """After a change to an agenda: the meeting is revised now (calendar feeds, which show
    the agenda, go by that stamp); a published agenda also gets a new version, kept as it is
    and announced to the invitees (after a short delay, so that a series of edits is one
    e-mail)."""
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=now)
    changed = Meeting.objects.filter(pk=meeting.pk, agenda_published_at__isnull=False).update(
        agenda_version=F("agenda_version") + 1, agenda_published_at=now
    )
    fields = ["updated_at", "agenda_version", "agenda_published_at"] if changed else ["updated_at"]
    meeting.refresh_from_db(fields=fields)
    if changed:
        _version_record(meeting=meeting, user=user)
        agenda_invitees_notify(
            meeting=meeting,
            send_after=timezone.now()
            + dt.timedelta(seconds=getattr(settings, "AGENDA_CHANGE_NOTICE_DELAY_SECONDS", 300)),
        )


def _version_record(*, meeting: Meeting, user=None) -> AgendaVersion:
    items = (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter")
        .prefetch_related("questions")
        .order_by("position")
    )
    version, _created = AgendaVersion.objects.update_or_create(
        meeting=meeting,
        number=meeting.agenda_version,
        defaults={
            "published_at": meeting.agenda_published_at,
            "published_by": user,
            "items": agenda_snapshot(items),
        },
    )
    return version


# Invitees who are told about the agenda: invited (the invitation went out), not declined.
AGENDA_NOTICE_EXCLUDED = (enums.InvitationStatus.DECLINED,)
FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "purpose": gettext_lazy("Purpose"),
    "planned_minutes": pgettext_lazy("duration", "Planned minutes"),
    "description": gettext_lazy("Description"),
    "presenter": gettext_lazy("Presenter"),
    "questions": gettext_lazy("Survey questions"),
}


def _shown(name: str, value) -> object:
    if value in (None, "", []):
        return "–"
    if name == "purpose":
        return enums.AgendaPurpose(value).label if value in enums.AgendaPurpose.values else value
    if name == "questions":
        return ", ".join(f"Q{number}" for number in value)
    return value


def agenda_changes_shown(*, before: list[dict] | None, after: list[dict]) -> list[dict]:
    """The changes between two snapshots, ready for a page or an e-mail (labels are lazy
    translations, rendered in the reader's language)."""
    if before is None:
        return []
    return [
        {
            "kind": change.kind,
            "title": change.title,
            "position": change.position,
            "before_position": change.before_position,
            "fields": [
                (FIELD_LABELS[name], _shown(name, old), _shown(name, new))
                for name, old, new in change.fields
            ],
        }
        for change in agenda_changes(before, after)
    ]


def _version_received(invitation: Invitation, versions: list[AgendaVersion]) -> int | None:
    """The latest agenda version the invitee was sent (attached to any message they got)."""
    last = (
        OutboundMessage.objects.filter(
            invitation=invitation, status=enums.OutboxStatus.SENT, sent_at__isnull=False
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if last is None:
        return None
    received = [v.number for v in versions if v.published_at <= last]
    return max(received) if received else None


def agenda_invitees_notify(*, meeting: Meeting, send_after=None) -> int:
    """Tell every invitee who has not declined that the agenda was published or changed: in
    their language, the PDF attached (when sent), with what changed since the version they
    were sent. A notice still waiting for an earlier version is replaced by this one."""
    version = meeting.agenda_version
    invited = (
        # A date of a series: those invited to the series, unless they declined that date.
        occurrence_invitations_ensure(occurrence=meeting)
        if meeting.is_occurrence
        else Invitation.objects.went_out().filter(meeting=meeting)
    )
    invitations = list(invited.exclude(status__in=AGENDA_NOTICE_EXCLUDED).select_related("contact"))
    if not invitations:
        return 0
    outbox_discard_superseded(
        invitation_ids=[i.pk for i in invitations],
        kind=enums.OutboxKind.AGENDA,
        below_sequence=version,
    )
    versions = list(AgendaVersion.objects.filter(meeting=meeting))
    snapshots = {v.number: v.items for v in versions}
    current = snapshots.get(version, [])
    written = 0
    for invitation in invitations:
        received = _version_received(invitation, versions)
        if received == version:
            continue
        # A link that signs the invitee in: most never set a password.
        links = sign_in_links_for(contact=invitation.contact, meeting_end=meeting.ends_at)
        url = links.url(reverse("agenda-page", args=[meeting.pk]))
        row = outbox_write(
            about={"invitation": invitation},
            to_email=invitation.contact.email,
            kind=enums.OutboxKind.AGENDA,
            sequence=version,
            template="agenda_changed",
            context={"meeting": meeting, "contact": invitation.contact, "version": version,
                     "received": received, "agenda_url": url,
                     "changes": agenda_changes_shown(
                         before=snapshots.get(received), after=current)},
            language=invitation.contact.preferred_language,
            send_after=send_after,
        )  # fmt: skip
        written += row is not None
    return written


def _next_position(meeting: Meeting) -> int:
    current = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
    return (current or 0) + 1


def _renumber(*, meeting: Meeting, ordered_ids: list[int]) -> None:
    """Give the items of ``meeting`` positions 1..n in the order of ``ordered_ids``: two
    statements, so the unique (meeting, position) constraint holds after each row."""
    items = AgendaItem.objects.filter(meeting=meeting)
    items.update(position=F("position") + POSITION_OFFSET)
    if ordered_ids:
        items.update(
            position=Case(
                *[When(pk=pk, then=Value(index)) for index, pk in enumerate(ordered_ids, 1)],
                default=F("position"),
                output_field=PositiveSmallIntegerField(),
            )
        )


@transaction.atomic
def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    purpose: str = enums.AgendaPurpose.DISCUSSION,
    planned_minutes: int = 15,
    description: str = "",
    title_alt: str = "",
    description_alt: str = "",
    presenter: Contact | None = None,
    kind: str = enums.AgendaItemKind.TOPIC,
    questions: list[Question] | None = None,
) -> AgendaItem:
    item = AgendaItem(
        meeting=meeting,
        title=single_line(title),
        title_alt=single_line(title_alt),
        purpose=purpose,
        planned_minutes=planned_minutes,
        description=description,
        description_alt=description_alt,
        presenter=presenter,
        kind=kind,
    )
    _validate_item(item)
    item.position = _next_position(meeting)
    item.save()
    if questions:
        item.questions.set(questions)
    agenda_mark_changed(meeting=meeting)
    return item


def agenda_item_values(item: AgendaItem, names=(*EDITABLE_FIELDS, "questions")) -> dict:
    """The editable values of ``item`` as plain data (ids for relations, question numbers
    sorted): what an editor loads, and compares on save."""
    values = {}
    for name in names:
        if name == "questions":
            values[name] = sorted(q.number for q in item.questions.all())
        elif name == "presenter":
            values[name] = item.presenter_id
        else:
            values[name] = getattr(item, name)
    return values


def _plain(name: str, value):
    if name == "questions":
        return sorted(q.number for q in value)
    if name == "presenter":
        return value.pk if value is not None else None
    return value


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    questions: list[Question] | None = None,
    revision: int | None = None,
    bases: dict | None = None,
    **changes,
) -> AgendaItem:
    """Change an item. ``revision`` is the one the editor loaded (None: not checked); when
    the item was saved meanwhile, each value is merged with ``bases`` (what the editor loaded,
    as ``agenda_item_values`` gives them): changed by one side only, that side's value is kept;
    changed by both, ``EditConflict`` is raised and nothing is written."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    current = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if revision is not None and revision != current.revision:
        mine = {name: _plain(name, value) for name, value in changes.items()}
        if questions is not None:
            mine["questions"] = _plain("questions", questions)
        theirs = agenda_item_values(current, names=tuple(mine))
        merged, conflicts = three_way_merge(base=bases or {}, mine=mine, theirs=theirs)
        if conflicts:
            raise EditConflict(
                _(
                    "Someone else saved this agenda item while you were editing it, and "
                    "changed the same fields. Nothing was saved: compare, merge and save again."
                ),
                revision=current.revision,
                conflicts=conflicts,
                merged=merged,
            )
        kept_theirs = {name for name in mine if merged[name] != mine[name]}
        for name in kept_theirs - {"questions"}:
            setattr(item, name, getattr(current, name))
        changes = {name: value for name, value in changes.items() if name not in kept_theirs}
        if "questions" in kept_theirs:
            questions = None
    original = {name: getattr(item, name) for name in changes}
    for name, value in changes.items():
        setattr(item, name, single_line(value) if name in ("title", "title_alt") else value)
    try:
        _validate_item(item)
    except ValidationError:
        for name, value in original.items():
            setattr(item, name, value)
        raise
    item.revision = current.revision + 1
    item.save(update_fields=[*changes, "revision"])
    if questions is not None:
        item.questions.set(questions)
    agenda_mark_changed(meeting=item.meeting)
    return item


def agenda_item_undo_data(*, item: AgendaItem) -> dict:
    """What ``agenda_item_restore`` needs to put a deleted item back (its attachments are
    deleted with it and cannot come back)."""
    return {
        "meeting": item.meeting_id,
        "position": item.position,
        "questions": list(item.questions.values_list("pk", flat=True)),
        "presenter": item.presenter_id,
        **{name: getattr(item, name) for name in EDITABLE_FIELDS if name != "presenter"},
    }


@transaction.atomic
def agenda_item_restore(*, meeting: Meeting, data: dict) -> AgendaItem:
    """Put a deleted item back at its former place (undo of a deletion)."""
    if data.get("meeting") != meeting.pk:
        raise ValidationError(_("This item belonged to another meeting."))
    presenter = Contact.objects.filter(pk=data.get("presenter")).first()
    item = agenda_item_create(
        meeting=meeting,
        presenter=presenter,
        questions=list(Question.objects.filter(pk__in=data.get("questions") or [])),
        **{name: data[name] for name in EDITABLE_FIELDS if name != "presenter" and name in data},
    )
    order = list(
        AgendaItem.objects.filter(meeting=meeting)
        .exclude(pk=item.pk)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    order.insert(max(0, min(int(data.get("position") or 1) - 1, len(order))), item.pk)
    _renumber(meeting=meeting, ordered_ids=order)
    item.refresh_from_db(fields=["position"])
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    meeting = item.meeting
    for attachment in item.attachments.all():
        attachment.file.delete(save=False)
    item.delete()
    remaining = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True)
    )
    _renumber(meeting=meeting, ordered_ids=remaining)
    agenda_mark_changed(meeting=meeting)


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> bool:
    """Move ``item`` one place up or down; False (nothing changed) at either end."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item “up” or “down”."))
    ids = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ids):
        return False
    ids[index], ids[other] = ids[other], ids[index]
    _renumber(meeting=item.meeting, ordered_ids=ids)
    agenda_mark_changed(meeting=item.meeting)
    return True


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: list[int]) -> None:
    """Put the items in the order of ``item_ids`` (every item of the agenda, each once)."""
    current = set(AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True))
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != current:
        raise ValidationError(_("The new order must list every item of this agenda exactly once."))
    _renumber(meeting=meeting, ordered_ids=list(item_ids))
    agenda_mark_changed(meeting=meeting)


def _require_empty(meeting: Meeting) -> None:
    if AgendaItem.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            _("This agenda already has items: remove them first to start from a template.")
        )


@transaction.atomic
def agenda_from_template(*, meeting: Meeting, template: str) -> list[AgendaItem]:
    """Fill an empty agenda from a template, in the meeting's language (the second language
    of a French or Dutch meeting is the other one)."""
    if template not in AGENDA_TEMPLATES:
        raise ValidationError(_("Unknown agenda template."))
    _require_empty(meeting)
    alt_language = ALT_LANGUAGE.get(meeting.language)
    items = []
    for position, entry in enumerate(AGENDA_TEMPLATES[template], 1):
        with translation.override(meeting.language):
            title = str(entry.title)
        title_alt = ""
        if alt_language:
            with translation.override(alt_language):
                title_alt = str(entry.title)
        items.append(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=title,
                title_alt=title_alt,
                purpose=entry.purpose,
                planned_minutes=entry.minutes,
                kind=entry.kind,
            )
        )
    created = AgendaItem.objects.bulk_create(items)
    agenda_mark_changed(meeting=meeting)
    return created


@transaction.atomic
def agenda_copy_previous(*, meeting: Meeting) -> list[AgendaItem]:
    """Copy the items (not the attachments) of the previous meeting of the same group or
    round into an empty agenda (for a date of a series: the previous date, or the series'
    own agenda)."""
    _require_empty(meeting)
    previous = previous_meeting(meeting=meeting)
    if previous is None:
        raise ValidationError(_("There is no earlier meeting of this group or round to copy."))
    created = agenda_copy_from(meeting=meeting, source=previous)
    if not created:
        raise ValidationError(
            _("The previous meeting (%(title)s) has no agenda to copy.") % {"title": previous}
        )
    return created


@transaction.atomic
def agenda_copy_from(*, meeting: Meeting, source: Meeting) -> list[AgendaItem]:
    """Copy the items (not the attachments) of ``source``'s agenda after ``meeting``'s own
    (a new date of a series starts from the series' agenda as its template); the review of
    open action items is written afresh for the new meeting. Nothing when ``source`` has no
    agenda."""
    source_items = list(agenda_items(meeting=source))
    if not source_items:
        return []
    start = _next_position(meeting) - 1
    created = []
    for item in source_items:
        copy = AgendaItem.objects.create(
            meeting=meeting,
            position=start + item.position,
            title=item.title,
            title_alt=item.title_alt,
            purpose=item.purpose,
            description="" if item.kind == enums.AgendaItemKind.ACTION_REVIEW else item.description,
            description_alt=item.description_alt,
            planned_minutes=item.planned_minutes,
            presenter=item.presenter,
            kind=item.kind,
        )
        copy.questions.set(item.questions.all())
        created.append(copy)
    agenda_mark_changed(meeting=meeting)
    return created


def action_review_text(*, actions: list[ActionItem], language: str) -> str:
    """The text of the "Review of open action items" item (Markdown list)."""
    with translation.override(language):
        if not actions:
            return _("No open action items.")
        lines = []
        for action in actions:
            owner = action.owner_contact.name if action.owner_contact else ""
            if action.owner_organisation:
                owner = (
                    f"{owner} ({action.owner_organisation})"
                    if owner
                    else str(action.owner_organisation)
                )
            due = dates.medium_date(action.due_date) or _("no due date")
            lines.append(
                _("- %(description)s — %(owner)s, due %(due)s (%(status)s)")
                % {
                    "description": " ".join(action.description.split()),
                    "owner": owner,
                    "due": due,
                    "status": action.get_status_display(),
                }
            )
        return "\n".join(lines)


@transaction.atomic
def agenda_publish(*, meeting: Meeting, user=None) -> Meeting:
    """Publish (or republish) the agenda: fill "Review of open action items", record that
    each carried-over action item is reviewed at this meeting, and raise the version."""
    given = meeting
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    if not items:
        raise ValidationError(_("An empty agenda cannot be published: add an item first."))
    open_actions = list(open_action_items_for_meeting(meeting=meeting))
    review_items = [i for i in items if i.kind == enums.AgendaItemKind.ACTION_REVIEW]
    for item in review_items:
        item.description = action_review_text(actions=open_actions, language=meeting.language)
        alt_language = ALT_LANGUAGE.get(meeting.language)
        if alt_language:
            item.description_alt = action_review_text(actions=open_actions, language=alt_language)
        item.save(update_fields=["description", "description_alt"])
    if review_items:
        action_items_mark_reviewed(meeting=meeting, actions=open_actions, user=user)
    meeting.agenda_version += 1
    meeting.agenda_published_at = timezone.now()
    meeting.save(update_fields=["agenda_version", "agenda_published_at", "updated_at"])
    given.agenda_version = meeting.agenda_version
    given.agenda_published_at = meeting.agenda_published_at
    _version_record(meeting=meeting, user=user)
    agenda_invitees_notify(meeting=meeting)
    return meeting


@transaction.atomic
def agenda_attachment_add(*, item: AgendaItem, upload, user=None) -> AgendaAttachment:
    """Store an uploaded file after checking its size and its real type."""
    file_type = files.attachment_check(upload)
    original_name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:255]
    stored_name = f"{private_name()}{file_type.extensions[0]}"
    attachment = AgendaAttachment(
        agenda_item=item,
        original_name=original_name,
        content_type=file_type.mimetype,
        size=upload.size,
        uploaded_by=user,
    )
    upload.seek(0)
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()
    agenda_mark_changed(meeting=item.meeting)
    return attachment


@transaction.atomic
def agenda_attachment_delete(*, attachment: AgendaAttachment) -> None:
    meeting = attachment.agenda_item.meeting
    attachment.file.delete(save=False)
    attachment.delete()
    agenda_mark_changed(meeting=meeting)
