"""Invitations: sending, RSVP answers (link, page, API, calendar reply), waitlist, delegation,
reminders and the erasure of participation needs.

Capacity counts accepted invitations. Every answer locks the meeting row
(``select_for_update``) before counting, so concurrent answers are serialised and the
capacity is never exceeded; an acceptance that finds the meeting full puts the invitee on
the waitlist. A decline (or removal) of an accepted invitee promotes the first waitlisted
invitation, which then gets its own invitation e-mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination.enums import ContactSource, WorkingLanguage
from coordination.exceptions import InvalidTokenError
from coordination.models import Contact
from meetings import emails
from meetings.enums import InvitationStatus, MeetingStatus, OutboxKind
from meetings.formats import ical
from meetings.models import Invitation, Meeting
from meetings.models.invitations import new_token_nonce
from meetings.recurrence import occurrences, series_last_end

RSVP_SALT = "meetings.rsvp"
RSVP_TOKEN_MAX_AGE = getattr(settings, "RSVP_TOKEN_MAX_AGE", 400 * 24 * 3600)
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
    """A tampered, expired or revoked RSVP link."""


# --- Tokens ---------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The secret of the RSVP link: signed, time-stamped, revoked by a new nonce."""
    return signing.dumps({"i": invitation.pk, "n": invitation.token_nonce}, salt=RSVP_SALT)


def rsvp_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("rsvp", args=[invitation_token(invitation)])


