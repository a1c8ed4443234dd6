"""Invitations: sending, RSVP answers (link, page, API, calendar reply), waitlist, delegation,
reminders and the erasure of participation needs.

The seat rule. A seat is held by an accepted invitation, and by an open or tentative one
that was given a seat: the first of the waitlist when a seat freed (until they answer) and
the colleague an invitee holding a seat passed it on to. Only an acceptance takes a free
seat, after counting them; an acceptance that finds the meeting full puts the invitee on the
waitlist. A tentative answer keeps the seat the invitee holds and never takes a free one.
Whoever holds a seat and lets it go (declines, is removed, is waitlisted) frees it, and a
freed seat goes at once to the first waitlisted invitation, which gets its own e-mail. So
the seats taken never exceed the capacity, and someone waits only while every seat is taken.

Every change locks the meeting row (``select_for_update``) before counting, so concurrent
answers are serialised. ``Invitation.holds_seat`` is set exactly while a seat is held by
other than an acceptance; a database constraint keeps it off any other status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.enums import ContactSource, WorkingLanguage
from coordination.exceptions import InvalidTokenError
from coordination.models import Contact
from coordination.selectors import (
    email_domain,
    organisation_email_domains,
    organisations_of_email_domain,
)
from meetings import emails
from meetings.enums import DelegationRequestStatus, InvitationStatus, MeetingStatus, OutboxKind
from meetings.formats import ical
from meetings.models import DelegationRequest, Invitation, Meeting, TimePoll
from meetings.models.invitations import new_token_nonce
from meetings.recurrence import occurrences, series_last_end
from meetings.selectors.outbox import message_may_be_written
from meetings.services import access
from meetings.services.panels import alternate_replace
from meetings.services.poll_links import time_poll_invitee_ask
from meetings.services.rounds import round_status_follow
from meetings.validators import single_line

RSVP_SALT = "meetings.rsvp"
ANSWERS = (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE, InvitationStatus.DECLINED)
ANSWERABLE = (
    InvitationStatus.SENT,
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
    InvitationStatus.DECLINED,
    InvitationStatus.WAITLISTED,
)
# Invited and not declined: these receive updates and cancellations (and reminders).
KEPT_INFORMED = (
    InvitationStatus.SENT,
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
)
# Also kept informed of changes: a waitlisted invitee who had received the invitation (it is
# in their calendar).
KEPT_INFORMED_Q = Q(status__in=KEPT_INFORMED) | Q(
    status=InvitationStatus.WAITLISTED, sent_at__isnull=False
)


class RsvpTokenError(InvalidTokenError):
    """A tampered, expired or revoked RSVP link. Its message is lazy: the page that shows it
    is in the invitee's language when the link is only too old."""


# --- Tokens ---------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The secret of the RSVP link: signed, revoked by a new nonce (removal, delegation,
    cancellation) or by the contact's erasure, expired ``RSVP_LINK_DAYS_AFTER_MEETING`` days
    after the meeting (or the series) ends."""
    return signing.dumps({"i": invitation.pk, "n": invitation.token_nonce}, salt=RSVP_SALT)


def rsvp_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("rsvp", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation:
    """The invitation of an RSVP link, or RsvpTokenError."""
    try:
        data = signing.loads(token, salt=RSVP_SALT)
    except signing.BadSignature as exc:
        raise RsvpTokenError(
            gettext_lazy("This answer link is not valid."), code="invalid"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise RsvpTokenError(gettext_lazy("This answer link is not valid."), code="invalid")
    invitation = (
        Invitation.objects.select_related("meeting", "contact__organisation")
        .filter(pk=data["i"], token_nonce=data.get("n"))
        .first()
    )
    if invitation is None or invitation.contact.erased_at is not None:
        raise RsvpTokenError(gettext_lazy("This answer link was withdrawn."), code="revoked")
    last_end = series_last_end(invitation.meeting)
    life = dt.timedelta(days=settings.RSVP_LINK_DAYS_AFTER_MEETING)
    if last_end is not None and last_end + life <= timezone.now():
        raise RsvpTokenError(
            gettext_lazy("This answer link has expired."),
            code="expired",
            language=invitation.contact.preferred_language,
        )
    return invitation


def old_link_language(token: str, *, salt: str) -> str:
    """The language of the invitee of ``token``, a link of ours for an invitation (a poll,
    feedback, report-back link) that is authentic but too old; empty when the link was
    withdrawn since or its contact erased, so that it tells nothing about anyone."""
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return ""
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return ""
    language = (
        Invitation.objects.filter(
            pk=data["i"], token_nonce=data.get("n"), contact__erased_at__isnull=True
        )
        .values_list("contact__preferred_language", flat=True)
        .first()
    )
    return language or ""


def invitation_token_revoke(*, invitation: Invitation) -> Invitation:
    """Every RSVP link sent for ``invitation`` stops working (a new nonce)."""
    invitation.token_nonce = new_token_nonce()
    invitation.save(update_fields=["token_nonce", "updated_at"])
    return invitation


def meeting_tokens_revoke(*, meeting: Meeting) -> int:
    """Every RSVP link of the meeting stops working; returns how many invitations."""
    invitations = list(meeting.invitations.all())
    for invitation in invitations:
        invitation_token_revoke(invitation=invitation)
    return len(invitations)


# --- Messages -------------------------------------------------------------------------------


def invitee_reachable_require(*, invitation: Invitation, kind: str) -> None:
    """Refuse a reminder asked for by hand when its recipient may not be written to for the
    purpose of the meeting (their consent withdrawn, their data erased), with the reason
    instead of "already reminded"."""
    if not message_may_be_written(
        about={"invitation": invitation}, to_email=invitation.contact.email, kind=kind
    ):
        raise ValidationError(
            _("%(name)s may not be written to for this meeting (consent withdrawn or no address).")
            % {"name": invitation.contact.name},
            code="unreachable",
        )


def meeting_links(*, links: access.SignInLinks, meeting: Meeting) -> dict:
    """The signed links of an e-mail about ``meeting``: its page, its agenda and PDF (once
    published), the invitee's calendar page and My data."""
    context = {
        "meeting_url": links.url(reverse("meeting-detail", args=[meeting.pk])),
        "ics_url": links.url(reverse("meeting-ics", args=[meeting.pk])),
        "calendar_url": links.url(reverse("calendar-settings")),
        "my_data_url": links.url(reverse("my-data")),
        "agenda_url": "",
        "agenda_pdf_url": "",
    }
    if meeting.agenda_published_at is not None:
        context["agenda_url"] = links.url(reverse("agenda-page", args=[meeting.pk]))
        context["agenda_pdf_url"] = links.url(reverse("agenda-pdf", args=[meeting.pk]))
    return context


