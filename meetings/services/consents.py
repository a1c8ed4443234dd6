"""What stops in the ``meetings`` app when a contact withdraws a consent (registered with
``coordination.services.consent_withdrawal_handler_register``): for consultation rounds, the
coming round invitations are withdrawn (a CANCEL goes to their calendar, a freed seat to the
waitlist) and the round e-mails not yet sent are cancelled; for working groups the same for the
groups' meetings (the memberships themselves end in ``coordination``)."""

from django.db.models import Q

from coordination import enums as c_enums
from coordination.models import Contact
from meetings import enums
from meetings.models import Invitation, OutboundMessage
from meetings.services.invitations import invitation_remove

OPEN_STATUSES = (
    enums.InvitationStatus.DRAFTED,
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.WAITLISTED,
)
NOT_SENT = (enums.OutboxStatus.PENDING, enums.OutboxStatus.SENDING, enums.OutboxStatus.FAILED)

# The meetings a purpose covers: those with this relation set.
MEETING_RELATION_OF_PURPOSE = {
    c_enums.ConsentPurpose.CONSULTATION_ROUNDS: "consultation_round",
    c_enums.ConsentPurpose.WORKING_GROUP: "working_group",
}


def contact_processing_stop(*, contact: Contact, purpose: str, now) -> dict[str, int]:
    """Stop, at once, what this app does with ``contact`` for ``purpose``."""
    relation = MEETING_RELATION_OF_PURPOSE.get(purpose)
    if relation is None:
        return {}

    def of_purpose(path: str) -> Q:
        return Q(**{f"{path}{relation}__isnull": False})

    to_person = Q(invitation__contact=contact) & of_purpose("invitation__meeting__")
    if contact.email:
        to_person |= Q(to_email__iexact=contact.email) & (
            of_purpose("minutes__meeting__") | of_purpose("action_item__origin_meeting__")
        )
    cancelled = OutboundMessage.objects.filter(to_person, status__in=NOT_SENT).update(
        status=enums.OutboxStatus.CANCELLED, claimed_until=None
    )
    withdrawn = 0
    coming = Invitation.objects.filter(
        of_purpose("meeting__"),
        contact=contact,
        status__in=OPEN_STATUSES,
        meeting__ends_at__gt=now,
    )
    for invitation in coming:
        invitation_remove(invitation=invitation)
        withdrawn += 1
    return {"emails_cancelled": cancelled, "invitations_withdrawn": withdrawn}
