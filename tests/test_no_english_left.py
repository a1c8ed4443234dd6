"""No English left on French, Dutch and German pages, e-mails and documents: the demo is read
in each language by its users, and every e-mail an invitee can receive (the sign-in link and
the password reset too) is written for a contact of that language; none of them may show an
English sentence of the catalogue or of the questionnaire whose translation in that language
differs."""

import datetime as dt
import gettext
import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from coordination.models import ConsultationRound, Contact, Question, User
from meetings.enums import ActionStatus, InvitationStatus, OutboxKind
from meetings.models import (
    ActionItem,
    AgendaItem,
    Invitation,
    Meeting,
    Minutes,
    OutboundMessage,
    ReportBackDelivery,
    TimeProposal,
)
from meetings.services import reports
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ("fr", "nl", "de")
USERS = ("team", "facilitator", "participant")
LINK = re.compile(r'href="(/[^"]*)"')
SKIP = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/api/")
DOCUMENTS = (".pdf", ".docx")
MAX_PAGES = 120
PAGES_PER_PATTERN = 2  # pages of one pattern show different states (a draft, approved minutes)
# What a msgid is cut at: placeholders of both kinds, HTML tags, line breaks.
CUT = re.compile(r"%\([^)]*\)[sdfr]|%[sdfr]|\{\{[^}]*\}\}|\{[^}]*\}|<[^>]*>|\n|%%")
WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
SPACES = re.compile(r"\s+")