def invitation_message_enqueue(
    *,
    invitation: Invitation,
    kind: str,
    sequence: int | None = None,
    occurrence_start: dt.datetime | None = None,
    time_proposal=None,
    time_changed: bool = False,
):
    """Render and write one outbox message about ``invitation``'s meeting (invitation,
    update, cancellation, reminder, reminder to answer, waitlist notices, a declined time
    proposal). ``occurrence_start``: the date of the series that a reminder is about."""
    meeting = invitation.meeting
    now = timezone.now()
    sequence = meeting.sequence if sequence is None else sequence
    method = {OutboxKind.CANCEL: "CANCEL", OutboxKind.DECLINECOUNTER: "DECLINECOUNTER"}.get(
        kind, "REQUEST"
    )
    link = rsvp_url(invitation) if method == "REQUEST" else ""
    language = invitation.contact.preferred_language or "en"
    with translation.override(language):
        calendar = ical.calendar_message(
            meeting=meeting,
            invitation=invitation,
            method=method,
            now=now,
            rsvp_url=link,
            sequence=meeting.sequence,
        )
    if invitation.calendar_sequence != meeting.sequence:
        # Replies are matched against what this invitee last received, not against changes
        # that were never sent to them (another invitee's removal).
        Invitation.objects.filter(pk=invitation.pk).update(calendar_sequence=meeting.sequence)
        invitation.calendar_sequence = meeting.sequence
    starts_at = occurrence_start or meeting.starts_at
    ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    context = {
        "kind": kind,
        "meeting": meeting,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "invitation": invitation,
        # Only a published agenda goes out; a draft stays on the facilitators' pages.
        "agenda_items": sorted(meeting.agenda_items.all(), key=lambda item: item.position)
        if meeting.agenda_published_at
        else [],
        "rsvp_url": link,
        "meeting_url": settings.SITE_URL + reverse("meeting-detail", args=[meeting.pk]),
        "ics_url": settings.SITE_URL + reverse("meeting-ics", args=[meeting.pk]),
        "time_proposal": time_proposal,
        "time_changed": time_changed,
        "delegated_by": invitation.delegated_from.contact
        if invitation.delegated_from_id and kind == OutboxKind.INVITATION
        else None,
        **emails.facilitator_context(meeting),
    }
    if method == "REQUEST":
        # The links work until a few days after the meeting (the occurrence a reminder is
        # about, the last date of a series; 14 days for a series without end).
        if occurrence_start is not None or not meeting.recurrence_rule:
            about_end = ends_at
        else:
            about_end = series_last_end(meeting)
        links = access.sign_in_links_for(contact=invitation.contact, meeting_end=about_end)
        context.update(meeting_links(links=links, meeting=meeting))
    return emails.email_enqueue(
        invitation=invitation,
        kind=kind,
        sequence=sequence,
        template="invitation",
        context=context,
        language=language,
        calendar=emails.CalendarPart(method=method, ical=calendar.to_ical().decode("utf-8")),
    )


def meeting_updates_enqueue(*, meeting: Meeting, time_changed: bool = False) -> int:
    """An update (REQUEST, current SEQUENCE) to everyone invited and not declined. After a
    change of date or time (``time_changed``) the answers given for the old time no longer
    hold: those who had accepted or answered "tentative" are asked to confirm the new time
    (PARTSTAT=NEEDS-ACTION, RSVP=TRUE); someone who had accepted keeps their seat until
    they answer."""
    if time_changed:
        meeting.invitations.filter(status=InvitationStatus.ACCEPTED).update(
            status=InvitationStatus.SENT, holds_seat=True, updated_at=timezone.now()
        )
        meeting.invitations.filter(status=InvitationStatus.TENTATIVE).update(
            status=InvitationStatus.SENT, updated_at=timezone.now()
        )
    count = 0
    for invitation in meeting.invitations.filter(KEPT_INFORMED_Q).select_related("contact"):
        invitation.meeting = meeting
        count += bool(
            invitation_message_enqueue(
                invitation=invitation, kind=OutboxKind.UPDATE, time_changed=time_changed
            )
        )
    return count


def meeting_cancellations_enqueue(*, meeting: Meeting) -> int:
    """A CANCEL (current SEQUENCE) to everyone invited and not declined."""
    count = 0
    for invitation in meeting.invitations.filter(KEPT_INFORMED_Q).select_related("contact"):
        invitation.meeting = meeting
        count += bool(invitation_message_enqueue(invitation=invitation, kind=OutboxKind.CANCEL))
    return count


# --- Sending --------------------------------------------------------------------------------


def _lock_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _ensure_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.recurrence_rule:
        last_end = series_last_end(meeting)
        over = last_end is not None and last_end <= timezone.now()
    else:
        over = meeting.ends_at <= timezone.now()
    if over or meeting.status == MeetingStatus.HELD:
        raise ValidationError(_("This meeting is over."), code="over")


