"""Time polls: propose slots, collect yes / if need be / no through each invitee's personal
link, remind those who have not answered, pick the slot that schedules the meeting and sends
its invitations (the calendar entries follow, through the invitation flow)."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.exceptions import InvalidTokenError
from meetings.enums import InvitationStatus, MeetingStatus, OutboxKind, PollChoice
from meetings.models import Invitation, Meeting, TimePoll, TimePollAnswer, TimePollSlot
from meetings.services.invitations import (
    invitations_send,
    invitee_reachable_require,
    old_link_language,
    working_group_invitations_draft,
)
from meetings.services.poll_links import POLL_SALT, time_poll_message_enqueue
from meetings.services.scheduling import meeting_update

POLL_LINK_MAX_AGE = getattr(settings, "TIME_POLL_LINK_MAX_AGE", 90 * 24 * 3600)
POLL_REMINDER_BEFORE = dt.timedelta(hours=getattr(settings, "TIME_POLL_REMINDER_HOURS", 48))
MAX_SLOTS = 12


class PollTokenError(InvalidTokenError):
    pass


# --- Links ----------------------------------------------------------------------------------


def time_poll_from_token(token: str) -> tuple[TimePoll, Invitation]:
    """The poll and invitation of a personal link, or PollTokenError."""
    try:
        data = signing.loads(token, salt=POLL_SALT, max_age=POLL_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise PollTokenError(
            gettext_lazy("This poll link has expired."),
            code="expired",
            language=old_link_language(token, salt=POLL_SALT),
        ) from exc
    except signing.BadSignature as exc:
        raise PollTokenError(gettext_lazy("This poll link is not valid."), code="invalid") from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("p", "i")):
        raise PollTokenError(gettext_lazy("This poll link is not valid."), code="invalid")
    invitation = (
        Invitation.objects.select_related("meeting", "contact__organisation")
        .filter(pk=data["i"], token_nonce=data.get("n"), meeting__time_poll__pk=data["p"])
        .exclude(status=InvitationStatus.CANCELLED)
        .first()
    )
    if invitation is None:
        raise PollTokenError(gettext_lazy("This poll link was withdrawn."), code="revoked")
    return invitation.meeting.time_poll, invitation


# --- Creating -------------------------------------------------------------------------------


def _slot_errors(
    meeting: Meeting, slots: list[tuple[dt.datetime, dt.datetime]], confirm_long: bool, now
) -> list[str]:
    errors = []
    if not slots:
        errors.append(_("Propose at least one slot."))
    if len(slots) > MAX_SLOTS:
        errors.append(_("Propose at most %(max)s slots.") % {"max": MAX_SLOTS})
    if len(set(slots)) != len(slots):
        errors.append(_("A slot is proposed twice."))
    for starts_at, ends_at in slots:
        if ends_at <= starts_at:
            errors.append(_("A slot must end after it starts."))
        elif starts_at <= now:
            errors.append(_("A slot cannot start in the past."))
        elif (
            meeting.is_round_session
            and (ends_at - starts_at).total_seconds() > settings.ROUND_SESSION_MAX_MINUTES * 60
            and not confirm_long
        ):
            errors.append(
                _(
                    "A slot is longer than half a day (%(hours)s hours): the volunteers agreed "
                    "to “max. half a day”. Shorten it, or confirm that it may be longer."
                )
                % {"hours": settings.ROUND_SESSION_MAX_MINUTES // 60}
            )
    return list(dict.fromkeys(errors))


def time_poll_create(
    *,
    meeting: Meeting,
    slots: list[tuple[dt.datetime, dt.datetime]],
    deadline: dt.datetime,
    by,
    confirm_long: bool = False,
) -> TimePoll:
    """Open a poll on ``slots`` for the meeting's invitees (for a working group, its members)
    and write each of them the personal link. Only before the invitations go out."""
    now = timezone.now()
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        errors: dict[str, list[str]] = {}
        if locked.status == MeetingStatus.CANCELLED:
            errors["__all__"] = [_("This meeting was cancelled.")]
        elif locked.recurrence_rule:
            errors["__all__"] = [_("A repeating meeting cannot be scheduled by a poll.")]
        elif TimePoll.objects.filter(meeting=locked).exists():
            errors["__all__"] = [_("This meeting already has a time poll.")]
        elif locked.invitations.went_out().exists():
            errors["__all__"] = [
                _("The invitations already went out: change the meeting's time instead.")
            ]
        slot_errors = _slot_errors(locked, slots, confirm_long, now)
        if slot_errors:
            errors["slots"] = slot_errors
        if deadline <= now:
            errors["deadline"] = [_("The deadline must be in the future.")]
        elif slots and deadline > min(start for start, _end in slots):
            errors["deadline"] = [_("The deadline must come before the first slot.")]
        if errors:
            raise ValidationError(errors)
        if locked.working_group_id:
            working_group_invitations_draft(meeting=locked)
        invitees = list(
            locked.invitations.filter(status=InvitationStatus.DRAFTED).select_related("contact")
        )
        if not invitees:
            raise ValidationError(
                _("Nobody is invited yet: draw the panel or add invitees first."), code="empty"
            )
        poll = TimePoll.objects.create(meeting=locked, deadline=deadline, created_by=by)
        TimePollSlot.objects.bulk_create(
            [
                TimePollSlot(poll=poll, starts_at=s, ends_at=e, long_confirmed=confirm_long)
                for s, e in sorted(slots)
            ]
        )
        for invitation in invitees:
            invitation.meeting = locked
            time_poll_message_enqueue(poll=poll, invitation=invitation, kind=OutboxKind.TIME_POLL)
    return poll


# --- Answering ------------------------------------------------------------------------------


def time_poll_answer(
    *,
    poll: TimePoll,
    invitation: Invitation,
    choices: dict[int, str],
    now: dt.datetime | None = None,
) -> list[TimePollAnswer]:
    """Record an invitee's answer for every slot (the last answer counts)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = TimePoll.objects.select_for_update().get(pk=poll.pk)
        if not locked.is_open:
            raise ValidationError(
                _("This poll is closed: the meeting's time was chosen."), code="closed"
            )
        if now > locked.deadline:
            raise ValidationError(_("The deadline of this poll has passed."), code="late")
        if invitation.meeting_id != locked.meeting_id or (
            invitation.status == InvitationStatus.CANCELLED
        ):
            raise ValidationError(_("You are not invited to answer this poll."), code="invitee")
        slots = {slot.pk: slot for slot in locked.slots.all()}
        if set(choices) != set(slots):
            raise ValidationError(_("Answer every proposed slot."), code="incomplete")
        if any(choice not in PollChoice.values for choice in choices.values()):
            raise ValidationError(_("Answer yes, if need be or no."), code="choice")
        answers = []
        for slot_id, choice in choices.items():
            answer, _created = TimePollAnswer.objects.update_or_create(
                slot=slots[slot_id],
                invitation=invitation,
                defaults={"choice": choice, "answered_at": now},
            )
            answers.append(answer)
    return answers


