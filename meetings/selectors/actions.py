"""Reads of action items: what a user may see, with filters and histories, in a fixed
number of queries whatever the length of the lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from coordination.models import Contact, Membership, Organisation
from coordination.rules import is_team
from meetings import enums
from meetings.models import (
    ActionItem,
    ActionItemEvent,
    Attendance,
    Invitation,
    Meeting,
)
from meetings.selectors.scheduling import meeting_series_filter, meetings_visible_to

OPEN_STATUSES = (enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS)


def my_action_items(*, user, limit: int = 20) -> list[ActionItem]:
    """The first open action items (by due date) of ``user`` or of their organisation, with
    what the home page shows of them: description, due date and status. The two owners are
    read apart, each through its own index, so the read does not grow with the directory's
    other open action items (one condition on either owner walks every open item)."""
    if not user.is_authenticated:
        return []
    contact = getattr(user, "contact", None)
    if contact is None:
        return []
    shown = ("description", "due_date", "status")
    open_items = ActionItem.objects.filter(status__in=OPEN_STATUSES).only(*shown).order_by()
    return list(
        open_items.filter(owner_contact=contact)
        .union(open_items.filter(owner_organisation_id=contact.organisation_id))
        .order_by("due_date", "id")[:limit]
    )


def open_action_items_for_meeting(*, meeting: Meeting) -> QuerySet[ActionItem]:
    """Open action items of the same group or round that came from earlier meetings: they are
    carried over to ``meeting`` until they are closed."""
    series = Meeting.objects.filter(meeting_series_filter(meeting)).values("pk")
    return (
        ActionItem.objects.filter(
            origin_meeting__in=series,
            origin_meeting__starts_at__lt=meeting.starts_at,
            status__in=[enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS],
        )
        .select_related("owner_contact", "owner_organisation", "origin_meeting")
        .order_by("due_date", "id")
    )


# Invitees who may be named owners of a meeting's action items (a draft is not an invitee).
OWNER_INVITATION_STATUSES = (
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.WAITLISTED,
    enums.InvitationStatus.DELEGATED,
)


def action_owner_choices(
    *, meeting: Meeting, action: ActionItem | None = None
) -> tuple[QuerySet[Contact], QuerySet[Organisation]]:
    """Who may be named owner of an action item of ``meeting``: its invitees, the current
    members of its group, the people whose attendance was recorded, the facilitators of its
    round (active contacts), and the action item's current owners; the organisations are
    theirs. Bounded by the meeting, never the whole directory; each relation read in its
    own subquery."""
    people = Q(
        pk__in=Invitation.objects.filter(
            meeting=meeting, status__in=OWNER_INVITATION_STATUSES
        ).values("contact_id")
    ) | Q(pk__in=Attendance.objects.filter(meeting=meeting).values("contact_id"))
    if meeting.working_group_id:
        people |= Q(
            pk__in=Membership.objects.filter(
                group_id=meeting.working_group_id, until__isnull=True
            ).values("contact_id")
        )
    if meeting.consultation_round_id:
        facilitators = meeting.consultation_round.facilitators.through.objects.filter(
            consultationround_id=meeting.consultation_round_id
        ).values("user_id")
        people |= Q(user__in=facilitators)
    people &= Q(is_active=True)
    organisations = Q(pk__in=Contact.objects.filter(people).values("organisation_id"))
    if action is not None and action.owner_contact_id:
        people |= Q(pk=action.owner_contact_id)
    if action is not None and action.owner_organisation_id:
        organisations |= Q(pk=action.owner_organisation_id)
    return (
        Contact.objects.filter(people).select_related("organisation").order_by("name", "pk"),
        Organisation.objects.filter(organisations).order_by("name", "pk"),
    )


def action_items_visible_to(*, user) -> QuerySet[ActionItem]:
    """The team sees every action item; others those of meetings they may open and their own."""
    actions = ActionItem.objects.select_related(
        "owner_contact", "owner_organisation", "origin_meeting__working_group",
        "origin_meeting__consultation_round", "origin_agenda_item",
    )  # fmt: skip
    if is_team(user):
        return actions
    if not user.is_authenticated:
        return actions.none()
    visible_meetings = meetings_visible_to(user=user).values("pk")
    condition = Q(origin_meeting__in=visible_meetings)
    contact = getattr(user, "contact", None)
    if contact is not None:
        condition |= Q(owner_contact=contact) | Q(owner_organisation_id=contact.organisation_id)
    return actions.filter(condition)


@dataclass
class ActionFilters:
    scope: str = ""  # "mine" or ""
    status: str = ""  # an ActionStatus, "open" (open or in progress) or ""
    overdue: bool = False
    owner: int | None = None  # contact id
    organisation: int | None = None
    due_from: dt.date | None = None
    due_until: dt.date | None = None
    meeting: int | None = None
    working_group: int | None = None
    consultation_round: int | None = None


def action_item_list(
    *, user, filters: ActionFilters, visible: QuerySet[ActionItem] | None = None
) -> QuerySet[ActionItem]:
    """The action items ``user`` may see (``visible`` when the caller has them already),
    filtered, by due date."""
    actions = action_items_visible_to(user=user) if visible is None else visible
    if filters.scope == "mine":
        contact = getattr(user, "contact", None) if user.is_authenticated else None
        actions = actions.filter(owner_contact=contact) if contact else actions.none()
    if filters.status == "open":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    if filters.owner:
        actions = actions.filter(owner_contact_id=filters.owner)
    if filters.organisation:
        actions = actions.filter(owner_organisation_id=filters.organisation)
    if filters.due_from:
        actions = actions.filter(due_date__gte=filters.due_from)
    if filters.due_until:
        actions = actions.filter(due_date__lte=filters.due_until)
    if filters.meeting:
        meeting = Meeting.objects.filter(pk=filters.meeting).first()
        if meeting is None:
            return actions.none()
        # The meeting's own action items and those carried over to it.
        carried = open_action_items_for_meeting(meeting=meeting).values("pk")
        actions = actions.filter(Q(origin_meeting=meeting) | Q(pk__in=carried))
    if filters.working_group:
        actions = actions.filter(origin_meeting__working_group_id=filters.working_group)
    if filters.consultation_round:
        actions = actions.filter(origin_meeting__consultation_round_id=filters.consultation_round)
    return actions.order_by("due_date", "id")


def action_item_history(*, action: ActionItem) -> list[ActionItemEvent]:
    return list(
        ActionItemEvent.objects.filter(action_item=action)
        .select_related("author", "meeting")
        .order_by("at", "id")
    )


LISTED_FIELDS = (
    "pk", "description", "due_date", "status", "origin_meeting_id", "origin_meeting__title",
    "owner_contact_id", "owner_contact__name", "owner_organisation_id",
    "owner_organisation__name",
)  # fmt: skip


def action_items_listed(queryset: QuerySet[ActionItem]) -> QuerySet:
    """Only what the list of action items shows, as one dictionary per row (no model
    instances for the item, its owner, organisation and meeting). The meetings that reviewed
    each row: ``action_item_reviews``."""
    return queryset.select_related(None).values(*LISTED_FIELDS)


def action_item_reviews(action_ids: list[int]) -> dict[int, list[str]]:
    """The titles of the meetings that reviewed each of these action items, in the order of
    the reviews (one query); a review without a meeting gives an empty title."""
    reviews: dict[int, list[str]] = {}
    for action_id, title in (
        ActionItemEvent.objects.filter(
            kind=enums.ActionEventKind.REVIEWED, action_item_id__in=action_ids
        )
        .order_by("action_item", "at", "id")
        .values_list("action_item_id", "meeting__title")
    ):
        reviews.setdefault(action_id, []).append(title or "")
    return reviews