def working_group_invitations_draft(*, meeting: Meeting) -> int:
    """Draft an invitation for every current member of the meeting's working group who has
    none yet (in the caller's transaction, the meeting locked)."""
    members = Contact.objects.filter(
        memberships__group_id=meeting.working_group_id,
        memberships__until__isnull=True,
        is_active=True,
        email__isnull=False,
    ).exclude(invitations__meeting=meeting)
    created = Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, contact=contact) for contact in members]
    )
    return len(created)


def invitations_send(*, meeting: Meeting, by=None) -> int:
    """Send the meeting's drafted invitations (for a working-group meeting, first draft one
    for every current member who has none). Returns how many were sent."""
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        _ensure_open(locked)
        if TimePoll.objects.open().filter(meeting=locked).exists():
            raise ValidationError(
                _(
                    "A time poll is open for this meeting: choose its slot, which sends the "
                    "invitations at that time."
                ),
                code="poll_open",
            )
        if locked.working_group_id:
            working_group_invitations_draft(meeting=locked)
        drafted = list(
            locked.invitations.filter(status=InvitationStatus.DRAFTED).select_related("contact")
        )
        if not drafted:
            raise ValidationError(_("There are no drafted invitations to send."), code="none")
        now = timezone.now()
        for invitation in drafted:
            invitation.status = InvitationStatus.SENT
            invitation.sent_at = now
            invitation.save(update_fields=["status", "sent_at", "updated_at"])
            invitation.meeting = locked
            invitation_message_enqueue(invitation=invitation, kind=OutboxKind.INVITATION)
        if locked.consultation_round_id:
            round_status_follow(consultation_round=locked.consultation_round)
    return len(drafted)


def invitation_add(*, meeting: Meeting, contact: Contact, by=None) -> Invitation:
    """Add an invitee by hand; once the meeting's invitations went out, it is sent at once;
    while a time poll is open, the poll's link is."""
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        _ensure_open(locked)
        existing = locked.invitations.filter(contact=contact).first()
        if existing is not None and existing.status != InvitationStatus.CANCELLED:
            raise ValidationError(
                _("%(name)s is already invited to this meeting.") % {"name": contact.name},
                code="duplicate",
            )
        if not contact.email:
            raise ValidationError(
                _("%(name)s has no e-mail address.") % {"name": contact.name}, code="no_email"
            )
        sent_already = locked.invitations.went_out().exists()
        status = InvitationStatus.SENT if sent_already else InvitationStatus.DRAFTED
        if existing is not None:
            invitation = existing
            invitation.status = status
            invitation.sent_at = timezone.now() if sent_already else None
            invitation.answered_at = None
            invitation.holds_seat = False
            _forget_removal(invitation)
            invitation.save(
                update_fields=[
                    "status",
                    "sent_at",
                    "answered_at",
                    "holds_seat",
                    *REMOVAL_FIELDS,
                    "updated_at",
                ]
            )
        else:
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        meeting=locked,
                        contact=contact,
                        status=status,
                        sent_at=timezone.now() if sent_already else None,
                    )
            except IntegrityError as exc:
                raise ValidationError(
                    _("%(name)s is already invited to this meeting.") % {"name": contact.name},
                    code="duplicate",
                ) from exc
        invitation.meeting = locked
        if sent_already:
            invitation_message_enqueue(
                invitation=invitation, kind=OutboxKind.INVITATION, sequence=locked.sequence
            )
        else:
            _time_poll_ask_if_open(invitation)
    return invitation


def _time_poll_ask_if_open(invitation: Invitation) -> None:
    """A drafted invitee who joins while the meeting's time poll is open is asked like those
    invited when it opened."""
    poll = (
        TimePoll.objects.open()
        .filter(meeting=invitation.meeting_id, deadline__gt=timezone.now())
        .first()
    )
    if poll is not None:
        time_poll_invitee_ask(poll=poll, invitation=invitation)


def invitation_remove(*, invitation: Invitation, by=None, why: str = "removed") -> Invitation:
    """Remove an invitee: a CANCEL (same UID, higher SEQUENCE) if they had been invited; a
    seat they held goes to the waitlist (in a drawn round session: to the next alternate who
    keeps the targets met; ``why`` is recorded)."""
    with transaction.atomic():
        locked = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact").get(pk=invitation.pk)
        if invitation.status == InvitationStatus.CANCELLED:
            raise ValidationError(_("This invitee was already removed."), code="removed")
        previous = invitation.status
        informed = previous in KEPT_INFORMED or (
            previous == InvitationStatus.WAITLISTED and invitation.sent_at is not None
        )
        seated = _holds_a_seat(invitation, previous)
        invitation.removed_at = timezone.now()
        invitation.status_before_removal = previous
        invitation.waitlist_position_before_removal = invitation.waitlist_position
        invitation.held_seat_before_removal = seated
        invitation.status = InvitationStatus.CANCELLED
        invitation.waitlist_position = None
        invitation.holds_seat = False
        invitation.save(
            update_fields=[
                "status",
                "waitlist_position",
                "holds_seat",
                *REMOVAL_FIELDS,
                "updated_at",
            ]
        )
        invitation_token_revoke(invitation=invitation)
        invitation.meeting = locked
        if informed:
            locked.sequence += 1
            locked.save(update_fields=["sequence", "updated_at"])
            invitation_message_enqueue(invitation=invitation, kind=OutboxKind.CANCEL)
        handled = previous != InvitationStatus.WAITLISTED and _round_alternate(
            locked, invitation, why, by
        )
        if not handled and seated:
            _promote_from_waitlist(locked)
    return invitation


