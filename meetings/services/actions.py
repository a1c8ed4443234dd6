"""Writes of action items: creation, status changes and comments (each with a history
event), carry-over reviews, reminders and the signed "mark as done" link.

An action item due *before the day of the meeting it came
from* is refused with a clear message; due the same day is allowed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_q.tasks import async_task

from coordination import dates
from coordination.exceptions import InvalidTokenError
from coordination.models import Contact, Organisation
from meetings import enums
from meetings.emails import outbox_write
from meetings.models import ActionItem, ActionItemEvent, AgendaItem, Meeting
from meetings.selectors.outbox import message_may_be_written
from meetings.services.access import sign_in_links_for

CLOSED_STATUSES = (enums.ActionStatus.DONE, enums.ActionStatus.DROPPED)
DONE_TOKEN_SALT = "meetings.action-item.done"  # noqa: S105 - a salt, not a secret
DONE_TOKEN_MAX_AGE = 90 * 24 * 3600
REMINDER_INTERVAL_DAYS = 7


def _meeting_date(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def _validate(
    *,
    meeting: Meeting,
    description: str,
    owner_contact: Contact | None,
    owner_organisation: Organisation | None,
    due_date: dt.date | None,
    agenda_item: AgendaItem | None,
) -> None:
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("Describe the action.")
    if owner_contact is None and owner_organisation is None:
        errors["owner_contact"] = _("Give the action an owner: a person or an organisation.")
    if due_date is not None and due_date < _meeting_date(meeting):
        errors["due_date"] = _(
            "The due date (%(due)s) is before the meeting this action comes from "
            "(%(meeting)s). Choose the meeting day or later."
        ) % {
            "due": dates.medium_date(due_date),
            "meeting": dates.medium_date(_meeting_date(meeting)),
        }
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["origin_agenda_item"] = _("This agenda item belongs to another meeting.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_item_create(
    *,
    meeting: Meeting,
    description: str,
    owner_contact: Contact | None = None,
    owner_organisation: Organisation | None = None,
    due_date: dt.date | None = None,
    agenda_item: AgendaItem | None = None,
    user=None,
) -> ActionItem:
    _validate(
        meeting=meeting,
        description=description,
        owner_contact=owner_contact,
        owner_organisation=owner_organisation,
        due_date=due_date,
        agenda_item=agenda_item,
    )
    if owner_organisation is None and owner_contact is not None:
        owner_organisation = owner_contact.organisation
    action = ActionItem.objects.create(
        description=description.strip(),
        owner_contact=owner_contact,
        owner_organisation=owner_organisation,
        due_date=due_date,
        origin_meeting=meeting,
        origin_agenda_item=agenda_item,
    )
    ActionItemEvent.objects.create(
        action_item=action,
        kind=enums.ActionEventKind.CREATED,
        to_status=action.status,
        meeting=meeting,
        author=user,
    )
    return action


@transaction.atomic
def action_item_update(
    *,
    action: ActionItem,
    description: str,
    owner_contact: Contact | None,
    owner_organisation: Organisation | None,
    due_date: dt.date | None,
    user=None,
) -> ActionItem:
    _validate(
        meeting=action.origin_meeting,
        description=description,
        owner_contact=owner_contact,
        owner_organisation=owner_organisation,
        due_date=due_date,
        agenda_item=action.origin_agenda_item,
    )
    action.description = description.strip()
    action.owner_contact = owner_contact
    action.owner_organisation = owner_organisation or (
        owner_contact.organisation if owner_contact else None
    )
    action.due_date = due_date
    action.save(
        update_fields=[
            "description",
            "owner_contact",
            "owner_organisation",
            "due_date",
            "updated_at",
        ]
    )
    return action


@transaction.atomic
def action_item_set_status(
    *, action: ActionItem, status: str, user=None, text: str = "", meeting: Meeting | None = None
) -> ActionItem:
    """Change the status and record the change; setting the current status is refused."""
    if status not in enums.ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    action = ActionItem.objects.select_for_update().get(pk=action.pk)
    if action.status == status:
        raise ValidationError(
            {"status": _("The action item is already “%s”.") % action.get_status_display()}
        )
    previous = action.status
    action.status = status
    action.closed_at = timezone.now() if status in CLOSED_STATUSES else None
    action.save(update_fields=["status", "closed_at", "updated_at"])
    ActionItemEvent.objects.create(
        action_item=action,
        kind=enums.ActionEventKind.STATUS,
        from_status=previous,
        to_status=status,
        text=text.strip(),
        meeting=meeting,
        author=user,
    )
    return action


def action_item_comment(*, action: ActionItem, text: str, user=None) -> ActionItemEvent:
    if not (text or "").strip():
        raise ValidationError({"text": _("Write a comment.")})
    return ActionItemEvent.objects.create(
        action_item=action, kind=enums.ActionEventKind.COMMENT, text=text.strip(), author=user
    )


def action_items_mark_reviewed(*, meeting: Meeting, actions: list[ActionItem], user=None) -> int:
    """One "reviewed" event per action item and meeting (idempotent)."""
    already = set(
        ActionItemEvent.objects.filter(
            meeting=meeting, kind=enums.ActionEventKind.REVIEWED, action_item__in=actions
        ).values_list("action_item_id", flat=True)
    )
    events = [
        ActionItemEvent(
            action_item=action,
            kind=enums.ActionEventKind.REVIEWED,
            meeting=meeting,
            author=user,
            text=str(meeting)[:200],
        )
        for action in actions
        if action.pk not in already
    ]
    ActionItemEvent.objects.bulk_create(events)
    return len(events)


# --- The signed "mark as done" link ---------------------------------------------------------


def action_done_token(*, action: ActionItem) -> str:
    """A signed token for the owner of ``action`` to mark it done without signing in."""
    return signing.dumps(
        {"a": action.pk, "c": action.owner_contact_id}, salt=DONE_TOKEN_SALT, compress=True
    )


class ActionLinkError(InvalidTokenError):
    """A "mark as done" link that is forged, too old or meant for an earlier owner. Its
    message is lazy: a link that is only too old is answered in its owner's language."""


