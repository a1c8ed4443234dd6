"""Answers from calendar clients (iTIP REPLY) in the shapes real clients send, the
``apply_calendar_reply`` command, and the IMAP poll against a real IMAP server (Debian's
dovecot) on loopback."""

import base64
import datetime as dt
import email
import email.policy
import imaplib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coordination.models import Contact
from coordination.privacy import address_reference
from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import Invitation, OutboundMessage
from meetings.services import calendars as calendar_replies
from meetings.services import invitations as invitation_services
from meetings.services import scheduling
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db
REPLIES = Path(__file__).parent / "replies"


def reply(
    name: str,
    *,
    uid: str,
    sequence: int = 0,
    dtstamp: dt.datetime | None = None,
    edit=None,
) -> bytes:
    """A sample message of ``tests/meetings/replies``; ``edit`` changes its calendar text."""
    ics = (REPLIES / f"{name}.ics").read_text()
    ics = ics.replace("__UID__", uid).replace("__SEQUENCE__", str(sequence))
    if dtstamp is not None:
        value = dtstamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        ics = re.sub(r"^DTSTAMP:.*$", f"DTSTAMP:{value}", ics, flags=re.MULTILINE)
    if edit is not None:
        ics = edit(ics)
    ics = ics.replace("\n", "\r\n")
    encoded = base64.encodebytes(ics.encode()).decode()
    eml = (REPLIES / f"{name}.eml").read_text()
    eml = eml.replace("__CALENDAR_BASE64__", encoded).replace("__CALENDAR__", ics)
    return eml.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def _invitation(email="anna@example.org", **kwargs):
    session = RoundSessionFactory(title="Session: reception data", **kwargs)
    return InvitationFactory(meeting=session, contact__email=email, contact__name="Anna Example")


@pytest.mark.parametrize(
    ("name", "email", "status"),
    [
        ("outlook_accept", "anna@example.org", InvitationStatus.ACCEPTED),
        ("gmail_decline", "anna.example@gmail.test", InvitationStatus.DECLINED),
        ("thunderbird_tentative", "anna@example.org", InvitationStatus.TENTATIVE),
        ("apple_accept", "anna@example.org", InvitationStatus.ACCEPTED),
    ],
)
def test_reply_from_a_real_client_shape_is_applied_like_an_rsvp(name, email, status):
    invitation = _invitation(email=email)

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply(name, uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    assert [(o.outcome, o.attendee) for o in outcomes] == [("applied", email)]
    assert invitation.status == status
    assert invitation.answered_at is not None


def test_outlook_reply_keeps_the_comment():
    invitation = _invitation()

    calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    assert invitation.comment == "See you there."


def test_reply_to_an_older_sequence_is_ignored():
    invitation = _invitation()
    scheduling.meeting_update(
        meeting=invitation.meeting, by=None, location="Boulevard du Jardin Botanique 50"
    )

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid, sequence=0)
    )

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [("ignored", "older sequence")]
    assert invitation.status == InvitationStatus.SENT


def test_reply_to_the_current_sequence_after_an_update_is_applied():
    invitation = _invitation()
    scheduling.meeting_update(
        meeting=invitation.meeting, by=None, location="Boulevard du Jardin Botanique 50"
    )

    calendar_replies.calendar_reply_apply(
        raw=reply("thunderbird_tentative", uid=invitation.meeting.ical_uid, sequence=1)
    )

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.TENTATIVE


