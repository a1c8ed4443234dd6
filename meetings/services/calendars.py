"""Answers from calendar clients: iTIP ``METHOD:REPLY`` messages (RFC 5546) that Outlook,
Gmail or Thunderbird mail to the ORGANIZER address (``settings.CALENDAR_REPLY_EMAIL``).

Each reply is matched by UID (the meeting) and ATTENDEE e-mail (the invitation, compared
without regard to case or a ``mailto:`` prefix in any case) and applied exactly like an
answer through the RSVP link (``invitation_answer``); a reply to an older SEQUENCE than the
meeting's current one is ignored. A reply from someone to whom the invitation was forwarded
(ATTENDEE with DELEGATED-FROM, or the invitee's PARTSTAT=DELEGATED with DELEGATED-TO) is a
delegation to a colleague of the same organisation. Other mail is left untouched."""

from __future__ import annotations

import contextlib
import email
import email.policy
import imaplib
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from django.core.exceptions import ValidationError

from coordination.models import Contact
from meetings.enums import InvitationStatus
from meetings.models import Invitation, Meeting
from meetings.services import invitations as invitation_services

logger = logging.getLogger(__name__)

PARTSTAT_ANSWERS = {
    "ACCEPTED": InvitationStatus.ACCEPTED,
    "TENTATIVE": InvitationStatus.TENTATIVE,
    "DECLINED": InvitationStatus.DECLINED,
}


@dataclass
class ReplyOutcome:
    uid: str
    attendee: str
    outcome: str  # "applied", "delegated", "ignored"
    detail: str = ""


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def calendar_parts(message: email.message.Message) -> list[str]:
    """The iCalendar texts of a message whose calendar says METHOD:REPLY."""
    found = []
    for part in message.walk():
        if part.get_content_type() not in ("text/calendar", "application/ics"):
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:
            text = payload.decode("utf-8", errors="replace")
        if "METHOD:REPLY" in text.upper().replace(" ", ""):
            found.append(text.replace("\r\n", "\n").strip())
    # Gmail sends the same calendar inline and as invite.ics: apply it once.
    return list(dict.fromkeys(found))


def is_calendar_reply(raw: bytes) -> bool:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    return bool(calendar_parts(message))


def calendar_reply_apply(*, raw: bytes) -> list[ReplyOutcome]:
    """Apply every REPLY in the e-mail ``raw``; returns what happened to each attendee."""
    from icalendar import Calendar

    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    outcomes: list[ReplyOutcome] = []
    for text in calendar_parts(message):
        try:
            calendar = Calendar.from_ical(text)
        except ValueError as exc:
            outcomes.append(ReplyOutcome("", "", "ignored", f"unreadable calendar: {exc}"))
            continue
        if str(calendar.get("METHOD", "")).upper() != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            outcomes.extend(_apply_event(event))
    return outcomes


def _apply_event(event) -> list[ReplyOutcome]:
    uid = str(event.get("UID", ""))
    if event.get("RECURRENCE-ID") is not None:
        return [ReplyOutcome(uid, "", "ignored", "answer to a single occurrence")]
    meeting = Meeting.objects.filter(ical_uid=uid, recurrence_parent__isnull=True).first()
    if meeting is None:
        return [ReplyOutcome(uid, "", "ignored", "unknown UID")]
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    comment = str(event.get("COMMENT", "") or "").strip()
    return [_apply_attendee(meeting, uid, attendee, sequence, comment) for attendee in attendees]


def _invitation_for(meeting: Meeting, address: str) -> Invitation | None:
    return (
        meeting.invitations.filter(contact__email__iexact=address)
        .select_related("contact__organisation")
        .first()
    )


