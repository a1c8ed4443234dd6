"""Object permissions of the ``meetings`` app (built on ``coordination.rules``)."""

import rules

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
    if meeting.invitations.filter(
        contact__user=user, status__in=VISIBLE_INVITATION_STATUSES
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


# --- Consultation reports (issue 6): the team and the round's facilitators ------------------
can_manage_report = is_team | facilitates_round

rules.add_perm("meetings.manage_report", can_manage_report)


@rules.predicate
def is_group_member(user, group) -> bool:
    """A current member of a working group (any role)."""
    if group is None or not user.is_authenticated:
        return False
    return group.memberships.filter(contact__user=user, until__isnull=True).exists()


can_subscribe_group = is_team | is_group_member
rules.add_perm("meetings.subscribe_group", can_subscribe_group)