def with_headers(raw: bytes, **headers: str | None) -> bytes:
    """``raw`` with headers replaced, added (``Sender="..."``) or removed (``None``);
    underscores in names stand for hyphens."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    for name, value in headers.items():
        name = name.replace("_", "-")
        del message[name]
        if value is not None:
            message[name] = value
    return message.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def test_reply_from_a_delegate_nobody_delegated_to_is_refused(caplog):
    invitation = _invitation()

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("forwarded_delegate_accept", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    bob = address_reference("Bob@Example.org")
    assert [(o.outcome, o.attendee, o.detail) for o in outcomes] == [
        ("refused", "bob@example.org", "not invited: only the invitee can pass a seat on")
    ]
    assert invitation.status == InvitationStatus.SENT
    assert not Contact.objects.filter(email="bob@example.org").exists()
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"Calendar reply refused: UID {invitation.meeting.ical_uid}, ATTENDEE {bob}, "
        f"sent by {bob}: not invited: only the invitee can pass a seat on"
    ]


def test_reply_from_a_delegate_named_on_the_rsvp_page_is_applied():
    invitation = _invitation()
    invitation_services.invitation_delegate(
        invitation=invitation, name="Bob Colleague", email="bob@example.org"
    )

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("forwarded_delegate_accept", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    delegate = Invitation.objects.get(contact__email="bob@example.org")
    assert [(o.outcome, o.detail) for o in outcomes] == [("applied", "accepted")]
    assert invitation.status == InvitationStatus.DELEGATED
    assert (delegate.status, delegate.delegated_from, delegate.contact.organisation) == (
        InvitationStatus.ACCEPTED,
        invitation,
        invitation.contact.organisation,
    )


def test_delegation_from_the_invitees_calendar_goes_through_the_delegation_service():
    invitation = _invitation()

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_delegate", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    delegate = Invitation.objects.get(contact__email="bob@example.org")
    assert [(o.outcome, o.attendee, o.detail) for o in outcomes] == [
        ("delegated", "anna@example.org", "bob@example.org"),
        ("ignored", "bob@example.org", "delegate named by the invitee"),
    ]
    assert invitation.status == InvitationStatus.DELEGATED
    assert (delegate.status, delegate.delegated_from, delegate.contact.name) == (
        InvitationStatus.SENT,
        invitation,
        "Bob Colleague",
    )
    assert list(
        OutboundMessage.objects.filter(invitation=delegate).values_list("kind", flat=True)
    ) == [OutboxKind.INVITATION]


def test_delegation_from_the_calendar_follows_the_organisation_rule():
    invitation = _invitation()
    ContactFactory(email="bob@example.org", name="Bob Elsewhere")  # another organisation

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_delegate", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    assert [o.outcome for o in outcomes] == ["ignored", "ignored"]
    assert outcomes[0].detail.startswith("The colleague must work for ")
    assert invitation.status == InvitationStatus.SENT
    assert not Invitation.objects.filter(contact__email="bob@example.org").exists()


def test_forged_decline_from_another_address_is_refused_and_changes_nothing(caplog):
    invitation = _invitation(email="anna.example@gmail.test")
    raw = with_headers(
        reply("gmail_decline", uid=invitation.meeting.ical_uid), From="mallory@example.net"
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [
        ("refused", "sender mallory@example.net does not speak for anna.example@gmail.test")
    ]
    assert (invitation.status, invitation.answered_at) == (InvitationStatus.SENT, None)
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        f"Calendar reply refused: UID {invitation.meeting.ical_uid}, "
        f"ATTENDEE {address_reference('anna.example@gmail.test')}, "
        f"sent by {address_reference('mallory@example.net')}: "
        f"sender {address_reference('mallory@example.net')} does not speak for "
        f"{address_reference('anna.example@gmail.test')}"
    ]


def test_forged_delegation_to_the_forger_is_refused_and_creates_nobody():
    invitation = _invitation()
    raw = with_headers(
        reply("outlook_delegate", uid=invitation.meeting.ical_uid),
        From="Bob <bob@example.org>",
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    invitation.refresh_from_db()
    assert [(o.outcome, o.attendee) for o in outcomes] == [
        ("refused", "anna@example.org"),
        ("refused", "bob@example.org"),
    ]
    assert invitation.status == InvitationStatus.SENT
    assert not Contact.objects.filter(email="bob@example.org").exists()
    assert OutboundMessage.objects.count() == 0


def test_sender_header_of_someone_else_is_refused():
    invitation = _invitation()
    raw = with_headers(
        reply("outlook_accept", uid=invitation.meeting.ical_uid), Sender="assistant@example.org"
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [
        (
            "refused",
            "sender anna@example.org, assistant@example.org does not speak for anna@example.org",
        )
    ]
    assert invitation.status == InvitationStatus.SENT


def test_sender_header_of_the_invitee_themself_is_applied():
    invitation = _invitation()
    raw = with_headers(
        reply("outlook_accept", uid=invitation.meeting.ical_uid), Sender="anna@example.org"
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    assert [o.outcome for o in outcomes] == ["applied"]


def test_delegate_cannot_answer_for_the_invitee_who_named_them():
    invitation = _invitation()
    invitation_services.invitation_delegate(
        invitation=invitation, name="Bob Colleague", email="bob@example.org"
    )
    raw = with_headers(
        reply("outlook_accept", uid=invitation.meeting.ical_uid), From="bob@example.org"
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    assert [(o.outcome, o.detail) for o in outcomes] == [
        ("refused", "sender bob@example.org does not speak for anna@example.org")
    ]


def test_message_without_a_from_address_is_refused():
    invitation = _invitation()
    raw = with_headers(reply("outlook_accept", uid=invitation.meeting.ical_uid), From=None)

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    assert [(o.outcome, o.detail) for o in outcomes] == [("refused", "no single From: address")]


@pytest.mark.parametrize(
    ("results", "detail"),
    [
        (
            "mx.coordinator.example; dkim=fail (signature did not verify) header.d=example.org "
            "header.s=sel1; spf=pass smtp.mailfrom=example.org",
            "DKIM fail for example.org",
        ),
        (
            "mx.coordinator.example; spf=softfail smtp.mailfrom=example.org; "
            "dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.org",
            "DMARC fail for example.org",
        ),
        (
            "mx.coordinator.example;\r\n\tdkim=fail header.i=@Example.org;\r\n\tdkim=neutral",
            "DKIM fail for example.org",
        ),
    ],
)
def test_authentication_failure_for_the_senders_domain_is_refused(results, detail):
    invitation = _invitation()
    raw = with_headers(
        reply("outlook_accept", uid=invitation.meeting.ical_uid), Authentication_Results=results
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [("refused", detail)]
    assert invitation.status == InvitationStatus.SENT


@pytest.mark.parametrize(
    "results",
    [
        "mx.coordinator.example; dkim=pass header.d=example.org; dmarc=pass "
        "header.from=example.org",
        # A failing signature of a mailing list's domain, a passing one of the sender's.
        "mx.coordinator.example; dkim=fail header.d=lists.example.net; dkim=pass "
        "header.d=example.org",
        "mx.coordinator.example; none",
    ],
)
def test_authentication_results_that_do_not_fail_the_senders_domain_are_applied(results):
    invitation = _invitation()
    raw = with_headers(
        reply("outlook_accept", uid=invitation.meeting.ical_uid), Authentication_Results=results
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    assert [o.outcome for o in outcomes] == ["applied"]


def test_gmail_reply_note_is_kept_as_the_comment():
    invitation = _invitation(email="anna.example@gmail.test")

    calendar_replies.calendar_reply_apply(
        raw=reply("gmail_decline", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    assert (invitation.status, invitation.comment) == (
        InvitationStatus.DECLINED,
        "I am on leave that week, sorry.",
    )


def test_reply_stays_current_after_another_invitee_is_removed():
    invitation = _invitation()
    other = InvitationFactory(meeting=invitation.meeting)
    invitation_services.invitation_remove(invitation=other)
    invitation.refresh_from_db()
    other.refresh_from_db()
    assert (invitation.meeting.sequence, invitation.calendar_sequence) == (1, 0)
    assert other.calendar_sequence == 1

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid, sequence=0)
    )

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [("applied", "accepted")]
    assert invitation.status == InvitationStatus.ACCEPTED


def test_older_calendar_reply_never_overwrites_a_newer_web_answer():
    invitation = _invitation()
    invitation_services.invitation_answer(invitation=invitation, answer=InvitationStatus.DECLINED)
    stamped_before = timezone.now() - dt.timedelta(minutes=4)

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid, dtstamp=stamped_before)
    )

    invitation.refresh_from_db()
    assert [(o.outcome, o.detail) for o in outcomes] == [("ignored", "older answer")]
    assert invitation.status == InvitationStatus.DECLINED


def test_calendar_replies_arriving_out_of_order_keep_the_newest():
    invitation = _invitation()
    now = timezone.now()
    newer = reply(
        "thunderbird_tentative",
        uid=invitation.meeting.ical_uid,
        dtstamp=now - dt.timedelta(minutes=2),
    )
    older = reply(
        "outlook_accept", uid=invitation.meeting.ical_uid, dtstamp=now - dt.timedelta(minutes=9)
    )

    first = calendar_replies.calendar_reply_apply(raw=newer)
    second = calendar_replies.calendar_reply_apply(raw=older)

    invitation.refresh_from_db()
    assert [o.outcome for o in first + second] == ["applied", "ignored"]
    assert invitation.status == InvitationStatus.TENTATIVE
    assert invitation.answered_at == (now - dt.timedelta(minutes=2)).replace(microsecond=0)


def test_web_answer_after_a_calendar_reply_stamped_in_the_future_still_counts():
    invitation = _invitation()
    calendar_replies.calendar_reply_apply(
        raw=reply(
            "outlook_accept",
            uid=invitation.meeting.ical_uid,
            dtstamp=timezone.now() + dt.timedelta(days=30),
        )
    )

    result = invitation_services.invitation_answer(
        invitation=invitation, answer=InvitationStatus.DECLINED
    )

    invitation.refresh_from_db()
    assert (result.ignored, invitation.status) == ("", InvitationStatus.DECLINED)


def test_reply_with_an_unknown_uid_or_attendee_changes_nothing():
    invitation = _invitation()
    ContactFactory(email="stranger@example.org")

    unknown_uid = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid="nope@elsewhere")
    )
    stranger = calendar_replies.calendar_reply_apply(
        raw=reply("gmail_decline", uid=invitation.meeting.ical_uid)
    )

    assert [(o.outcome, o.detail) for o in unknown_uid] == [("ignored", "unknown UID")]
    assert [(o.outcome, o.detail) for o in stranger] == [("ignored", "not invited")]
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_reply_for_a_cancelled_meeting_is_ignored():
    invitation = _invitation()
    scheduling.meeting_cancel(meeting=invitation.meeting, by=None)

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid, sequence=1)
    )

    assert [(o.outcome, o.detail) for o in outcomes] == [("ignored", "This meeting was cancelled.")]


def test_command_applies_a_saved_message(tmp_path, capsys):
    invitation = _invitation()
    path = tmp_path / "reply.eml"
    path.write_bytes(reply("outlook_accept", uid=invitation.meeting.ical_uid))

    call_command("apply_calendar_reply", str(path))

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert capsys.readouterr().out == (
        f"{invitation.meeting.ical_uid} anna@example.org: applied (accepted)\n"
    )


def test_command_exits_with_an_error_saying_why_when_nothing_was_applied(tmp_path, capsys):
    invitation = _invitation()
    path = tmp_path / "forged.eml"
    path.write_bytes(
        with_headers(
            reply("outlook_accept", uid=invitation.meeting.ical_uid), From="mallory@example.net"
        )
    )

    with pytest.raises(CommandError) as raised:
        call_command("apply_calendar_reply", str(path))

    assert str(raised.value) == (
        f"Nothing was applied from {path} (refused: sender mallory@example.net does not "
        "speak for anna@example.org)."
    )
    assert capsys.readouterr().out == (
        f"{invitation.meeting.ical_uid} anna@example.org: refused (sender mallory@example.net "
        "does not speak for anna@example.org)\n"
    )


def test_command_exits_non_zero_for_a_reply_to_an_unknown_meeting(tmp_path):
    path = tmp_path / "unknown.eml"
    path.write_bytes(reply("outlook_accept", uid="unknown@elsewhere"))

    with pytest.raises(CommandError) as raised:
        call_command("apply_calendar_reply", str(path))

    # A CommandError makes manage.py exit with this status.
    assert (raised.value.returncode, str(raised.value)) == (
        1,
        f"Nothing was applied from {path} (ignored: unknown UID).",
    )


def test_command_refuses_a_message_without_a_calendar_reply(tmp_path):
    path = tmp_path / "note.eml"
    path.write_bytes(b"From: a@example.org\r\nSubject: hello\r\n\r\nJust a note.\r\n")

    with pytest.raises(CommandError, match="contains no calendar reply"):
        call_command("apply_calendar_reply", str(path))


def test_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="no such file"):
        call_command("apply_calendar_reply", "/nonexistent/reply.eml")


# --- IMAP transport: Debian's dovecot on loopback ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def imap_server():
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(dovecot):
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    (root / "mail").mkdir()
    (root / "run").mkdir()
    for path in (root, root / "mail"):
        path.chmod(0o777)
    if os.geteuid() == 0:
        login_user, internal_user = "dovenull", "dovecot"
        mail_uid, mail_gid = pwd.getpwnam("dovecot").pw_uid, pwd.getpwnam("dovecot").pw_gid
    else:
        login_user = internal_user = pwd.getpwuid(os.geteuid()).pw_name
        mail_uid, mail_gid = os.geteuid(), os.getegid()
    port = _free_port()
    (root / "users").write_text("rsvp:{PLAIN}secret-imap\n")
    (root / "dovecot.conf").write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/run
instance_name = coordinator-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = {min(mail_uid, 100)}
default_login_user = {login_user}
default_internal_user = {internal_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    subprocess.run([dovecot, "-c", str(root / "dovecot.conf")], check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield f"imap://rsvp:secret-imap@127.0.0.1:{port}/INBOX", port
    finally:
        subprocess.run(
            ["doveadm", "-c", str(root / "dovecot.conf"), "stop"], check=False, timeout=20
        )
        shutil.rmtree(root, ignore_errors=True)


def _append(port: int, raw: bytes) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login("rsvp", "secret-imap")
    client.append("INBOX", None, None, raw)
    client.logout()


def _flags(port: int) -> list[bool]:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login("rsvp", "secret-imap")
    client.select("INBOX", readonly=True)
    _status, data = client.uid("FETCH", "1:*", "(FLAGS)")
    client.logout()
    return [b"\\Seen" in item for item in data if item]


def test_imap_poll_applies_replies_and_leaves_other_mail_untouched(imap_server, settings, caplog):
    imap_url, port = imap_server
    invitation = _invitation()
    other = b"From: someone@example.org\r\nSubject: question\r\n\r\nA human question.\r\n"
    _append(port, other)
    _append(port, reply("thunderbird_tentative", uid=invitation.meeting.ical_uid))
    settings.IMAP_URL = imap_url

    from meetings import tasks

    with caplog.at_level("INFO", logger="meetings.services.calendars"):
        processed = tasks.calendar_replies_poll()
        processed_again = tasks.calendar_replies_poll()

    invitation.refresh_from_db()
    logged = [r.getMessage() for r in caplog.records if r.name == "meetings.services.calendars"]
    assert (processed, processed_again) == (1, 0)
    assert invitation.status == InvitationStatus.TENTATIVE
    assert _flags(port) == [False, True]  # the human's mail stays unread
    assert logged == [
        f"Calendar reply 2: {address_reference('anna@example.org')}: applied (tentative)"
    ]


def test_imap_poll_does_nothing_without_imap_url(settings):
    settings.IMAP_URL = ""

    from meetings import tasks

    assert tasks.calendar_replies_poll() == 0


def test_calendar_acceptance_into_a_full_session_tells_the_invitee_they_are_waitlisted():
    from icalendar import Calendar

    invitation = _invitation(capacity=1)
    InvitationFactory(meeting=invitation.meeting, status=InvitationStatus.ACCEPTED)

    outcomes = calendar_replies.calendar_reply_apply(
        raw=reply("outlook_accept", uid=invitation.meeting.ical_uid)
    )

    invitation.refresh_from_db()
    message = OutboundMessage.objects.get(invitation=invitation, kind=OutboxKind.WAITLISTED)
    event = next(iter(Calendar.from_ical(message.ical).walk("VEVENT")))
    attendee = event["ATTENDEE"]
    assert [(o.outcome, o.detail) for o in outcomes] == [("applied", "waitlisted")]
    assert (invitation.status, invitation.waitlist_position) == (InvitationStatus.WAITLISTED, 1)
    assert message.subject == "On the waitlist: Session: reception data"
    assert "you are on the waitlist (position 1)" in message.body_text
    assert (message.ical_method, str(event["SUMMARY"]), str(event["TRANSP"])) == (
        "REQUEST",
        "On the waitlist: Session: reception data",
        "TRANSPARENT",
    )
    assert str(event["DESCRIPTION"]).startswith(
        "The meeting is full: you are on the waitlist. You will receive a message if a seat "
        "becomes free.\n\n"
    )
    assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == ("NEEDS-ACTION", "TRUE")


def test_rsvp_page_acceptance_into_a_full_session_sends_no_waitlist_message():
    invitation = _invitation(capacity=1)
    InvitationFactory(meeting=invitation.meeting, status=InvitationStatus.ACCEPTED)

    result = invitation_services.invitation_answer(
        invitation=invitation, answer=InvitationStatus.ACCEPTED
    )

    assert result.waitlisted is True
    assert not OutboundMessage.objects.filter(kind=OutboxKind.WAITLISTED).exists()
