"""Answers from calendar clients: iTIP ``METHOD:REPLY`` messages (RFC 5546) that Outlook,
Gmail or Thunderbird mail to the ORGANIZER address (``settings.CALENDAR_REPLY_EMAIL``).

Each reply is matched by UID (the meeting) and ATTENDEE e-mail (the invitation, compared
without regard to case or a ``mailto:`` prefix in any case) and applied exactly like an
answer through the RSVP link (``invitation_answer``): a reply to an older SEQUENCE than the
one last sent to that invitee is stale, and a reply whose DTSTAMP is older than the answer
in force (from any door) is ignored. Google's note (``X-RESPONSE-COMMENT``) is read like
COMMENT. A COUNTER (Outlook's "propose new time") from the invitee is recorded as a time
proposal that the facilitators accept (the meeting is rescheduled) or decline (a
DECLINECOUNTER goes back) on the meeting page; it does not change the invitee's answer.
A reply with a RECURRENCE-ID answers that one date of a series (declining it, say): it lands
on the invitee's answer to that date, and their answer to the series holds for the others.

Who may answer: the UID of a meeting is in every invitation and feed, so a reply proves
nothing by itself. An ATTENDEE line is applied only when the message's sender (``From:``,
and ``Sender:`` where present) is that attendee, with an invitation the product itself sent
(a delegate's included); when the mailbox's ``Authentication-Results`` header
(RFC 8601) records a DKIM or DMARC failure for the sender's domain, the whole message is
refused. A refusal is logged with its reason (addresses by their ``address_reference``)
and changes nothing. An invitee who passes
their seat on from their calendar (PARTSTAT=DELEGATED with DELEGATED-TO) goes through the
same delegation service as the RSVP page (``invitation_delegation_request``): a colleague
at the organisation's domains is invited at once and answers the invitation the product
sends them; any other address waits for a facilitator's approval. Other mail is left untouched."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import email.utils
import imaplib
import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from coordination.privacy import address_reference, addresses_referenced
from meetings.enums import InvitationStatus
from meetings.models import Invitation, Meeting
from meetings.services import invitations as invitation_services
from meetings.services import scheduling as scheduling_services

logger = logging.getLogger(__name__)

PARTSTAT_ANSWERS = {
    "ACCEPTED": InvitationStatus.ACCEPTED,
    "TENTATIVE": InvitationStatus.TENTATIVE,
    "DECLINED": InvitationStatus.DECLINED,
}


# Outcomes that changed something.
APPLIED_OUTCOMES = ("applied", "delegated", "pending", "proposed")


@dataclass
class ReplyOutcome:
    uid: str
    attendee: str
    # "applied", "delegated", "pending" (a delegation waiting for a facilitator's approval),
    # "proposed" (a COUNTER), "ignored", "refused"
    outcome: str
    detail: str = ""

    def logged(self) -> str:
        """The outcome as a log line writes it: addresses by their ``address_reference``."""
        who = address_reference(self.attendee) if self.attendee else "no attendee"
        detail = f" ({addresses_referenced(str(self.detail))})" if self.detail else ""
        return f"{who}: {self.outcome}{detail}"


def _address(value) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def calendar_parts(message: email.message.Message) -> list[str]:
    """The iCalendar texts of a message whose calendar says METHOD:REPLY or COUNTER."""
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
        compact = text.upper().replace(" ", "")
        if "METHOD:REPLY" in compact or "METHOD:COUNTER" in compact:
            found.append(text.replace("\r\n", "\n").strip())
    # Gmail sends the same calendar inline and as invite.ics: apply it once.
    return list(dict.fromkeys(found))


def is_calendar_reply(raw: bytes) -> bool:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    return bool(calendar_parts(message))


# --- The sender -----------------------------------------------------------------------------


def _header_addresses(message: email.message.Message, name: str) -> list[str]:
    values = [str(value) for value in message.get_all(name, [])]
    return [
        address.strip().lower()
        for _name, address in email.utils.getaddresses(values)
        if address and "@" in address
    ]


@dataclass
class Sender:
    """Who sent a reply: the ``From:`` address and the ``Sender:`` address where present."""

    addresses: list[str]
    refusal: str = ""


_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9-]+)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b([a-z]+)\.([a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)


def authentication_results(message: email.message.Message) -> list[tuple[str, str, dict]]:
    """(method, result, properties) for every result in the message's
    ``Authentication-Results`` headers (RFC 8601), e.g. ``("dkim", "fail",
    {"header.d": "example.org"})``. Comments are dropped; the authserv-id is not kept."""
    found = []
    for header in message.get_all("Authentication-Results", []):
        text = " ".join(str(header).split())
        for _round in range(3):  # nested comments, a few levels
            text = _COMMENT.sub(" ", text)
        _authserv_id, _sep, rest = text.partition(";")
        for resinfo in rest.split(";"):
            match = _RESULT.match(resinfo)
            if match is None:
                continue
            properties = {
                f"{kind.lower()}.{name.lower()}": value.strip('"').lower()
                for kind, name, value in _PROPERTY.findall(resinfo[match.end() :])
            }
            found.append((match.group(1).lower(), match.group(2).lower(), properties))
    return found


def _authentication_refusal(message: email.message.Message, addresses: list[str]) -> str:
    """Why the mailbox's own checks say the sender's domain did not send this, or ""."""
    domains = {_domain(address) for address in addresses}
    results = authentication_results(message)
    for method, result, properties in results:
        if method == "dmarc" and result == "fail":
            domain = properties.get("header.from", "")
            if not domain or domain in domains:
                return f"DMARC fail for {domain or 'the sender'}"

    def dkim_domain(properties: dict) -> str:
        return properties.get("header.d") or _domain(properties.get("header.i", ""))

    passed = {dkim_domain(p) for m, r, p in results if m == "dkim" and r == "pass"}
    for method, result, properties in results:
        if method == "dkim" and result == "fail":
            domain = dkim_domain(properties)
            if domain in domains and domain not in passed:
                return f"DKIM fail for {domain}"
    return ""


def reply_sender(message: email.message.Message) -> Sender:
    """The sender of a reply, or the reason it cannot be trusted (no From:, several From:
    addresses, or an authentication failure recorded by the mailbox)."""
    from_addresses = _header_addresses(message, "From")
    sender_addresses = _header_addresses(message, "Sender")
    if len(from_addresses) != 1:
        return Sender([], "no single From: address")
    if len(sender_addresses) > 1:
        return Sender([], "several Sender: addresses")
    addresses = list(dict.fromkeys(from_addresses + sender_addresses))
    return Sender(addresses, _authentication_refusal(message, addresses))


# --- Applying -------------------------------------------------------------------------------


def calendar_reply_apply(*, raw: bytes) -> list[ReplyOutcome]:
    """Apply every REPLY in the e-mail ``raw``; returns what happened to each attendee."""
    from icalendar import Calendar

    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    sender = reply_sender(message)
    outcomes: list[ReplyOutcome] = []
    for text in calendar_parts(message):
        try:
            calendar = Calendar.from_ical(text)
        except ValueError as exc:
            outcomes.append(ReplyOutcome("", "", "ignored", f"unreadable calendar: {exc}"))
            continue
        method = str(calendar.get("METHOD", "")).upper()
        if method not in ("REPLY", "COUNTER"):
            continue
        for event in calendar.walk("VEVENT"):
            outcomes.extend(_apply_event(event, sender, method))
    for outcome in outcomes:
        if outcome.outcome == "refused":
            logger.warning(
                "Calendar reply refused: UID %s, ATTENDEE %s, sent by %s: %s",
                outcome.uid,
                address_reference(outcome.attendee) if outcome.attendee else "none",
                ", ".join(map(address_reference, sender.addresses)) or "nobody",
                addresses_referenced(outcome.detail),
            )
    return outcomes


def _attendees(event) -> list:
    attendees = event.get("ATTENDEE", [])
    return attendees if isinstance(attendees, list) else [attendees]


def _apply_event(event, sender: Sender, method: str = "REPLY") -> list[ReplyOutcome]:
    uid = str(event.get("UID", ""))
    attendees = _attendees(event)
    if sender.refusal:
        return [ReplyOutcome(uid, _address(a), "refused", sender.refusal) for a in attendees]
    meeting = Meeting.objects.filter(ical_uid=uid, recurrence_parent__isnull=True).first()
    if meeting is None:
        return [ReplyOutcome(uid, "", "ignored", "unknown UID")]
    occurrence = None
    if event.get("RECURRENCE-ID") is not None:
        if method == "COUNTER":
            return [ReplyOutcome(uid, "", "ignored", "COUNTER for a single occurrence")]
        occurrence = _occurrence_of(meeting, event.get("RECURRENCE-ID"))
        if occurrence is None:
            return [ReplyOutcome(uid, "", "ignored", "RECURRENCE-ID of no date of the series")]
    try:
        sequence = int(event.get("SEQUENCE", 0))
    except (TypeError, ValueError):
        sequence = 0
    comment = str(event.get("COMMENT", "") or "").strip()
    stamp = _stamp(event)
    names = {_address(a): str(getattr(a, "params", {}).get("CN", "")) for a in attendees}
    proposal = _proposed_time(event, meeting) if method == "COUNTER" else None
    if method == "COUNTER" and proposal is None:
        return [ReplyOutcome(uid, "", "ignored", "COUNTER without a proposed time")]
    return [
        _apply_attendee(
            meeting,
            uid,
            attendee,
            sequence,
            comment,
            sender,
            names,
            stamp,
            proposal,
            occurrence,
        )
        for attendee in attendees
    ]


def _occurrence_of(meeting: Meeting, recurrence_id) -> Meeting | None:
    """The date of the series ``meeting`` that a RECURRENCE-ID names (a meeting of its own,
    created if it was not one yet), or None."""
    moment = getattr(recurrence_id, "dt", None)
    if not isinstance(moment, dt.datetime):
        return None
    if moment.tzinfo is None:  # floating: the series' own wall-clock time
        moment = moment.replace(tzinfo=ZoneInfo(meeting.timezone))
    try:
        return scheduling_services.occurrence_ensure(series=meeting, occurrence_start=moment)
    except ValidationError:
        return None


def _proposed_time(event, meeting: Meeting) -> tuple[dt.datetime, dt.datetime] | None:
    """The (start, end) a COUNTER proposes: DTSTART with DTEND, DURATION, or the meeting's
    own length. None for a floating or all-day time."""
    start = getattr(event.get("DTSTART"), "dt", None)
    if not isinstance(start, dt.datetime) or start.tzinfo is None:
        return None
    end = getattr(event.get("DTEND"), "dt", None)
    duration = getattr(event.get("DURATION"), "dt", None)
    if isinstance(end, dt.datetime) and end.tzinfo is not None:
        pass
    elif isinstance(duration, dt.timedelta):
        end = start + duration
    else:
        end = start + (meeting.ends_at - meeting.starts_at)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _stamp(event) -> dt.datetime | None:
    """The reply's DTSTAMP (when the invitee answered), aware; None if missing or floating."""
    value = event.get("DTSTAMP")
    moment = getattr(value, "dt", None)
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC)