REMOVAL_FIELDS = (
    "removed_at",
    "status_before_removal",
    "waitlist_position_before_removal",
    "held_seat_before_removal",
)


def _forget_removal(invitation: Invitation) -> None:
    invitation.removed_at = None
    invitation.status_before_removal = ""
    invitation.waitlist_position_before_removal = None
    invitation.held_seat_before_removal = False


def removal_undo_deadline(invitation: Invitation) -> dt.datetime | None:
    """Until when a removal can be undone: ``INVITEE_REMOVAL_UNDO_HOURS`` after it, and never
    once the meeting has started; ``None`` if the invitation was not removed."""
    if invitation.status != InvitationStatus.CANCELLED or invitation.removed_at is None:
        return None
    hours = getattr(settings, "INVITEE_REMOVAL_UNDO_HOURS", 24)
    return min(invitation.removed_at + dt.timedelta(hours=hours), invitation.meeting.starts_at)


def invitation_restore(*, invitation: Invitation, by=None) -> Invitation:
    """Undo the removal of an invitee: the invitation comes back as it was (its answer, its
    place on the waitlist); one who held a seat gets it back if a seat is still free, else
    goes to the end of the waitlist. Whoever had been told of the removal receives the
    invitation again (a REQUEST with a higher SEQUENCE and a new answer link)."""
    with transaction.atomic():
        locked = _lock_meeting(invitation.meeting_id)
        invitation = (
            Invitation.objects.select_for_update().select_related("contact").get(pk=invitation.pk)
        )
        invitation.meeting = locked
        deadline = removal_undo_deadline(invitation)
        if deadline is None or not invitation.status_before_removal:
            raise ValidationError(_("This invitee was not removed."), code="not_removed")
        if timezone.now() >= deadline:
            raise ValidationError(
                _("This removal can no longer be undone: invite them again instead."),
                code="too_late",
            )
        _ensure_open(locked)
        previous = invitation.status_before_removal
        status, position, holds_seat = previous, None, False
        if previous == InvitationStatus.WAITLISTED:
            position = invitation.waitlist_position_before_removal
            if position is None or locked.invitations.filter(waitlist_position=position).exists():
                position = _next_waitlist_position(locked)
        elif invitation.held_seat_before_removal:
            taken = seats_taken(meeting=locked, exclude=invitation)
            if locked.capacity is not None and taken >= locked.capacity:
                status, position = InvitationStatus.WAITLISTED, _next_waitlist_position(locked)
            else:
                holds_seat = previous in SEAT_KEEPING
        invitation.status = status
        invitation.waitlist_position = position
        invitation.holds_seat = holds_seat
        informed = invitation.sent_at is not None and previous != InvitationStatus.DRAFTED
        told_of_removal = previous in KEPT_INFORMED or (
            previous == InvitationStatus.WAITLISTED and informed
        )
        _forget_removal(invitation)
        invitation.save(
            update_fields=[
                "status",
                "waitlist_position",
                "holds_seat",
                *REMOVAL_FIELDS,
                "updated_at",
            ]
        )
        if told_of_removal:
            locked.sequence += 1
            locked.save(update_fields=["sequence", "updated_at"])
            kind = (
                OutboxKind.WAITLISTED
                if status == InvitationStatus.WAITLISTED
                else OutboxKind.INVITATION
            )
            invitation_message_enqueue(invitation=invitation, kind=kind)
    return invitation


def _round_alternate(meeting: Meeting, leaving: Invitation, why: str, by=None) -> bool:
    """In a round session with a recorded round draw, the next alternate takes the seat;
    ``False`` elsewhere (the meeting's own waitlist rule applies)."""
    if not meeting.consultation_round_id:
        return False
    handled, invitation = alternate_replace(meeting=meeting, why=why, leaving=leaving, by=by)
    if invitation is not None and invitation.status == InvitationStatus.SENT:
        invitation_message_enqueue(invitation=invitation, kind=OutboxKind.INVITATION)
    elif invitation is not None:
        _time_poll_ask_if_open(invitation)
    return handled


def alternate_invite_next(*, meeting: Meeting, by=None) -> Invitation:
    """The facilitator invites the next alternate of a round session by hand (the one who
    keeps the round's targets met; sent at once if the session's invitations went out)."""
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        handled, invitation = alternate_replace(meeting=locked, why="by_hand", by=by)
        if not handled:
            raise ValidationError(
                _("This session has no recorded round draw, so it has no alternates."),
                code="no_draw",
            )
        if invitation is None:
            raise ValidationError(_("No alternate is left for this session."), code="empty")
        if invitation.status == InvitationStatus.SENT:
            invitation_message_enqueue(invitation=invitation, kind=OutboxKind.INVITATION)
        else:
            _time_poll_ask_if_open(invitation)
    return invitation


# --- Answers --------------------------------------------------------------------------------


@dataclass
class AnswerResult:
    invitation: Invitation
    waitlisted: bool = False
    promoted: Invitation | None = None
    ignored: str = ""  # why the answer was not applied: "older sequence", "older answer"


def _promote_from_waitlist(meeting: Meeting) -> Invitation | None:
    first = (
        meeting.invitations.filter(status=InvitationStatus.WAITLISTED)
        .select_related("contact")
        .order_by("waitlist_position", "id")
        .first()
    )
    if first is None:
        return None
    first.status = InvitationStatus.SENT
    first.waitlist_position = None
    first.sent_at = timezone.now()
    first.holds_seat = True  # the freed seat is theirs until they answer
    first.save(update_fields=["status", "waitlist_position", "sent_at", "holds_seat", "updated_at"])
    first.meeting = meeting
    # Its own message kind: someone who was sent the invitation before being waitlisted
    # already has an "invitation" row for this sequence.
    invitation_message_enqueue(invitation=first, kind=OutboxKind.WAITLIST)
    return first