def invitation_from_token(token: str) -> Invitation:
    """The invitation of an RSVP link, or RsvpTokenError."""
    try:
        data = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise RsvpTokenError(_("This answer link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise RsvpTokenError(_("This answer link is not valid."), code="invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        raise RsvpTokenError(_("This answer link is not valid."), code="invalid")
    invitation = (
        Invitation.objects.select_related("meeting", "contact__organisation")
        .filter(pk=data["i"], token_nonce=data.get("n"))
        .first()
    )
    if invitation is None:
        raise RsvpTokenError(_("This answer link was withdrawn."), code="revoked")
    return invitation


def invitation_token_revoke(*, invitation: Invitation) -> Invitation:

    invitation.token_nonce = new_token_nonce()
    invitation.save(update_fields=["token_nonce", "updated_at"])
    return invitation


# --- Messages -------------------------------------------------------------------------------


def _facilitator_context(meeting: Meeting) -> dict:
    person = meeting.facilitator
    if person is None:
        return {"facilitator_name": "", "facilitator_email": ""}
    return {
        "facilitator_name": person.get_full_name() or person.get_username(),
        "facilitator_email": person.email,
    }


def _given_by(invitation: Invitation) -> str:
    """ "Name (Organisation)" of the invitee who named this one in their place, or ""."""
    source = invitation.delegated_from
    if source is None:
        return ""
    return f"{source.contact.name} ({source.contact.organisation.name})"


def invitation_message_enqueue(
    *,
    invitation: Invitation,
    kind: str,
    sequence: int | None = None,
    occurrence_start: dt.datetime | None = None,
):
    """Render and write one outbox message about ``invitation``'s meeting (invitation,
    update, cancellation, reminder, reminder to answer). ``occurrence_start``: the date of
    the series that a reminder is about."""
    meeting = invitation.meeting
    now = timezone.now()
    sequence = meeting.sequence if sequence is None else sequence
    method = "CANCEL" if kind == OutboxKind.CANCEL else "REQUEST"
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
    starts_at = occurrence_start or meeting.starts_at
    context = {
        "kind": kind,
        "meeting": meeting,
        "starts_at": starts_at,
        "ends_at": starts_at + (meeting.ends_at - meeting.starts_at),
        "invitation": invitation,
        "agenda_items": sorted(meeting.agenda_items.all(), key=lambda item: item.position),
        "rsvp_url": link,
        "meeting_url": settings.SITE_URL + reverse("meeting-detail", args=[meeting.pk]),
        "ics_url": settings.SITE_URL + reverse("meeting-ics", args=[meeting.pk]),
        **_facilitator_context(meeting),
        # A delegate's first e-mail says who gave us their address (GDPR art. 14).
        "given_by": _given_by(invitation) if kind == OutboxKind.INVITATION else "",
    }
    return emails.email_enqueue(
        invitation=invitation,
        kind=kind,
        sequence=sequence,
        template="invitation",
        context=context,
        language=language,
        calendar=emails.CalendarPart(method=method, ical=calendar.to_ical().decode("utf-8")),
    )


def meeting_updates_enqueue(*, meeting: Meeting) -> int:
    """An update (REQUEST, current SEQUENCE) to everyone invited and not declined."""
    count = 0
    for invitation in meeting.invitations.filter(KEPT_INFORMED_Q).select_related("contact"):
        invitation.meeting = meeting
        count += bool(invitation_message_enqueue(invitation=invitation, kind=OutboxKind.UPDATE))
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


def invitations_send(*, meeting: Meeting, by=None) -> int:
    """Send the meeting's drafted invitations (for a working-group meeting, first draft one
    for every current member who has none). Returns how many were sent."""
    with transaction.atomic():
        locked = _lock_meeting(meeting.pk)
        _ensure_open(locked)
        if locked.working_group_id:
            members = Contact.objects.filter(
                memberships__group_id=locked.working_group_id,
                memberships__until__isnull=True,
                is_active=True,
                email__isnull=False,
            ).exclude(invitations__meeting=locked)
            Invitation.objects.bulk_create(
                [Invitation(meeting=locked, contact=contact) for contact in members]
            )
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
    return len(drafted)


def invitation_add(*, meeting: Meeting, contact: Contact, by=None) -> Invitation:
    """Add an invitee by hand; once the meeting's invitations went out, it is sent at once."""
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
            invitation.save(update_fields=["status", "sent_at", "answered_at", "updated_at"])
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
    return invitation


def invitation_remove(*, invitation: Invitation, by=None) -> Invitation:
    """Remove an invitee: a CANCEL (same UID, higher SEQUENCE) if they had been invited; a
    seat they held goes to the waitlist."""
    with transaction.atomic():
        locked = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact").get(pk=invitation.pk)
        if invitation.status == InvitationStatus.CANCELLED:
            raise ValidationError(_("This invitee was already removed."), code="removed")
        previous = invitation.status
        informed = previous in KEPT_INFORMED or (
            previous == InvitationStatus.WAITLISTED and invitation.sent_at is not None
        )
        invitation.status = InvitationStatus.CANCELLED
        invitation.waitlist_position = None
        invitation.save(update_fields=["status", "waitlist_position", "updated_at"])
        invitation.meeting = locked
        if informed:
            locked.sequence += 1
            locked.save(update_fields=["sequence", "updated_at"])
            invitation_message_enqueue(invitation=invitation, kind=OutboxKind.CANCEL)
        if previous == InvitationStatus.ACCEPTED:
            _promote_from_waitlist(locked)
    return invitation


# --- Answers --------------------------------------------------------------------------------


@dataclass
class AnswerResult:
    invitation: Invitation
    waitlisted: bool = False
    promoted: Invitation | None = None
    ignored: bool = False


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


def _holds_a_seat(invitation: Invitation, status: str) -> bool:
    """Whether an invitation in ``status`` takes one of the meeting's seats."""
    if status == InvitationStatus.ACCEPTED:
        return True
    return invitation.holds_seat and status in (InvitationStatus.SENT, InvitationStatus.TENTATIVE)


def seats_taken(*, meeting: Meeting, exclude: Invitation | None = None) -> int:
    """Accepted invitations plus the seats kept for delegates of an accepted invitation
    (the organisation holds the seat) who have not answered yet."""
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
) -> AnswerResult:
    """Record an answer (the last one counts, with its time). An acceptance of a full
    meeting puts the invitee on the waitlist; a decline of a seat promotes the first
    waitlisted invitee. ``calendar_sequence``: the SEQUENCE an iTIP reply answered; a reply to
    an older version of the meeting is ignored."""
    if answer not in ANSWERS:
        raise ValidationError(_("Answer accept, tentative or decline."), code="answer")
    if participation_language and participation_language not in dict(WorkingLanguage.choices):
        raise ValidationError(_("Unknown language of participation."), code="language")
    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact").get(pk=invitation.pk)
        invitation.meeting = meeting
        _ensure_open(meeting)
        if calendar_sequence is not None and calendar_sequence < meeting.sequence:
            return AnswerResult(invitation=invitation, ignored=True)
        if invitation.status not in ANSWERABLE:
            raise ValidationError(
                _("This invitation cannot be answered (it is %(status)s).")
                % {"status": invitation.get_status_display()},
                code="not_answerable",
            )
        previous = invitation.status
        result = AnswerResult(invitation=invitation)
        status = answer
        position = None
        if answer in (InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE):
            if previous == InvitationStatus.WAITLISTED:
                status, position = previous, invitation.waitlist_position
                result.waitlisted = True
            elif answer == InvitationStatus.ACCEPTED and previous != InvitationStatus.ACCEPTED:
                taken = seats_taken(meeting=meeting, exclude=invitation)
                if meeting.capacity is not None and taken >= meeting.capacity:
                    status = InvitationStatus.WAITLISTED
                    position = _next_waitlist_position(meeting)
                    result.waitlisted = True
        invitation.status = status
        invitation.waitlist_position = position
        invitation.answered_at = timezone.now()
        invitation.comment = comment.strip()[:2000]
        fields = ["status", "waitlist_position", "answered_at", "comment", "updated_at"]
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
        if _holds_a_seat(invitation, previous) and not _holds_a_seat(invitation, status):
            result.promoted = _promote_from_waitlist(meeting)
    return result


def invitation_delegate(
    *, invitation: Invitation, colleague: Contact | None = None, name: str = "", email: str = ""
) -> Invitation:
    """The organisation holds the seat: the invitee names a colleague of the same
    organisation (an existing contact, or a new one by name and e-mail), who gets their own
    invitation; the original is marked delegated."""

    with transaction.atomic():
        meeting = _lock_meeting(invitation.meeting_id)
        invitation = Invitation.objects.select_related("contact__organisation").get(
            pk=invitation.pk
        )
        _ensure_open(meeting)
        if invitation.status not in (
            InvitationStatus.SENT,
            InvitationStatus.ACCEPTED,
            InvitationStatus.TENTATIVE,
        ):
            raise ValidationError(
                _("Only an open or accepted invitation can be passed on."), code="status"
            )
        organisation = invitation.contact.organisation
        if colleague is None:
            email = (email or "").strip().lower()
            name = (name or "").strip()
            if not name or not email:
                raise ValidationError(_("Give your colleague's name and e-mail."), code="missing")
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError(_("Enter a valid e-mail address."), code="email") from exc
            colleague = Contact.objects.filter(email=email).first()
            if colleague is None:
                colleague = Contact.objects.create(
                    organisation=organisation,
                    name=name[:200],
                    email=email,
                    preferred_language=invitation.contact.preferred_language,
                    source=ContactSource.DELEGATION,
                )
        if colleague.organisation_id != organisation.pk:
            raise ValidationError(
                _("The colleague must work for %(org)s.") % {"org": organisation.name},
                code="organisation",
            )
        if colleague.pk == invitation.contact_id:
            raise ValidationError(_("Name someone else than yourself."), code="self")
        if (
            meeting.invitations.filter(contact=colleague)
            .exclude(status=InvitationStatus.CANCELLED)
            .exists()
        ):
            raise ValidationError(
                _("%(name)s is already invited to this meeting.") % {"name": colleague.name},
                code="duplicate",
            )
        # The organisation holds the seat: a colleague of an accepted invitee keeps it.
        holds_seat = invitation.status == InvitationStatus.ACCEPTED or invitation.holds_seat
        invitation.status = InvitationStatus.DELEGATED
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["status", "answered_at", "updated_at"])
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
        .prefetch_related("agenda_items", "overrides")
    )
    count = 0
    for meeting in meetings:
        for start in occurrences(meeting, start=now, end=horizon):
            for offset in meeting.reminder_offsets or []:
                moment = start - dt.timedelta(minutes=int(offset))
                if not (moment <= now < moment + REMINDER_WINDOW):
                    continue
                invitations = meeting.invitations.filter(
                    Q(sent_at__lt=moment) | Q(sent_at__isnull=True),
                    status__in=KEPT_INFORMED,
                ).select_related("contact")
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
    ).prefetch_related("overrides")
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