def _apply_attendee(
    meeting: Meeting, uid: str, attendee, sequence: int, comment: str
) -> ReplyOutcome:
    address = _address(attendee)
    params = getattr(attendee, "params", {})
    partstat = str(params.get("PARTSTAT", "")).upper()
    invitation = _invitation_for(meeting, address)
    delegated_from = _address(params.get("DELEGATED-FROM", ""))
    delegated_to = _address(params.get("DELEGATED-TO", ""))
    try:
        if invitation is None and delegated_from:
            original = _invitation_for(meeting, delegated_from)
            if original is None:
                return ReplyOutcome(uid, address, "ignored", "unknown delegator")
            invitation = _delegate(original, address, str(params.get("CN", "")))
        elif invitation is not None and partstat == "DELEGATED" and delegated_to:
            delegate = _delegate(invitation, delegated_to, "")
            return ReplyOutcome(uid, address, "delegated", delegate.contact.email)
        if invitation is None:
            return ReplyOutcome(uid, address, "ignored", "not invited")
        answer = PARTSTAT_ANSWERS.get(partstat)
        if answer is None:
            return ReplyOutcome(uid, address, "ignored", f"PARTSTAT {partstat or 'missing'}")
        result = invitation_services.invitation_answer(
            invitation=invitation,
            answer=answer,
            comment=comment or invitation.comment,
            participation_language=invitation.participation_language,
            needs_interpretation=invitation.needs_interpretation,
            accessibility_needs=invitation.accessibility_needs,
            calendar_sequence=sequence,
        )
    except ValidationError as exc:
        return ReplyOutcome(uid, address, "ignored", " ".join(exc.messages))
    if result.ignored:
        return ReplyOutcome(uid, address, "ignored", "older sequence")
    return ReplyOutcome(uid, address, "applied", result.invitation.status)


def _delegate(original: Invitation, address: str, name: str) -> Invitation:
    colleague = Contact.objects.filter(email__iexact=address).first()
    existing = original.meeting.invitations.filter(contact__email__iexact=address).first()
    if existing is not None:
        return existing
    if colleague is not None:
        return invitation_services.invitation_delegate(invitation=original, colleague=colleague)
    return invitation_services.invitation_delegate(
        invitation=original, name=name or address.split("@")[0], email=address
    )


# --- IMAP -----------------------------------------------------------------------------------


def _imap_connect(imap_url: str):
    """``imap://user:password@host:port/MAILBOX`` or ``imaps://…`` (TLS)."""
    url = urlparse(imap_url)
    port = url.port or (993 if url.scheme == "imaps" else 143)
    if url.scheme == "imaps":
        connection = imaplib.IMAP4_SSL(url.hostname, port, timeout=30)
    elif url.scheme == "imap":
        connection = imaplib.IMAP4(url.hostname, port, timeout=30)
        loopback = url.hostname in ("127.0.0.1", "localhost", "::1")
        if "STARTTLS" in (connection.capabilities or ()) and not loopback:
            connection.starttls()
    else:
        raise ValueError(f"IMAP_URL must start with imap:// or imaps://, not {url.scheme}://")
    connection.login(unquote(url.username or ""), unquote(url.password or ""))
    mailbox = unquote(url.path.lstrip("/")) or "INBOX"
    return connection, mailbox


def calendar_replies_fetch(*, imap_url: str) -> int:
    """Read unseen messages without marking them (BODY.PEEK); apply each calendar REPLY and
    mark only those messages seen. Other mail stays unread and untouched. Returns how many
    replies were processed."""
    connection, mailbox = _imap_connect(imap_url)
    processed = 0
    try:
        status, _data = connection.select(f'"{mailbox}"')
        if status != "OK":
            raise RuntimeError(f"Cannot open mailbox {mailbox}")
        status, data = connection.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split() if status == "OK" and data and data[0] else []
        for uid in uids:
            status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next(
                (part[1] for part in parts if isinstance(part, tuple) and len(part) > 1), None
            )
            if status != "OK" or raw is None or not is_calendar_reply(raw):
                continue
            outcomes = calendar_reply_apply(raw=raw)
            logger.info("Calendar reply %s: %s", uid, outcomes)
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            processed += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return processed