SEAT_KEEPING = (InvitationStatus.SENT, InvitationStatus.TENTATIVE)


def _holds_a_seat(invitation: Invitation, status: str) -> bool:
    """Whether an invitation in ``status`` takes one of the meeting's seats."""
    if status == InvitationStatus.ACCEPTED:
        return True
    return invitation.holds_seat and status in SEAT_KEEPING


def seats_taken(*, meeting: Meeting, exclude: Invitation | None = None) -> int:
    """Accepted invitations plus the seats kept for those given one (the first of the
    waitlist when a seat freed, a colleague an invitee passed their seat on to) who have not
    accepted or let it go."""
    taken = meeting.invitations.filter(
        Q(status=InvitationStatus.ACCEPTED)
        | Q(holds_seat=True, status__in=[InvitationStatus.SENT, InvitationStatus.TENTATIVE])
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return taken.count()


def _next_waitlist_position(meeting: Meeting) -> int:
    top = meeting.invitations.aggregate(top=Max("waitlist_position"))["top"]
    return (top or 0) + 1


def invitation_answer(
    *,
    invitation: Invitation,
    answer: str,
    comment: str = "",
    participation_language: str = "",
    needs_interpretation: bool = False,
    accessibility_needs: str = "",
    needs_consent: bool = False,
    calendar_sequence: int | None = None,
    answered_at: dt.datetime | None = None,
) -> AnswerResult:
    """Record an answer (the newest one counts, with its time). An acceptance of a full
    meeting puts the invitee on the waitlist; a decline of a seat promotes the first
    waitlisted invitee. ``calendar_sequence``: the SEQUENCE an iTIP reply answered; a reply to
    an older calendar entry than the last one sent to this invitee is ignored.
    ``answered_at``: when the answer was given (an iTIP reply's DTSTAMP, never later than
    now); an answer older than the one in force, whichever door it came by, is ignored."""
    if answer not in ANSWERS:
        raise ValidationError(_("Answer accept, tentative or decline."), code="answer")
    if participation_language and participation_language not in dict(WorkingLanguage.choices):
        raise ValidationError(_("Unknown language of participation."), code="language")
    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact").get(pk=invitation.pk)
        invitation.meeting = meeting
        _ensure_open(meeting)
        now = timezone.now()
        answered_at = now if answered_at is None else min(answered_at, now)
        if calendar_sequence is not None and calendar_sequence < invitation.calendar_sequence:
            return AnswerResult(invitation=invitation, ignored="older sequence")
        if invitation.answered_at is not None and answered_at < invitation.answered_at:
            return AnswerResult(invitation=invitation, ignored="older answer")
        if invitation.status not in ANSWERABLE:
            raise ValidationError(
                _("This invitation cannot be answered (it is %(status)s).")
                % {"status": invitation.get_status_display()},
                code="not_answerable",
            )
        previous = invitation.status
        seated = _holds_a_seat(invitation, previous)
        result = AnswerResult(invitation=invitation)
        status = answer
        position = None
        if answer in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE):
            if previous == InvitationStatus.WAITLISTED:
                # A waitlisted invitee gets a seat only when one frees.
                status, position = previous, invitation.waitlist_position
                result.waitlisted = True
            elif answer == InvitationStatus.ACCEPTED and not seated:
                taken = seats_taken(meeting=meeting, exclude=invitation)
                if meeting.capacity is not None and taken >= meeting.capacity:
                    status = InvitationStatus.WAITLISTED
                    position = _next_waitlist_position(meeting)
                    result.waitlisted = True
        invitation.status = status
        invitation.waitlist_position = position
        # A tentative answer keeps a seat held, an acceptance holds it by its status, any
        # other answer lets it go.
        invitation.holds_seat = seated and status in SEAT_KEEPING
        invitation.answered_at = answered_at
        invitation.comment = comment.strip()[:2000]
        fields = [
            "status",
            "waitlist_position",
            "holds_seat",
            "answered_at",
            "comment",
            "updated_at",
        ]
        if answer != InvitationStatus.DECLINED:
            needs = (bool(needs_interpretation), accessibility_needs.strip()[:2000])
            stored = (invitation.needs_interpretation, invitation.accessibility_needs)
            # Interpretation and accessibility needs may be health data (GDPR art. 9): new
            # ones are kept only with the invitee's explicit consent, given with them.
            if needs != (False, "") and needs != stored and not needs_consent:
                raise ValidationError(
                    {
                        "needs_consent": _(
                            "Tick the box to let us use your needs, or leave them empty."
                        )
                    },
                    code="needs_consent",
                )
            invitation.participation_language = participation_language
            invitation.needs_interpretation, invitation.accessibility_needs = needs
            if needs == (False, ""):
                invitation.needs_consented_at = None
            elif needs_consent:
                invitation.needs_consented_at = timezone.now()
            fields += [
                "participation_language",
                "needs_interpretation",
                "accessibility_needs",
                "needs_consented_at",
            ]
        invitation.save(update_fields=fields)
        if invitation.delegated_from_id and invitation.delegated_from.status == (
            InvitationStatus.DELEGATED
        ):
            # The delegate answered: the delegation can no longer be undone, and the link of
            # the invitee who passed the seat on (which only offered the undo) is withdrawn.
            invitation_token_revoke(invitation=invitation.delegated_from)
        handled = (
            status == InvitationStatus.DECLINED
            and previous not in (InvitationStatus.DECLINED, InvitationStatus.WAITLISTED)
            and _round_alternate(meeting, invitation, "declined")
        )
        if not handled and seated and not _holds_a_seat(invitation, status):
            result.promoted = _promote_from_waitlist(meeting)
        if (
            calendar_sequence is not None
            and status == InvitationStatus.WAITLISTED
            and previous != InvitationStatus.WAITLISTED
        ):
            # Their calendar says "Accepted": tell them, and replace the entry with one that
            # says they are on the waitlist (the RSVP page says so on the screen).
            invitation_message_enqueue(invitation=invitation, kind=OutboxKind.WAITLISTED)
    return result


