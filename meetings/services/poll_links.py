"""A time poll's personal links and the messages that carry them: below the invitations (an
invitee who joins while a poll is open is written its link) and the polls themselves."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from meetings import emails
from meetings.enums import OutboxKind
from meetings.models import Invitation, OutboundMessage, TimePoll

POLL_SALT = "meetings.time-poll"


def time_poll_token(*, poll: TimePoll, invitation: Invitation) -> str:
    """The invitee's personal link to the poll: signed, revoked with the RSVP link (same nonce)."""
    return time_poll_token_of(
        poll_id=poll.pk, invitation_id=invitation.pk, nonce=invitation.token_nonce
    )


def time_poll_token_of(*, poll_id: int, invitation_id: int, nonce: str) -> str:
    """``time_poll_token`` from the ids and the invitation's nonce (rows read as values)."""
    return signing.dumps({"p": poll_id, "i": invitation_id, "n": nonce}, salt=POLL_SALT)


def time_poll_url(*, poll: TimePoll, invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "time-poll-answer", args=[time_poll_token(poll=poll, invitation=invitation)]
    )


def time_poll_invitee_ask(*, poll: TimePoll, invitation: Invitation) -> bool:
    """Write an invitee added after the poll opened their personal link. One added back
    after a removal (which revoked their first link) is written a new one as a reminder:
    the poll's first message goes once. False when nothing could be written (already today,
    or they may not be written to)."""
    row = time_poll_message_enqueue(poll=poll, invitation=invitation, kind=OutboxKind.TIME_POLL)
    if row is None:
        row = time_poll_message_enqueue(
            poll=poll, invitation=invitation, kind=OutboxKind.TIME_POLL_REMINDER
        )
    return row is not None


def time_poll_message_enqueue(
    *, poll: TimePoll, invitation: Invitation, kind: str, sequence: int | None = None
) -> OutboundMessage | None:
    """One message with the personal link. Key: the poll for the first message, the day for
    reminders (at most one reminder a day per invitee, whoever asks for it)."""
    meeting = invitation.meeting
    language = invitation.contact.preferred_language or "en"
    if sequence is None:
        sequence = poll.pk if kind == OutboxKind.TIME_POLL else timezone.localdate().toordinal()
    context = {
        "kind": kind,
        "meeting": meeting,
        "poll": poll,
        "slots": list(poll.slots.all()),
        "contact": invitation.contact,
        "poll_url": time_poll_url(poll=poll, invitation=invitation),
        **emails.facilitator_context(meeting),
    }
    with translation.override(language):
        return emails.outbox_write(
            about={"invitation": invitation},
            to_email=invitation.contact.email,
            kind=kind,
            sequence=sequence,
            template="time_poll",
            context=context,
            language=language,
        )
