"""The report back: once the report is final, the facilitator sends it with a short text to
every organisation consulted, each in their language, through a personal link; organisations
that do not consent to be named get a copy that does not name them."""

import datetime as dt
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from coordination import enums as c_enums
from meetings import emails
from meetings.enums import AttendanceStatus, InvitationStatus, MeetingStatus, OutboxKind
from meetings.formats import report as render
from meetings.models import OutboundMessage, ReportBack, ReportBackDelivery
from meetings.services import report_back as services
from meetings.services import reports
from tests.factories import (
    AttendanceFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import messages_of
from tests.meetings.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

TEXT = "Your remarks on data sharing became the second chapter of the coordination design."


def consulted(session, organisation_name, language, *, status, named, attended=False):
    contact = ContactFactory(
        organisation=OrganisationFactory(name=organisation_name),
        preferred_language=language,
    )
    if named:
        ConsentFactory(contact=contact, purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS)
    invitation = InvitationFactory(
        meeting=session, contact=contact, status=status, sent_at=timezone.now()
    )
    if attended:
        AttendanceFactory(meeting=session, contact=contact, status=AttendanceStatus.PRESENT)
    return invitation


@pytest.fixture
def fast_render(monkeypatch):
    """Tiny documents instead of WeasyPrint, for tests of the workflow only."""
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")


@pytest.fixture
def round_with_final_report():
    return build_round_with_final_report()


@pytest.fixture
def quick_round(fast_render):
    return build_round_with_final_report()


def build_round_with_final_report():
    facilitator = UserFactory(facilitator=True)
    start = timezone.now() - dt.timedelta(days=10)
    session = RoundSessionFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status=MeetingStatus.HELD,
        facilitator=facilitator,
    )
    round_ = session.consultation_round
    round_.facilitators.add(facilitator)
    people = {
        "atlas": consulted(
            session, "Atlas Aid", "fr", status=InvitationStatus.ACCEPTED, named=True, attended=True
        ),
        "beacon": consulted(
            session,
            "Beacon Help",
            "nl",
            status=InvitationStatus.ACCEPTED,
            named=True,
            attended=True,
        ),
        "cedar": consulted(
            session, "Cedar Care", "de", status=InvitationStatus.SENT, named=False, attended=True
        ),
        "declined": consulted(
            session, "Dune Desk", "en", status=InvitationStatus.DECLINED, named=True
        ),
    }
    report = reports.report_get_or_create(consultation_round=round_, language="en")
    draft = reports.report_job_run(
        job_id=reports.report_generate(report=report, user=facilitator).pk
    ).result
    final = reports.report_job_run(
        job_id=reports.report_version_finalise(version=draft, user=facilitator).pk
    ).result
    assert final.snapshot["participants"]["named"] == ["Atlas Aid", "Beacon Help"]
    return report, facilitator, people


def send(client, report, facilitator, captured, text=TEXT):
    client.force_login(facilitator)
    with captured(execute=True):
        return client.post(
            reverse("round-report-back-send", args=[report.consultation_round_id]),
            {"text": text},
            follow=True,
        )


def link_of(invitation) -> str:
    body = OutboundMessage.objects.get(invitation=invitation, kind=OutboxKind.REPORT_BACK).body_text
    return re.search(r"/report/[^/\s]+/", body).group(0)


def test_report_back_reaches_everyone_consulted_once_in_their_language(
    client, round_with_final_report, django_capture_on_commit_callbacks
):
    report, facilitator, people = round_with_final_report
    # Beacon Help withdraws its consent to be named after the report was made final.
    people["beacon"].contact.consents.update(withdrawn_at=timezone.now())

    response = send(client, report, facilitator, django_capture_on_commit_callbacks)
    again = send(client, report, facilitator, django_capture_on_commit_callbacks)

    messages = OutboundMessage.objects.filter(kind=OutboxKind.REPORT_BACK)
    assert messages_of(response) == ["The report is being sent to every organisation consulted."]
    assert again.status_code == 200
    assert sorted(messages.values_list("to_email", "language")) == sorted(
        (people[key].contact.email, language)
        for key, language in (("atlas", "fr"), ("beacon", "nl"), ("cedar", "de"))
    )
    assert sorted(
        ReportBackDelivery.objects.values_list("contact__organisation__name", "names_organisation")
    ) == [("Atlas Aid", True), ("Beacon Help", False), ("Cedar Care", False)]
    assert TEXT in messages.get(invitation=people["cedar"]).body_text