def occurrence_invitations_ensure(*, occurrence: Meeting) -> QuerySet[Invitation]:
    """The invitations to one date of a series of everyone kept informed of the series (for
    the notice of that date's agenda), created where missing. One that was not answered on
    its own (no ``answered_at``) is no answer: the invitee's answer to the series holds.
    Returns those that may be written to about that date."""
    series_invitations = Invitation.objects.filter(
        KEPT_INFORMED_Q, meeting_id=occurrence.recurrence_parent_id
    )
    existing = Invitation.objects.filter(meeting=occurrence).values("contact_id")
    Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=occurrence,
                contact_id=invitation.contact_id,
                status=InvitationStatus.SENT,
                sent_at=invitation.sent_at,
                calendar_sequence=invitation.calendar_sequence,
            )
            for invitation in series_invitations.exclude(contact_id__in=existing)
        ]
    )
    return (
        Invitation.objects.went_out()
        .filter(meeting=occurrence)
        .filter(
            Q(answered_at__isnull=False) | Q(contact_id__in=series_invitations.values("contact_id"))
        )
    )


def occurrence_answer(
    *,
    occurrence: Meeting,
    invitation: Invitation,
    answer: str,
    comment: str = "",
    calendar_sequence: int | None = None,
    answered_at: dt.datetime | None = None,
) -> AnswerResult:
    """An invitee's answer for one date of a series (to decline that date, say), given with
    their invitation to the series: it is kept as their invitation to that date, and their
    answer to the series holds for every date they did not answer on its own. Ordered and
    matched like any answer (an older one never replaces a newer one; a calendar reply to an
    older SEQUENCE than the last one sent for the series is stale)."""
    if occurrence.recurrence_parent_id is None or (
        invitation.meeting_id != occurrence.recurrence_parent_id
    ):
        raise ValidationError(_("This invitation is not to this series."), code="series")
    with transaction.atomic():
        series_invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if series_invitation.sent_at is None or series_invitation.status not in ANSWERABLE:
            raise ValidationError(
                _("This invitation cannot be answered (it is %(status)s).")
                % {"status": series_invitation.get_status_display()},
                code="not_answerable",
            )
        own, _created = Invitation.objects.get_or_create(
            meeting=occurrence,
            contact_id=series_invitation.contact_id,
            defaults={
                "status": InvitationStatus.SENT,
                "sent_at": series_invitation.sent_at,
                "calendar_sequence": series_invitation.calendar_sequence,
                "participation_language": series_invitation.participation_language,
            },
        )
        if own.calendar_sequence != series_invitation.calendar_sequence:
            # The date's calendar entry is the series' one: what was last sent for it.
            Invitation.objects.filter(pk=own.pk).update(
                calendar_sequence=series_invitation.calendar_sequence
            )
        return invitation_answer(
            invitation=own,
            answer=answer,
            comment=comment,
            participation_language=own.participation_language,
            calendar_sequence=calendar_sequence,
            answered_at=answered_at,
        )


DELEGABLE = (InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE)


def _delegation_refusal(*, meeting: Meeting, invitation: Invitation, colleague, email: str):
    """Raise the ValidationError that refuses a delegation (another organisation, oneself,
    already invited); nothing is written. ``colleague``: the named contact, if known."""
    organisation = invitation.contact.organisation
    other_organisation = _("The colleague must work for %(org)s.") % {"org": organisation.name}
    if colleague is not None and colleague.organisation_id != organisation.pk:
        raise ValidationError(other_organisation, code="organisation")
    if (colleague is not None and colleague.pk == invitation.contact_id) or (
        email and email == (invitation.contact.email or "").lower()
    ):
        raise ValidationError(_("Name someone else than yourself."), code="self")
    if colleague is None and email:
        owners = organisations_of_email_domain(domain=email_domain(email))
        if owners.exists() and not owners.filter(pk=organisation.pk).exists():
            raise ValidationError(other_organisation, code="organisation")
    invited = meeting.invitations.exclude(status=InvitationStatus.CANCELLED)
    if colleague is not None and invited.filter(contact=colleague).exists():
        raise ValidationError(
            _("%(name)s is already invited to this meeting.") % {"name": colleague.name},
            code="duplicate",
        )


@dataclass
class DelegationOutcome:
    """A delegation done (``delegate``: the colleague's invitation) or waiting for a
    facilitator's approval (``request``)."""

    delegate: Invitation | None = None
    request: DelegationRequest | None = None


def invitation_delegation_request(
    *,
    invitation: Invitation,
    colleague: Contact | None = None,
    name: str = "",
    email: str = "",
    by=None,
) -> DelegationOutcome:
    """An invitee passes their seat on (from the answer page, the API or a calendar reply).
    A colleague of the organisation (a known contact, or an address at one of its known
    e-mail domains) is invited at once; any other address waits for a facilitator's
    approval. Another organisation's address, oneself or someone already invited is refused
    with a clear message, and nothing changes."""
    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact__organisation").get(
            pk=invitation.pk
        )
        _ensure_open(meeting)
        if invitation.status not in DELEGABLE:
            raise ValidationError(
                _("Only an open or accepted invitation can be passed on."), code="status"
            )
        if colleague is None:
            name, email = _delegate_address(name=name, email=email)
            colleague = Contact.objects.filter(email=email).first()
        _delegation_refusal(
            meeting=meeting, invitation=invitation, colleague=colleague, email=email
        )
        organisation = invitation.contact.organisation
        if colleague is not None or email_domain(email) in organisation_email_domains(
            organisation=organisation
        ):
            delegate = invitation_delegate(
                invitation=invitation, colleague=colleague, name=name, email=email, approved=True
            )
            return DelegationOutcome(delegate=delegate)
        if invitation.delegation_requests.filter(status=DelegationRequestStatus.PENDING).exists():
            raise ValidationError(
                _("A colleague you named is already waiting for a facilitator's approval."),
                code="pending",
            )
        request = DelegationRequest.objects.create(invitation=invitation, name=name, email=email)
    return DelegationOutcome(request=request)


