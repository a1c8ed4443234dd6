"""Who may do what: every permission check of the project goes through these predicates.

Roles: the team (staff), facilitators (group "facilitators"; per object: facilitators of a
round, chairs and facilitators of a working group) and participants (a user linked to a
Contact). Views, API permissions and "objects this user may see" selectors use these rules.
"""

import rules

from coordination import enums

FACILITATORS_GROUP = "facilitators"
GROUP_LEADING_ROLES = (enums.MembershipRole.CHAIR, enums.MembershipRole.FACILITATOR)


@rules.predicate
def is_team(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_facilitator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_is_facilitator", None)
    if cached is None:
        cached = user.groups.filter(name=FACILITATORS_GROUP).exists()
        user._is_facilitator = cached
    return cached


@rules.predicate
def facilitates_round(user, consultation_round) -> bool:
    if consultation_round is None or not user.is_authenticated:
        return False
    return consultation_round.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def leads_group(user, group) -> bool:
    if group is None or not user.is_authenticated:
        return False
    return group.memberships.filter(
        contact__user=user, role__in=GROUP_LEADING_ROLES, until__isnull=True
    ).exists()


can_manage_round = is_team | facilitates_round
can_manage_group = is_team | leads_group

rules.add_perm("coordination.view_directory", is_team | is_facilitator)
rules.add_perm("coordination.manage_round", can_manage_round)
rules.add_perm("coordination.manage_group", can_manage_group)
rules.add_perm("coordination.import_survey", is_team)
rules.add_perm("coordination.view_audit_trail", is_team)