def test_report_back_copy_does_not_name_an_organisation_that_withdrew_its_consent(
    client, round_with_final_report, django_capture_on_commit_callbacks
):
    report, facilitator, people = round_with_final_report
    people["beacon"].contact.consents.update(withdrawn_at=timezone.now())
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    client.logout()

    page = client.get(link_of(people["beacon"]))
    pdf = client.get(link_of(people["beacon"]) + "report.pdf")
    named_pdf = client.get(link_of(people["atlas"]) + "report.pdf")

    assert page.status_code == 200
    assert TEXT in page.content.decode()
    figures = re.search(r'class="report-back-figures">([^<]+)<', page.content.decode()).group(1)
    assert re.findall(r"\d+", figures) == ["1", "3"]  # sessions, organisations (page in Dutch)
    beacon_text = " ".join(pdf_text(b"".join(pdf.streaming_content)).split())
    atlas_text = " ".join(pdf_text(b"".join(named_pdf.streaming_content)).split())
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert "Beacon Help" not in beacon_text
    assert "Atlas Aid" in beacon_text
    assert ("Atlas Aid" in atlas_text, "Beacon Help" in atlas_text) == (True, True)


def test_report_back_is_shown_as_sent_with_its_date_on_the_report_page(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    emails.outbox_sweep()

    page = client.get(reverse("round-report", args=[report.consultation_round_id])).content.decode()

    sent_at = OutboundMessage.objects.get(invitation=people["atlas"]).sent_at
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>.*?sent ([^<]+)</td>", page, re.S)
    assert [name for name, _at in rows] == ["Atlas Aid", "Beacon Help", "Cedar Care"]
    assert rows[0][1] == date_format(timezone.localtime(sent_at), "DATETIME_FORMAT")


def test_report_back_before_the_report_is_final_is_refused_and_sends_nothing(
    client, fast_render, django_capture_on_commit_callbacks
):
    facilitator = UserFactory(facilitator=True)
    session = RoundSessionFactory(facilitator=facilitator)
    session.consultation_round.facilitators.add(facilitator)
    report = reports.report_get_or_create(consultation_round=session.consultation_round)

    response = send(client, report, facilitator, django_capture_on_commit_callbacks)

    assert messages_of(response) == [
        "The report has no final version yet: make a version final first."
    ]
    assert (ReportBack.objects.count(), OutboundMessage.objects.count()) == (0, 0)


def test_report_back_without_text_is_refused(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, _people = quick_round

    response = send(client, report, facilitator, django_capture_on_commit_callbacks, text="  ")

    assert messages_of(response) == ["This field is required."]
    assert ReportBack.objects.count() == 0


def test_report_back_send_by_a_participant_is_refused(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, _facilitator, people = quick_round
    participant = UserFactory()
    people["atlas"].contact.user = participant
    people["atlas"].contact.save(update_fields=["user"])

    response = send(client, report, participant, django_capture_on_commit_callbacks)

    assert (response.status_code, ReportBack.objects.count()) == (403, 0)


def test_report_back_link_tampered_or_revoked_opens_nothing(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    client.logout()
    link = link_of(people["atlas"])
    people["atlas"].token_nonce = "renewed"
    people["atlas"].save(update_fields=["token_nonce"])

    tampered = client.get(link[:-3] + "xx/")
    revoked = client.get(link)
    revoked_pdf = client.get(link + "report.pdf")

    assert (tampered.status_code, revoked.status_code, revoked_pdf.status_code) == (404, 404, 404)
    assert "This link is not valid." in tampered.content.decode()
    assert "This link was withdrawn." in revoked_pdf.content.decode()


def test_report_back_link_too_old_says_so_in_the_language_of_the_person_it_was_sent_to(
    client, quick_round, django_capture_on_commit_callbacks, monkeypatch
):
    report, facilitator, people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    client.logout()
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    valid = browser.get(link_of(people["beacon"]))
    monkeypatch.setattr(services, "REPORT_BACK_LINK_MAX_AGE", -1)

    pages = [browser.get(link_of(people["beacon"]) + suffix) for suffix in ("", "report.pdf")]

    assert (valid.status_code, valid["Content-Language"]) == (200, "nl")
    assert '<html lang="nl">' in valid.content.decode()
    assert [(p.status_code, p["Content-Language"], p.context["error"]) for p in pages] == [
        (404, "nl", "Deze link is verlopen."),
        (404, "nl", "Deze link is verlopen."),
    ]


def test_report_back_consent_withdrawn_after_sending_serves_the_copy_without_the_name(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    client.logout()
    link = link_of(people["atlas"]) + "report.pdf"
    before = client.get(link)
    people["atlas"].contact.consents.update(withdrawn_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        preparing = client.get(link)
    after = client.get(link)

    delivery = ReportBackDelivery.objects.get(contact=people["atlas"].contact)
    assert b"".join(before.streaming_content) == b"%PDF-1.7 fake"
    assert (preparing.status_code, preparing["Retry-After"]) == (503, "60")
    assert (after.status_code, delivery.names_organisation) == (200, False)
    assert delivery.pdf.name.endswith(".pdf")


def test_report_back_deliver_twice_writes_nothing_twice(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, _people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)

    second = services.report_back_deliver(report_back_id=report.report_back.pk)

    assert (second, ReportBackDelivery.objects.count()) == (0, 3)
    assert OutboundMessage.objects.filter(kind=OutboxKind.REPORT_BACK).count() == 3


def test_report_back_one_delivery_per_contact_is_enforced_by_the_database(
    client, quick_round, django_capture_on_commit_callbacks
):
    report, facilitator, _people = quick_round
    send(client, report, facilitator, django_capture_on_commit_callbacks)
    first = ReportBackDelivery.objects.filter(names_organisation=True).first()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportBackDelivery.objects.create(
            report_back=first.report_back,
            contact=first.contact,
            invitation=first.invitation,
            version=first.version,
            language="en",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportBackDelivery.objects.filter(pk=first.pk).update(names_organisation=False)


def test_report_back_list_on_the_report_page_costs_the_same_queries_for_one_or_five(
    client, fast_render, django_capture_on_commit_callbacks
):
    counts = []
    for n in (1, 5):
        facilitator = UserFactory(facilitator=True)
        session = RoundSessionFactory(facilitator=facilitator, status=MeetingStatus.HELD)
        session.consultation_round.facilitators.add(facilitator)
        for i in range(n):
            consulted(session, f"Org {n}-{i}", "fr", status=InvitationStatus.ACCEPTED, named=i % 2)
        report = reports.report_get_or_create(consultation_round=session.consultation_round)
        draft = reports.report_job_run(
            job_id=reports.report_generate(report=report, user=facilitator).pk
        ).result
        reports.report_job_run(
            job_id=reports.report_version_finalise(version=draft, user=facilitator).pk
        )
        send(client, report, facilitator, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("round-report", args=[report.consultation_round_id]))
        assert page.content.decode().count("<td>Org ") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_report_back_renders_one_copy_per_organisation_not_named(
    client, quick_round, monkeypatch, django_capture_on_commit_callbacks
):
    report, facilitator, people = quick_round
    session = people["cedar"].meeting
    colleague = ContactFactory(organisation=people["cedar"].contact.organisation)
    InvitationFactory(meeting=session, contact=colleague, status=InvitationStatus.ACCEPTED)
    rendered = []
    monkeypatch.setattr(render, "render_pdf", lambda **kw: rendered.append(kw) or b"%PDF copy")

    send(client, report, facilitator, django_capture_on_commit_callbacks)

    cedar = ReportBackDelivery.objects.filter(contact__organisation__name="Cedar Care")
    assert cedar.count() == 2
    assert len(rendered) == 1
    assert [d.pdf.read() for d in cedar] == [b"%PDF copy", b"%PDF copy"]