def _delegate_address(*, name: str, email: str) -> tuple[str, str]:
    email = (email or "").strip().lower()
    name = single_line(name)
    if not name or not email:
        raise ValidationError(_("Give your colleague's name and e-mail."), code="missing")
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid e-mail address."), code="email") from exc
    return name[:200], email


def invitation_delegate(
    *,
    invitation: Invitation,
    colleague: Contact | None = None,
    name: str = "",
    email: str = "",
    approved: bool = False,
) -> Invitation:
    """The organisation holds the seat: the invitee names a colleague of the same
    organisation (an existing contact, or a new one by name and e-mail), who gets their own
    invitation; the original is marked delegated (and can be given back until the delegate
    answers). A new address outside the organisation's known e-mail domains needs a
    facilitator's approval (``approved``; see ``invitation_delegation_request``)."""

    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact__organisation").get(
            pk=invitation.pk
        )
        _ensure_open(meeting)
        if invitation.status not in DELEGABLE:
            raise ValidationError(
                _("Only an open or accepted invitation can be passed on."), code="status"
            )
        organisation = invitation.contact.organisation
        if colleague is None:
            name, email = _delegate_address(name=name, email=email)
            colleague = Contact.objects.filter(email=email).first()
        _delegation_refusal(
            meeting=meeting, invitation=invitation, colleague=colleague, email=email
        )
        if colleague is None:
            if not approved and email_domain(email) not in organisation_email_domains(
                organisation=organisation
            ):
                raise ValidationError(
                    _("An address outside %(org)s needs a facilitator's approval.")
                    % {"org": organisation.name},
                    code="needs_approval",
                )
            colleague = Contact.objects.create(
                organisation=organisation,
                name=name,
                email=email,
                preferred_language=invitation.contact.preferred_language,
                source=ContactSource.DELEGATION,
            )
        # The organisation holds the seat: the colleague of an invitee holding one keeps it.
        holds_seat = _holds_a_seat(invitation, invitation.status)
        invitation.status_before_delegation = invitation.status
        invitation.status = InvitationStatus.DELEGATED
        invitation.holds_seat = False
        invitation.answered_at = timezone.now()
        invitation.save(
            update_fields=[
                "status",
                "status_before_delegation",
                "holds_seat",
                "answered_at",
                "updated_at",
            ]
        )
        delegate, _created = Invitation.objects.update_or_create(
            meeting=meeting,
            contact=colleague,
            defaults={
                "status": InvitationStatus.SENT,
                "sent_at": timezone.now(),
                "delegated_from": invitation,
                "holds_seat": holds_seat,
                "waitlist_position": None,
                "answered_at": None,
            },
        )
        delegate.meeting = meeting
        invitation_message_enqueue(invitation=delegate, kind=OutboxKind.INVITATION)
    return delegate


def delegation_request_decide(
    *, request: DelegationRequest, approve: bool, by=None
) -> DelegationRequest:
    """A facilitator approves (the delegate is invited as a new contact of the organisation)
    or refuses a delegation to an address outside the organisation."""
    with transaction.atomic():
        request = DelegationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != DelegationRequestStatus.PENDING:
            raise ValidationError(_("This request was already decided."), code="decided")
        if approve:
            invitation_delegate(
                invitation=request.invitation,
                name=request.name,
                email=request.email,
                approved=True,
            )
        request.status = (
            DelegationRequestStatus.APPROVED if approve else DelegationRequestStatus.REFUSED
        )
        request.decided_by = by
        request.decided_at = timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


def delegation_request_withdraw(*, invitation: Invitation) -> int:
    """The invitee takes back a delegation still waiting for approval."""
    return invitation.delegation_requests.filter(status=DelegationRequestStatus.PENDING).update(
        status=DelegationRequestStatus.WITHDRAWN, decided_at=timezone.now()
    )


def invitation_delegation_undo(*, invitation: Invitation, by=None) -> Invitation:
    """The invitee (or a facilitator) takes the seat back while the delegate has not
    answered: the delegate's invitation is withdrawn (a CANCEL if it was sent) and the
    invitee's answer is the one they had before."""
    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact").get(pk=invitation.pk)
        if invitation.status != InvitationStatus.DELEGATED:
            raise ValidationError(_("This invitation was not passed on."), code="not_delegated")
        delegate = (
            invitation.delegates.exclude(status=InvitationStatus.CANCELLED)
            .select_related("contact")
            .first()
        )
        if delegate is not None and delegate.answered_at is not None:
            raise ValidationError(
                _("%(name)s has answered already: the delegation can no longer be undone.")
                % {"name": delegate.contact.name},
                code="answered",
            )
        if delegate is not None:
            delegate.status = InvitationStatus.CANCELLED
            delegate.holds_seat = False
            delegate.save(update_fields=["status", "holds_seat", "updated_at"])
            delegate.meeting = meeting
            meeting.sequence += 1
            meeting.save(update_fields=["sequence", "updated_at"])
            invitation_message_enqueue(invitation=delegate, kind=OutboxKind.CANCEL)
        invitation.status = invitation.status_before_delegation or InvitationStatus.SENT
        invitation.status_before_delegation = ""
        invitation.save(update_fields=["status", "status_before_delegation", "updated_at"])
    return invitation