def _squash(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _fragments(text: str) -> list[str]:
    """The runs of at least three words between a text's placeholders and tags."""
    pieces = (_squash(piece).strip(" .,:;()-–—") for piece in CUT.split(text))
    return [piece for piece in pieces if len(WORD.findall(piece)) >= 3]


def _catalogue(language: str) -> tuple[set[str], list[str]]:
    """The English fragments of ``language``'s catalogue (msgids translated differently) and
    the translations themselves (an English fragment found in one is not a leak)."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    english: set[str] = set()
    translated: list[str] = []
    for key, translation in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid:
            continue  # the header
        msgid = msgid.split("\x04", 1)[-1]
        translated.append(_squash(translation))
        if translation != msgid:
            english.update(_fragments(msgid))
    return english, translated


def _labels(value):
    """Every ``{"en": ..., <language>: ...}`` label inside a question's JSON."""
    if isinstance(value, dict):
        if "en" in value and all(isinstance(text, str) for text in value.values()):
            yield value
        else:
            for item in value.values():
                yield from _labels(item)
    elif isinstance(value, list):
        for item in value:
            yield from _labels(item)


def english_fragments(language: str) -> list[str]:
    english, translated = _catalogue(language)
    for question in Question.objects.all():
        for label in _labels([question.text, question.options, question.rows]):
            if label.get(language) and label[language] != label["en"]:
                english.update(_fragments(label["en"]))
                translated.append(_squash(label[language]))
    # What the demo's authors wrote in English (an English meeting's agenda says "Any other
    # business" as the catalogue does) is theirs, not a leak.
    entered = {_squash(title) for title in AgendaItem.objects.values_list("title", flat=True)}
    english -= entered
    everything_translated = "\n".join(translated)
    # Longest first: a leak is reported by its longest English sentence only.
    return sorted(
        (fragment for fragment in english if fragment not in everything_translated),
        key=len,
        reverse=True,
    )


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return _squash(" ".join(parser.parts))


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return _squash(
        " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    )


def docx_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        parts.extend(paragraph.text for paragraph in section.header.paragraphs)
        parts.extend(paragraph.text for paragraph in section.footer.paragraphs)
    return _squash(" ".join(parts))


def _pattern(url: str) -> str:
    """What one page stands for: its URL pattern, the names of its query parameters and,
    for a file, its extension (the minutes in PDF and in DOCX are two documents)."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).url_name or parts.path
    except Resolver404:
        return url
    query = sorted(key for key, _value in parse_qsl(parts.query, keep_blank_values=True))
    return f"{name} {Path(parts.path).suffix} {' '.join(query)}"


def read_demo(client: Client, *, documents: list[str] = ()) -> dict[str, str]:
    """The visible text of one page of each URL pattern a user reaches by following links,
    of one document (PDF, DOCX) of each pattern linked from them, and of ``documents``."""
    texts: dict[str, str] = {}
    patterns: Counter[str] = Counter()
    queue = deque([*documents, "/"])
    while queue and len(texts) < MAX_PAGES:
        url = queue.popleft()
        name = _pattern(url)
        if url in texts or patterns[name] >= PAGES_PER_PATTERN:
            continue
        patterns[name] += 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        content_type = response.get("Content-Type", "")
        content = b"".join(response) if response.streaming else response.content
        if content_type.startswith("application/pdf"):
            texts[url] = pdf_text(content)
            continue
        if "wordprocessingml" in content_type:
            texts[url] = docx_text(content)
            continue
        if "text/html" not in content_type:
            continue
        html = content.decode()
        texts[url] = visible_text(html)
        for link in LINK.findall(html):
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if link.startswith(SKIP):
                continue
            if urlsplit(link).path.endswith(".ics"):
                continue
            if link not in texts:
                # Documents first: one of each kind is enough, and they are few.
                if urlsplit(link).path.endswith(DOCUMENTS):
                    queue.appendleft(link)
                else:
                    queue.append(link)
    return texts


def write_every_email(language: str, *, report) -> dict[str, str]:
    """Every kind of outbox message the demo can cause, written for contacts of
    ``language``: where (kind and recipient) → subject, text and HTML body."""
    from meetings.selectors.report_back import report_back_recipients
    from meetings.services.actions import action_reminder_send
    from meetings.services.agendas import agenda_invitees_notify
    from meetings.services.feedback import _feedback_message_enqueue
    from meetings.services.invitations import invitation_message_enqueue
    from meetings.services.minutes import minutes_circulation_send
    from meetings.services.polls import time_poll_create, time_poll_remind
    from meetings.services.report_back import _message_enqueue as _report_back_message_enqueue
    from meetings.services.report_back import report_back_send

    Contact.objects.update(preferred_language=language)
    OutboundMessage.objects.all().delete()
    invitation = (
        Invitation.objects.filter(status=InvitationStatus.SENT, contact__email__isnull=False)
        .select_related("meeting", "contact")
        .order_by("pk")
        .first()
    )
    for kind in (
        OutboxKind.INVITATION,
        OutboxKind.UPDATE,
        OutboxKind.REMINDER,
        OutboxKind.NUDGE,
        OutboxKind.WAITLIST,
        OutboxKind.WAITLISTED,
        OutboxKind.CANCEL,
    ):
        invitation_message_enqueue(invitation=invitation, kind=kind, sequence=1)
    for kind in (OutboxKind.FEEDBACK, OutboxKind.FEEDBACK_REMINDER):
        _feedback_message_enqueue(invitation=invitation, kind=kind, sequence=1)
    meeting = Meeting.objects.filter(agenda_published_at__isnull=False).order_by("pk").first()
    agenda_invitees_notify(meeting=meeting)
    for minutes in Minutes.objects.order_by("pk"):
        minutes_circulation_send(minutes_id=minutes.pk)
    actions = (
        ActionItem.objects.filter(owner_contact__email__isnull=False, due_date__isnull=False)
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.DROPPED])
        .order_by("pk")
    )
    for action in actions[:3]:
        action_reminder_send(action_id=action.pk, today=action.due_date + dt.timedelta(days=30))
    proposal = TimeProposal.objects.create(
        invitation=invitation,
        starts_at=invitation.meeting.starts_at + dt.timedelta(days=1),
        ends_at=invitation.meeting.ends_at + dt.timedelta(days=1),
        proposed_at=timezone.now(),
    )
    invitation_message_enqueue(
        invitation=invitation, kind=OutboxKind.DECLINECOUNTER, sequence=1, time_proposal=proposal
    )
    # A time poll, on a session whose invitations are still drafts.
    session = RoundSessionFactory(language=language)
    polled = InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        contact=ContactFactory(preferred_language=language),
    )
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    poll = time_poll_create(
        meeting=session,
        slots=[
            (start + dt.timedelta(days=d), start + dt.timedelta(days=d, hours=3)) for d in (9, 10)
        ],
        deadline=start + dt.timedelta(days=5),
        by=None,
    )
    time_poll_remind(poll=poll, invitation=polled)
    report_back = report_back_send(report=report, text="Merci, dank u, danke.", by=None)
    # One delivery is enough (each unnamed copy is a PDF rendering of its own).
    recipient = report_back_recipients(report=report)[0]
    _report_back_message_enqueue(
        delivery=ReportBackDelivery.objects.create(
            report_back=report_back,
            contact=recipient.contact,
            invitation=recipient.invitation,
            version=report.versions.get(is_final=True),
            language=language,
            names_organisation=True,
        )
    )
    return {
        f"e-mail {row.kind} to {row.to_email}": _squash(
            f"{row.subject}\n{row.body_text}\n{visible_text(row.body_html)}"
        )
        for row in OutboundMessage.objects.order_by("pk")
    }


def write_access_emails(language: str) -> dict[str, str]:
    """The e-mails sent outside the outbox, to a participant and to the team in ``language``:
    a sign-in link and a password reset (subject, text and HTML body)."""
    from django.core import mail

    from meetings.services.access import password_reset_email_send, sign_in_link_email_send

    participant = User.objects.get(username="participant")
    team = User.objects.get(username="team")
    User.objects.filter(pk__in=[participant.pk, team.pk]).update(preferred_language=language)
    mail.outbox.clear()
    sent = sign_in_link_email_send(contact_id=participant.contact.pk)
    sent += password_reset_email_send(user_id=team.pk)
    assert sent == 2
    texts = {}
    for message, kind in zip(mail.outbox, ("sign-in link", "password reset"), strict=True):
        html = "".join(body for body, mimetype in message.alternatives if mimetype == "text/html")
        texts[f"e-mail {kind} to {message.to[0]}"] = _squash(
            f"{message.subject}\n{message.body}\n{visible_text(html)}"
        )
    return texts


def leaks_in(texts: dict[str, str], fragments: list[str]) -> list[str]:
    found = []
    for where, text in texts.items():
        for fragment in fragments:
            if fragment in text:
                found.append(f"{where}: {fragment!r}")
                text = text.replace(fragment, " ")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_left_in_demo_pages_documents_and_emails(language):
    call_command("load_demo", verbosity=0)
    fragments = english_fragments(language)
    # The documents of a meeting held in another language than English: an English meeting's
    # agenda items and minutes are written in English by their authors.
    held = Meeting.objects.exclude(language="en").order_by("-language", "pk")
    minuted = held.filter(minutes__isnull=False).values_list("pk", flat=True).first()
    agenda = held.filter(agenda_published_at__isnull=False).values_list("pk", flat=True).first()
    consultation_round = ConsultationRound.objects.order_by("pk").first()
    report = reports.report_get_or_create(consultation_round=consultation_round, language=language)
    reports.report_job_run(job_id=reports.report_generate(report=report, user=None).pk)
    # Taken as final as it is: the report-back e-mail needs a final version, and rendering
    # one again as PDF/A would double the time of the test without another word to read.
    report.versions.update(is_final=True)
    version = report.versions.order_by("-number").values_list("number", flat=True).first()
    documents = [
        f"/rounds/{consultation_round.pk}/report/versions/{version}/report.pdf",
        f"/rounds/{consultation_round.pk}/report/versions/{version}/report.docx",
        f"/meetings/{minuted}/minutes.pdf",
        f"/meetings/{minuted}/minutes.docx",
        f"/meetings/{agenda}/agenda.pdf",
        f"/meetings/{agenda}/agenda.pdf?bilingual=1",
    ]
    texts: dict[str, str] = {}
    for username in USERS:
        user = User.objects.get(username=username)
        User.objects.filter(pk=user.pk).update(preferred_language=language)
        client = Client()
        client.force_login(user)
        read = read_demo(client, documents=documents if username == "team" else [])
        texts.update({f"{username} {url}": text for url, text in read.items()})
    emails = write_every_email(language, report=report)
    texts.update(emails)
    texts.update(write_access_emails(language))

    leaks = leaks_in(texts, fragments)

    assert len(texts) > 60
    assert {f"team {url}" for url in documents} <= set(texts)
    assert all(texts[f"team {url}"] for url in documents)
    assert {where.split(" ")[1] for where in emails} >= {
        OutboxKind.INVITATION,
        OutboxKind.AGENDA,
        OutboxKind.MINUTES_CIRCULATED,
        OutboxKind.FEEDBACK,
        OutboxKind.ACTION_REMINDER,
        OutboxKind.DECLINECOUNTER,
        OutboxKind.TIME_POLL,
        OutboxKind.TIME_POLL_REMINDER,
        OutboxKind.REPORT_BACK,
    }
    assert leaks == [], f"English on {language} pages, e-mails and documents:\n" + "\n".join(leaks)