def action_done_token_check(*, token: str) -> ActionItem:
    """The action item a token stands for, or ActionLinkError (expired, forged, reassigned)."""
    try:
        data = signing.loads(token, salt=DONE_TOKEN_SALT, max_age=DONE_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ActionLinkError(
            gettext_lazy("This link has expired. Sign in to update the action."),
            code="expired",
            language=_old_link_owner_language(token),
        ) from None
    except signing.BadSignature:
        raise ActionLinkError(gettext_lazy("This link is not valid."), code="invalid") from None
    action = (
        ActionItem.objects.select_related("owner_contact", "origin_meeting")
        .filter(pk=data.get("a"))
        .first()
    )
    if action is None or action.owner_contact_id != data.get("c"):
        raise ActionLinkError(
            gettext_lazy("This link is no longer valid: the action has another owner."),
            code="revoked",
        )
    return action


def _old_link_owner_language(token: str) -> str:
    """The language of the owner an authentic but too old link was sent to, while they
    still own the action item (and are not erased); empty otherwise."""
    data = signing.loads(token, salt=DONE_TOKEN_SALT)
    language = (
        ActionItem.objects.filter(
            pk=data.get("a"),
            owner_contact_id=data.get("c"),
            owner_contact__erased_at__isnull=True,
        )
        .values_list("owner_contact__preferred_language", flat=True)
        .first()
    )
    return language or ""


def action_item_mark_done_by_token(*, token: str) -> tuple[ActionItem, bool]:
    """Mark done from the e-mail link. Returns (action, changed); already done is not an
    error (the link may be clicked twice), dropped is refused."""
    action = action_done_token_check(token=token)
    if action.status == enums.ActionStatus.DONE:
        return action, False
    if action.status == enums.ActionStatus.DROPPED:
        raise ValidationError(_("This action was dropped; it cannot be marked done."))
    user = action.owner_contact.user if action.owner_contact else None
    action = action_item_set_status(
        action=action, status=enums.ActionStatus.DONE, user=user, text=_("Marked done by e-mail")
    )
    return action, True


# --- Reminders --------------------------------------------------------------------------------


def action_reminder_is_due(*, action: ActionItem, today: dt.date) -> bool:
    """On the due date, then every seven days while the action stays open, to an owner who
    may be written to for the purpose of the meeting it comes from."""
    if action.status in CLOSED_STATUSES or action.due_date is None or action.due_date > today:
        return False
    if action.owner_contact is None or not action.owner_contact.email:
        return False
    if not message_may_be_written(
        about={"action_item": action},
        to_email=action.owner_contact.email,
        kind=enums.OutboxKind.ACTION_REMINDER,
    ):
        return False
    if action.reminded_on is None or action.reminded_on < action.due_date:
        return True
    return (today - action.reminded_on).days >= REMINDER_INTERVAL_DAYS


def action_reminder_send(*, action_id: int, today: dt.date | None = None) -> bool:
    """Write one reminder to the outbox if it is due (idempotent: ``reminded_on`` records the
    day, and the outbox key (action item, kind, day) is written once); the outbox sends it
    after commit, with its retries and its delivery guarantee."""

    today = today or timezone.localdate()
    with transaction.atomic():
        action = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("owner_contact", "origin_meeting", "owner_organisation")
            .filter(pk=action_id)
            .first()
        )
        if action is None or not action_reminder_is_due(action=action, today=today):
            return False
        contact = action.owner_contact
        links = sign_in_links_for(contact=contact)
        context = {
            "action": action,
            "contact": contact,
            "overdue_days": (today - action.due_date).days,
            "done_url": settings.SITE_URL
            + reverse("action-done-token", args=[action_done_token(action=action)]),
            "action_url": links.url(reverse("action-detail", args=[action.pk])),
            "actions_url": links.url(reverse("action-list")),
            "my_data_url": links.url(reverse("my-data")),
        }
        outbox_write(
            about={"action_item": action},
            to_email=contact.email,
            kind=enums.OutboxKind.ACTION_REMINDER,
            sequence=today.toordinal(),
            template="action_reminder",
            context=context,
            language=contact.preferred_language,
        )
        action.reminded_on = today
        action.save(update_fields=["reminded_on"])
    return True


def action_reminders_due_ids(*, today: dt.date) -> list[int]:
    candidates = ActionItem.objects.filter(
        status__in=[enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS],
        due_date__lte=today,
        owner_contact__isnull=False,
        owner_contact__email__isnull=False,
    ).select_related("owner_contact")
    return [a.pk for a in candidates if action_reminder_is_due(action=a, today=today)]


def action_reminders_queue(*, today: dt.date) -> int:
    """Queue one reminder task per action item due for a reminder ``today`` (run daily)."""
    ids = action_reminders_due_ids(today=today)
    for action_id in ids:
        async_task("meetings.tasks.action_reminder_send", action_id)
    return len(ids)