# --- Reminding ------------------------------------------------------------------------------


def _unanswered(poll: TimePoll):
    return (
        poll.meeting.invitations.filter(status=InvitationStatus.DRAFTED)
        .exclude(time_poll_answers__slot__poll=poll)
        .select_related("contact", "meeting")
    )


def time_poll_remind(*, poll: TimePoll, invitation: Invitation, by=None) -> bool:
    """Remind one invitee who has not answered; at most once a day. False when already
    reminded today."""
    if not poll.is_open:
        raise ValidationError(_("This poll is closed."), code="closed")
    if not _unanswered(poll).filter(pk=invitation.pk).exists():
        raise ValidationError(_("This invitee has already answered."), code="answered")
    invitee_reachable_require(invitation=invitation, kind=OutboxKind.TIME_POLL_REMINDER)
    with transaction.atomic():
        row = time_poll_message_enqueue(
            poll=poll, invitation=invitation, kind=OutboxKind.TIME_POLL_REMINDER
        )
    return row is not None


def time_poll_reminders_enqueue(*, now: dt.datetime | None = None) -> int:
    """Before an open poll's deadline, one reminder to each invitee who has not answered
    (scheduled; running it again the same day writes nothing more)."""
    now = now or timezone.now()
    count = 0
    due = (
        TimePoll.objects.open()
        .filter(deadline__gt=now, deadline__lte=now + POLL_REMINDER_BEFORE)
        .select_related("meeting")
    )
    for poll in due:
        with transaction.atomic():
            never_reminded = _unanswered(poll).exclude(
                outbound_messages__kind=OutboxKind.TIME_POLL_REMINDER
            )
            for invitation in never_reminded:
                count += bool(
                    time_poll_message_enqueue(
                        poll=poll,
                        invitation=invitation,
                        kind=OutboxKind.TIME_POLL_REMINDER,
                        sequence=now.date().toordinal(),
                    )
                )
    return count


# --- Choosing -------------------------------------------------------------------------------


def time_poll_choose(*, poll: TimePoll, slot: TimePollSlot, by) -> Meeting:
    """Fix the meeting at ``slot``, close the poll and send the invitations."""
    with transaction.atomic():
        locked = TimePoll.objects.select_for_update().select_related("meeting").get(pk=poll.pk)
        if not locked.is_open:
            raise ValidationError(_("A slot was already chosen for this poll."), code="closed")
        if slot.poll_id != locked.pk:
            raise ValidationError(_("This slot belongs to another poll."), code="slot")
        if slot.starts_at <= timezone.now():
            raise ValidationError(_("This slot has already begun."), code="past")
        meeting = meeting_update(
            meeting=locked.meeting,
            by=by,
            confirm_long=slot.long_confirmed,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
        locked.chosen_slot = slot
        locked.closed_at = timezone.now()
        locked.save(update_fields=["chosen_slot", "closed_at", "updated_at"])
        invitations_send(meeting=meeting, by=by)
    return meeting
