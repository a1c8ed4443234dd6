"""Who has not answered, per session: the invitation (sent, no answer), the time poll (open,
no answer) and the feedback (asked, not given); with whether they were reminded today."""

from django.utils import timezone

from meetings import enums
from meetings.models import FeedbackRequest, Invitation, Meeting, OutboundMessage
from meetings.selectors.polls import open_poll

# What one can be reminded of, and the outbox kind of that reminder.
REMINDER_KINDS = {
    "invitation": enums.OutboxKind.NUDGE,
    "poll": enums.OutboxKind.TIME_POLL_REMINDER,
    "feedback": enums.OutboxKind.FEEDBACK_REMINDER,
}


def unanswered_invitations(*, meeting: Meeting, kind: str):
    """The invitations of ``meeting`` that have not answered ``kind``."""
    invitations = Invitation.objects.filter(meeting=meeting)
    if kind == "invitation":
        invitations = invitations.filter(status=enums.InvitationStatus.SENT)
    elif kind == "poll":
        poll = open_poll(meeting)
        if poll is None:
            return Invitation.objects.none()
        invitations = invitations.filter(status=enums.InvitationStatus.DRAFTED).exclude(
            time_poll_answers__slot__poll=poll
        )
    elif kind == "feedback":
        invitations = invitations.filter(
            pk__in=FeedbackRequest.objects.filter(
                invitation__meeting=meeting, answered_at__isnull=True
            ).values("invitation_id")
        )
    else:
        return Invitation.objects.none()
    return invitations.select_related("contact__organisation").order_by(
        "contact__organisation__name", "contact__name", "pk"
    )


def meeting_unanswered(*, meeting: Meeting) -> list[dict]:
    """Per kind, the invitees who have not answered and whether they were reminded today."""
    today = timezone.localdate().toordinal()
    reminded = set(
        OutboundMessage.objects.filter(
            invitation__meeting=meeting, kind__in=REMINDER_KINDS.values(), sequence=today
        ).values_list("invitation_id", "kind")
    )
    return [
        {
            "kind": kind,
            "rows": [
                {"invitation": invitation, "reminded_today": (invitation.pk, outbox) in reminded}
                for invitation in unanswered_invitations(meeting=meeting, kind=kind)
            ],
        }
        for kind, outbox in REMINDER_KINDS.items()
    ]
