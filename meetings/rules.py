"""Object permissions of the ``meetings`` app (built on ``coordination.rules``)."""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from coordination.rules import facilitates_round, is_team, leads_group
from meetings import enums

VISIBLE_INVITATION_STATUSES = (
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.WAITLISTED,
)


@rules.predicate
def facilitates_meeting(user, meeting) -> bool:
    if meeting is None:
        return False
    if meeting.consultation_round_id:
        return facilitates_round(user, meeting.consultation_round)
    return leads_group(user, meeting.working_group)


@rules.predicate
def takes_part_in_meeting(user, meeting) -> bool:
    """Invited (an invitation that was sent) or a current member of the meeting's group."""
    if meeting is None or not user.is_authenticated:
        return False
    from meetings.models import Invitation

    # Invited to the meeting, or to the series a date belongs to.
    if Invitation.objects.filter(
        Q(meeting_id=meeting.pk) | Q(meeting_id=meeting.recurrence_parent_id or meeting.pk),
        contact__user=user,
        status__in=VISIBLE_INVITATION_STATUSES,
    ).exists():
        return True
    return bool(
        meeting.working_group_id
        and meeting.working_group.memberships.filter(
            contact__user=user, until__isnull=True
        ).exists()
    )


can_manage_meeting = is_team | facilitates_meeting
can_view_meeting = can_manage_meeting | takes_part_in_meeting

rules.add_perm("meetings.manage_meeting", can_manage_meeting)
rules.add_perm("meetings.view_meeting", can_view_meeting)


# --- Consultation reports: the team and the round's facilitators ------------------
can_manage_report = is_team | facilitates_round

rules.add_perm("meetings.manage_report", can_manage_report)
# The round's feedback results (anonymous) are read by those who write its report.
rules.add_perm("meetings.view_round_feedback", can_manage_report)


@rules.predicate
def is_group_member(user, group) -> bool:
    """A current member of a working group (any role)."""
    if group is None or not user.is_authenticated:
        return False
    return group.memberships.filter(contact__user=user, until__isnull=True).exists()


can_subscribe_group = is_team | is_group_member
rules.add_perm("meetings.subscribe_group", can_subscribe_group)


# --- Agendas, minutes and action items ------------------------------------------------

VISIBLE_MINUTES_STATUSES = (enums.MinutesStatus.CIRCULATED, enums.MinutesStatus.APPROVED)


@rules.predicate
def agenda_is_published(user, meeting) -> bool:
    return meeting is not None and meeting.agenda_published_at is not None


@rules.predicate
def manages_minutes_meeting(user, minutes) -> bool:
    return minutes is not None and can_manage_meeting(user, minutes.meeting)


@rules.predicate
def takes_part_in_minutes_meeting(user, minutes) -> bool:
    return minutes is not None and takes_part_in_meeting(user, minutes.meeting)


@rules.predicate
def minutes_are_shared(user, minutes) -> bool:
    return minutes is not None and minutes.status in VISIBLE_MINUTES_STATUSES


@rules.predicate
def minutes_take_comments(user, minutes) -> bool:
    return minutes is not None and minutes.status == enums.MinutesStatus.CIRCULATED


@rules.predicate
def manages_action_meeting(user, action) -> bool:
    return action is not None and can_manage_meeting(user, action.origin_meeting)


@rules.predicate
def owns_action(user, action) -> bool:
    if action is None or not user.is_authenticated or action.owner_contact_id is None:
        return False
    contact = getattr(user, "contact", None)
    return contact is not None and contact.pk == action.owner_contact_id


@rules.predicate
def owned_by_my_organisation(user, action) -> bool:
    """The home page lists the action items of the user's organisation (see
    ``selectors.my_action_items``); their pages open too."""
    if action is None or not user.is_authenticated or action.owner_organisation_id is None:
        return False
    contact = getattr(user, "contact", None)
    return contact is not None and contact.organisation_id == action.owner_organisation_id


@rules.predicate
def takes_part_in_action_meeting(user, action) -> bool:
    return action is not None and takes_part_in_meeting(user, action.origin_meeting)


can_view_agenda = can_manage_meeting | (takes_part_in_meeting & agenda_is_published)
can_view_minutes = manages_minutes_meeting | (takes_part_in_minutes_meeting & minutes_are_shared)
can_comment_minutes = (
    manages_minutes_meeting | takes_part_in_minutes_meeting
) & minutes_take_comments
can_manage_action = manages_action_meeting
can_update_action = manages_action_meeting | owns_action
can_view_action = (
    manages_action_meeting | owns_action | owned_by_my_organisation | takes_part_in_action_meeting
)

rules.add_perm("meetings.view_agenda", can_view_agenda)
rules.add_perm("meetings.view_minutes", can_view_minutes)
rules.add_perm("meetings.comment_minutes", can_comment_minutes)
rules.add_perm("meetings.manage_action", can_manage_action)
rules.add_perm("meetings.update_action", can_update_action)
rules.add_perm("meetings.view_action", can_view_action)


# --- 403 or 404 -----------------------------------------------------------------------------


def permission_require(user, permission: str, obj, *, seen_with: str = "meetings.view_meeting"):
    """``obj`` if ``user`` has ``permission`` on it. Otherwise someone who may see it (the
    ``seen_with`` permission) is refused (403) and anyone else is told it does not exist
    (404), so that its existence is never revealed. Pages and the API both decide here (DRF
    turns these exceptions into its 403 and 404 responses)."""
    if user.has_perm(permission, obj):
        return obj
    if user.has_perm(seen_with, obj):
        raise PermissionDenied
    raise Http404


# --- The e-mail outbox: the team ---------------------------------------------------------
rules.add_perm("meetings.manage_outbox", is_team)
