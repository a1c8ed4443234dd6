"""Reminding one invitee who has not answered the invitation, the time poll or the feedback:
at most once a day per person and kind (the outbox key carries the day), logged with ids."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings.enums import MeetingStatus, OutboxKind
from meetings.models import FeedbackRequest, Invitation
from meetings.selectors.polls import open_poll
from meetings.selectors.unanswered import unanswered_invitations
from meetings.services import feedback, invitations, polls

logger = logging.getLogger(__name__)

KINDS = ("invitation", "poll", "feedback")


class AlreadyRemindedError(ValidationError):
    pass


def invitee_remind(*, invitation: Invitation, kind: str, by) -> None:
    """Remind ``invitation``'s contact to answer ``kind``. Refused when they have answered,
    when there is nothing to answer, or when they were reminded of it today."""
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of reminder."), code="kind")
    meeting = invitation.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if kind == "invitation" and meeting.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over."), code="over")
    if not unanswered_invitations(meeting=meeting, kind=kind).filter(pk=invitation.pk).exists():
        raise ValidationError(_("This invitee has already answered."), code="answered")
    if kind == "invitation":
        invitations.invitee_reachable_require(invitation=invitation, kind=OutboxKind.NUDGE)
        with transaction.atomic():
            sent = bool(
                invitations.invitation_message_enqueue(
                    invitation=invitation,
                    kind=OutboxKind.NUDGE,
                    sequence=timezone.localdate().toordinal(),
                )
            )
            if sent:
                invitation.reminded_at = timezone.now()
                invitation.save(update_fields=["reminded_at", "updated_at"])
    elif kind == "poll":
        sent = polls.time_poll_remind(poll=open_poll(meeting), invitation=invitation, by=by)
    else:
        request = FeedbackRequest.objects.select_related(
            "invitation__meeting", "invitation__contact"
        ).get(invitation=invitation)
        sent = feedback.feedback_remind(request=request, by=by)
    if not sent:
        raise AlreadyRemindedError(
            _("%(name)s was already reminded today.") % {"name": invitation.contact.name},
            code="reminded_today",
        )
    logger.info(
        "User %s reminded contact %s (invitation %s, meeting %s) to answer the %s",
        getattr(by, "pk", None),
        invitation.contact_id,
        invitation.pk,
        meeting.pk,
        kind,
    )