def _invitation_for(meeting: Meeting, address: str) -> Invitation | None:
    return (
        meeting.invitations.filter(contact__email__iexact=address)
        .exclude(status=InvitationStatus.DRAFTED)
        .filter(sent_at__isnull=False)
        .select_related("contact__organisation")
        .first()
    )


def _speaks_for(invitation: Invitation, sender: Sender) -> bool:
    """Whether every sender address is the invitee's own. A delegate answers their own
    invitation (the one the product sent them), never the delegator's."""
    own = invitation.contact.email.lower()
    return all(address == own for address in sender.addresses)


def _apply_attendee(
    meeting: Meeting,
    uid: str,
    attendee,
    sequence: int,
    comment: str,
    sender: Sender,
    names: dict[str, str],
    stamp: dt.datetime | None,
    proposal: tuple[dt.datetime, dt.datetime] | None = None,
    occurrence: Meeting | None = None,
) -> ReplyOutcome:
    """Apply one ATTENDEE's answer; with ``occurrence`` (a RECURRENCE-ID), as their answer
    to that date of the series only."""
    address = _address(attendee)
    params = getattr(attendee, "params", {})
    partstat = str(params.get("PARTSTAT", "")).upper()
    # Google Calendar puts the invitee's note in an ATTENDEE parameter.
    comment = comment or str(params.get("X-RESPONSE-COMMENT", "") or "").strip()
    delegated_from = _address(params.get("DELEGATED-FROM", ""))
    delegated_to = _address(params.get("DELEGATED-TO", ""))
    if delegated_from and delegated_from in sender.addresses and address not in sender.addresses:
        # The delegator's own reply names the colleague too; the colleague answers later.
        return ReplyOutcome(uid, address, "ignored", "delegate named by the invitee")
    invitation = _invitation_for(meeting, address)
    if invitation is None:
        if delegated_from:
            return ReplyOutcome(
                uid, address, "refused", "not invited: only the invitee can pass a seat on"
            )
        return ReplyOutcome(uid, address, "ignored", "not invited")
    if not _speaks_for(invitation, sender):
        return ReplyOutcome(
            uid,
            address,
            "refused",
            f"sender {', '.join(sender.addresses)} does not speak for {address}",
        )
    try:
        if proposal is not None:
            if sequence < invitation.calendar_sequence:
                return ReplyOutcome(uid, address, "ignored", "older sequence")
            recorded = scheduling_services.time_proposal_record(
                invitation=invitation,
                starts_at=proposal[0],
                ends_at=proposal[1],
                comment=comment,
                proposed_at=stamp,
            )
            return ReplyOutcome(uid, address, "proposed", recorded.starts_at.isoformat())
        if occurrence is not None:
            answer = PARTSTAT_ANSWERS.get(partstat)
            if answer is None:
                return ReplyOutcome(uid, address, "ignored", f"PARTSTAT {partstat or 'missing'}")
            result = invitation_services.occurrence_answer(
                occurrence=occurrence,
                invitation=invitation,
                answer=answer,
                comment=comment,
                calendar_sequence=sequence,
                answered_at=stamp,
            )
            if result.ignored:
                return ReplyOutcome(uid, address, "ignored", result.ignored)
            return ReplyOutcome(uid, address, "applied", result.invitation.status)
        if partstat == "DELEGATED":
            if not delegated_to:
                return ReplyOutcome(uid, address, "ignored", "DELEGATED without DELEGATED-TO")
            outcome = invitation_services.invitation_delegation_request(
                invitation=invitation,
                name=names.get(delegated_to) or delegated_to.split("@")[0],
                email=delegated_to,
            )
            if outcome.delegate is None:  # outside the organisation: a facilitator decides
                return ReplyOutcome(uid, address, "pending", outcome.request.email)
            return ReplyOutcome(uid, address, "delegated", outcome.delegate.contact.email)
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
            answered_at=stamp,
        )
    except ValidationError as exc:
        return ReplyOutcome(uid, address, "ignored", " ".join(exc.messages))
    if result.ignored:
        return ReplyOutcome(uid, address, "ignored", result.ignored)
    return ReplyOutcome(uid, address, "applied", result.invitation.status)


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
            logger.info(
                "Calendar reply %s: %s",
                uid.decode(),
                "; ".join(outcome.logged() for outcome in outcomes),
            )
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            processed += 1
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            connection.logout()
    return processed
