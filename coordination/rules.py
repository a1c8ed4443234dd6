"""Who may do what: every permission check of the project goes through these predicates.

Roles: the team (staff), facilitators (group "facilitators"; per object: facilitators of a
round, chairs and facilitators of a working group) and participants (a user linked to a
Contact). Views, API permissions and "objects this user may see" selectors use these rules.

A session opened by a sign-in link has participant rights only (``acts_as_participant``, set
by ``coordination.middleware.ParticipantSessionMiddleware``): every team and facilitator
predicate is false for it, whatever the person's roles.
"""

import rules

from coordination import enums

FACILITATORS_GROUP = "facilitators"
GROUP_LEADING_ROLES = (enums.MembershipRole.CHAIR, enums.MembershipRole.FACILITATOR)


def acts_as_participant(user) -> bool:
    """Signed in by a link: the session holds participant rights only."""
    return bool(getattr(user, "acts_as_participant", False))


@rules.predicate
def is_team(user) -> bool:
    if acts_as_participant(user):
        return False
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def is_facilitator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active) or acts_as_participant(user):
        return False
    cached = getattr(user, "_is_facilitator", None)
    if cached is None:
        cached = user.groups.filter(name=FACILITATORS_GROUP).exists()
        user._is_facilitator = cached
    return cached


@rules.predicate
def facilitates_round(user, consultation_round) -> bool:
    if consultation_round is None or not user.is_authenticated or acts_as_participant(user):
        return False
    return consultation_round.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def leads_group(user, group) -> bool:
    if group is None or not user.is_authenticated or acts_as_participant(user):
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
rules.add_perm("coordination.create_round", is_team | is_facilitator)


# --- What a round's status still allows -----------------------------------------------------
# Pages offer only these actions and show the reason of the others; services refuse them
# with the same reason, whichever door the request came in by.

ROUND_EDIT = "edit"
ROUND_CAPACITY = "capacity"
ROUND_ADD_SESSION = "add_session"
ROUND_CHANGE_SESSIONS = "change_sessions"


def round_refusals(consultation_round) -> dict[str, str]:
    """The actions the round's status no longer allows, each with the reason to show."""
    from django.utils.translation import gettext as _

    status = consultation_round.status
    refused: dict[str, str] = {}
    if status == enums.RoundStatus.CLOSED:
        refused[ROUND_EDIT] = _("The round is closed: it can no longer be changed.")
    if status != enums.RoundStatus.DRAFT:
        refused[ROUND_CAPACITY] = _(
            "The panels were drawn with this capacity: it can only change while the round "
            "is a draft."
        )
    if status not in (enums.RoundStatus.DRAFT, enums.RoundStatus.PANEL_DRAWN):
        refused[ROUND_ADD_SESSION] = _(
            "Invitations for this round were sent: a new session would have no panel. "
            "Sessions can be added while the round is a draft or its panel is drawn."
        )
    if status in (enums.RoundStatus.HELD, enums.RoundStatus.REPORTED, enums.RoundStatus.CLOSED):
        refused[ROUND_CHANGE_SESSIONS] = _(
            "The round's sessions were held: they can no longer be changed or cancelled."
        )
    return refused


def round_require(consultation_round, action: str) -> None:
    """Raise the reason as a ValidationError when the round's status refuses ``action``."""
    from django.core.exceptions import ValidationError

    reason = round_refusals(consultation_round).get(action)
    if reason:
        raise ValidationError(reason, code="round_status")


rules.add_perm("coordination.view_audit_trail", is_team)