# --- Reminders ------------------------------------------------------------------------------


def invitations_nudge(*, meeting: Meeting, by=None) -> int:
    """One reminder to those who did not answer (at most one per invitee, ever)."""
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        _ensure_open(locked)
        pending = list(
            locked.invitations.filter(
                status=InvitationStatus.SENT, reminded_at__isnull=True
            ).select_related("contact")
        )
        if not pending:
            raise ValidationError(
                _("Everyone has answered or was already reminded."), code="nobody"
            )
        now = timezone.now()
        count = 0
        for invitation in pending:
            invitation.meeting = locked
            if invitation_message_enqueue(invitation=invitation, kind=OutboxKind.NUDGE, sequence=0):
                count += 1
            invitation.reminded_at = now
            invitation.save(update_fields=["reminded_at", "updated_at"])
    return count


# Reminders are only sent close to their moment: a meeting planned 2 days ahead gets no
# "one week before" reminder.
REMINDER_WINDOW = dt.timedelta(hours=12)


def reminders_enqueue(*, now: dt.datetime | None = None) -> int:
    """Write the reminders that are due (run by a django-q2 schedule every 15 minutes). None
    for cancelled meetings or to those who declined. The outbox key's sequence is the
    reminder's moment in minutes since the epoch: each reminder is written once, and a
    meeting that moves gets reminders for its new time. Occurrences of a series each get
    theirs."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=61)
    meetings = (
        Meeting.objects.filter(recurrence_parent__isnull=True, starts_at__lte=horizon)
        .filter(Q(starts_at__gt=now) | ~Q(recurrence_rule=""))
        .exclude(status__in=[MeetingStatus.CANCELLED, MeetingStatus.HELD])
        .prefetch_related("agenda_items", "occurrences")
    )
    count = 0
    for meeting in meetings:
        dates = {o.starts_at: o.pk for o in meeting.occurrences.all()}
        for start in occurrences(meeting, start=now, end=horizon):
            for offset in meeting.reminder_offsets or []:
                moment = start - dt.timedelta(minutes=int(offset))
                if not (moment <= now < moment + REMINDER_WINDOW):
                    continue
                invitations = meeting.invitations.filter(
                    Q(sent_at__lt=moment) | Q(sent_at__isnull=True),
                    status__in=KEPT_INFORMED,
                ).select_related("contact")
                if start in dates:  # not those who declined that date of the series
                    invitations = invitations.exclude(
                        contact_id__in=Invitation.objects.filter(
                            meeting_id=dates[start], status=InvitationStatus.DECLINED
                        ).values("contact_id")
                    )
                with transaction.atomic():
                    for invitation in invitations:
                        invitation.meeting = meeting
                        count += bool(
                            invitation_message_enqueue(
                                invitation=invitation,
                                kind=OutboxKind.REMINDER,
                                sequence=int(moment.timestamp() // 60),
                                occurrence_start=start,
                            )
                        )
    return count


def participation_needs_erase(*, now: dt.datetime | None = None) -> int:
    """Erase language of participation, interpretation and accessibility needs, and the free
    comment (where a health need may be written too), once the meeting is over (run by a
    django-q2 schedule). Returns how many invitations changed."""
    now = now or timezone.now()
    with_needs = Invitation.objects.filter(
        ~Q(participation_language="")
        | Q(needs_interpretation=True)
        | ~Q(accessibility_needs="")
        | ~Q(comment="")
        | Q(needs_consented_at__isnull=False)
    )
    over_ids = []
    candidates = Meeting.objects.filter(
        pk__in=with_needs.values("meeting_id"), starts_at__lt=now
    ).prefetch_related("occurrences")
    for meeting in candidates:
        last_end = series_last_end(meeting)
        if last_end is not None and last_end <= now:
            over_ids.append(meeting.pk)
    return with_needs.filter(meeting_id__in=over_ids).update(
        participation_language="",
        needs_interpretation=False,
        accessibility_needs="",
        needs_consented_at=None,
        comment="",
        updated_at=now,
    )


def answer_deadlines_follow(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """The scheduled pass over round sessions' answer deadlines: a reminder to answer goes to
    every invitee who has not answered when the deadline is less than
    ``settings.ANSWER_REMINDER_HOURS`` away (once per invitee), and an invitation still not
    answered when the deadline has passed is withdrawn, its seat going to the next alternate.
    Returns (reminded, replaced). Runs twice without doing anything twice."""
    now = now or timezone.now()
    soon = now + dt.timedelta(hours=settings.ANSWER_REMINDER_HOURS)
    unanswered = Invitation.objects.filter(
        status=InvitationStatus.SENT,
        meeting__consultation_round__isnull=False,
        meeting__answer_deadline__isnull=False,
        meeting__starts_at__gt=now,
    ).exclude(meeting__status__in=[MeetingStatus.CANCELLED, MeetingStatus.HELD])
    reminded = 0
    for invitation in unanswered.filter(
        meeting__answer_deadline__gt=now,
        meeting__answer_deadline__lte=soon,
        reminded_at__isnull=True,
    ).select_related("meeting", "contact"):
        with transaction.atomic():
            claimed = Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True).update(
                reminded_at=now, updated_at=now
            )
            if claimed:
                invitation_message_enqueue(invitation=invitation, kind=OutboxKind.NUDGE, sequence=0)
                reminded += 1
    replaced = 0
    # only those invited before the deadline: an alternate invited after it keeps its chance
    for invitation in unanswered.filter(
        meeting__answer_deadline__lte=now, sent_at__lt=F("meeting__answer_deadline")
    ):
        invitation_remove(invitation=invitation, why="no_answer")
        replaced += 1
    return reminded, replaced
