"""Erasing a contact reaches everything: every table and every stored file, checked by
dumping them all after the erasure; what remains keeps its meaning under a pseudonym."""

import datetime as dt
import io
import re
import uuid
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pypdf
import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.urls import reverse
from django.utils import timezone
from django_q.models import Task

from coordination import enums as c_enums
from coordination.exceptions import InvalidTokenError
from coordination.imports.importer import survey_import
from coordination.imports.jobs import survey_import_job_create, survey_import_job_is_pending
from coordination.models import Consent, Contact, ErasureRecord, SurveyResponse, User
from coordination.selectors import needs_assessment_survey
from coordination.services import PERSONAL_DATA_REFERENCES, contact_erase
from meetings.emails import outbox_deliver, outbox_sweep
from meetings.models import AgendaAttachment, MinutesExport, OutboundMessage, ReportBackDelivery
from meetings.selectors.agendas import agenda_pdf_cached
from meetings.services import actions as action_services
from meetings.services import agendas as agenda_services
from meetings.services import invitations as invitation_services
from meetings.services import minutes as minutes_services
from meetings.services import report_back as report_back_services
from meetings.services import reports as report_services
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundSessionFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db

NAME = "Zofia Kowalczyk-Brandt"
SURNAME = "Kowalczyk-Brandt"
EMAIL = "zofia.kb@horizon-ngo.be"
PHONE = "+32 475 12 34 56"
NEEDLES = [NAME, SURNAME, EMAIL, PHONE, "32475123456", "zkowalczyk"]


def _flat(text: str) -> str:
    """Text with every run of blanks as one space and no soft line breaks in names."""
    return re.sub(r"\s+", " ", text.replace("-\n", "-")).casefold()


def _found(text: str) -> list[str]:
    flat = _flat(text)
    digits = re.sub(r"\D", "", text)
    return [n for n in NEEDLES if n.casefold() in flat or (n.isdigit() and n in digits)]


def _file_texts(path: Path, content: bytes):
    if content.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        yield path.name, "\n".join(page.extract_text() or "" for page in reader.pages)
        yield path.name + " (raw)", content.decode("latin-1")
    elif content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                yield from _file_texts(path / member, archive.read(member))
    else:
        yield path.name, content.decode("utf-8", errors="replace")


def pypdf_text(content: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(content)).pages)


def everything_held(media_root: Path) -> dict[str, list[str]]:
    """Where the person is still named: every row of every model (values as Python objects,
    so pickled task arguments are read too), every table read with raw SQL (the sessions, the
    admin log, the task queue included) and every file under MEDIA_ROOT (PDFs as text, DOCX
    and ZIP files member by member)."""
    hits: dict[str, list[str]] = {}
    for model in apps.get_models():
        for obj in model._base_manager.all():
            values = [repr(getattr(obj, f.attname)) for f in model._meta.concrete_fields]
            if model is Session:
                values.append(repr(obj.get_decoded()))
            found = _found(" | ".join(values))
            if found:
                hits[f"{model._meta.label}#{obj.pk}"] = found
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " | ".join(
                    bytes(v).decode("utf-8", "replace")
                    if isinstance(v, bytes | memoryview)
                    else str(v)
                    for v in row
                )
                found = _found(text)
                if found:
                    hits.setdefault(f"table {table}", []).extend(found)
    for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
        for name, text in _file_texts(path, path.read_bytes()):
            found = _found(text)
            if found:
                hits[f"file {path.relative_to(media_root)}::{name}"] = found
    return hits


def pdf_naming(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>Slides by {text}</p>").write_pdf()


def docx_naming(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def rich_person(client_for):
    """A person who was invited, answered with needs, commented, presented, was named in
    minutes and in a report, was mailed, exported, and has a log-in with a session."""
    team = TeamUserFactory(username="team-lead")
    organisation = OrganisationFactory(name="Centre Horizon")
    user = User.objects.create_user(
        username="zkowalczyk", email=EMAIL, first_name="Zofia", last_name=SURNAME
    )
    person = ContactFactory(
        organisation=organisation, name=NAME, email=EMAIL, phone=PHONE, user=user
    )
    colleague = ContactFactory(organisation=OrganisationFactory(name="Other NGO"))
    # A colleague lets reports name the organisation.
    ConsentFactory(contact=ContactFactory(organisation=organisation), purpose="named_in_reports")
    for purpose in c_enums.ConsentPurpose.values:
        ConsentFactory(contact=person, purpose=purpose)
    MembershipFactory(contact=person)
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=organisation,
        contact=person,
        form_language="fr",
        answers={"q1": "Centre Horizon", "q41": f"Ask {NAME} ({PHONE})", "q56": "yes"},
        metadata={"respondent": f"{NAME} <{EMAIL}>"},
    )

    # A past session: she attended, presented, is named in the notes and a decision,
    # commented on the minutes, owns an action item; the report names her.
    held = RoundSessionFactory(
        title="Session Brussels",
        starts_at=timezone.now() - dt.timedelta(days=3),
        ends_at=timezone.now() - dt.timedelta(days=3) + dt.timedelta(hours=3),
    )
    round_ = held.consultation_round
    round_.facilitators.add(team)
    InvitationFactory(
        meeting=held, contact=person, status="accepted", comment=f"{NAME} will bring slides"
    )
    AttendanceFactory(meeting=held, contact=person)
    item = AgendaItemFactory(meeting=held, title="Data sharing", presenter=person)
    minutes = minutes_services.minutes_start(meeting=held, user=team)
    minutes_services.minutes_note_set(
        minutes=minutes, agenda_item=item, text=f"{NAME} explained the intake. Ms {SURNAME} agreed."
    )
    minutes_services.decision_add(
        minutes=minutes, agenda_item=item, text=f"{NAME} drafts the common form."
    )
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    minutes_services.minutes_circulation_send(minutes_id=minutes.pk)
    minutes_services.minutes_comment_add(
        minutes=minutes, user=user, text=f"Please add my phone {PHONE}."
    )
    minutes_services.minutes_approve(minutes=minutes, user=team)
    action = action_services.action_item_create(
        description=f"{NAME} sends the form",
        owner_contact=person,
        meeting=held,
        due_date=timezone.localdate() + dt.timedelta(days=7),
    )
    action_services.action_item_comment(action=action, text=f"Reminder to {EMAIL}", user=team)
    export = minutes_services.minutes_export_request(
        user=team, meetings=[held], export_format="zip", title="Round minutes"
    )
    minutes_services.minutes_export_build(export_id=export.pk)
    report = report_services.report_get_or_create(consultation_round=round_, language="en")
    job = report_services.report_generate(report=report, user=team)
    report_services.report_job_run(job_id=job.pk)

    # A coming session: invited (one e-mail sent, a reminder left pending by an outage),
    # with needs; she presents an item of the published, cached agenda.
    coming = RoundSessionFactory(title="Session Ghent", consultation_round=round_)
    invitation = InvitationFactory(meeting=coming, contact=person, status="drafted")
    waiting = InvitationFactory(
        meeting=coming, contact=colleague, status="waitlisted", waitlist_position=1
    )
    round_.capacity_per_session = 1
    round_.save(update_fields=["capacity_per_session"])
    invitation_services.invitations_send(meeting=coming)
    sent = OutboundMessage.objects.get(invitation=invitation, kind="invitation")
    outbox_deliver(message_id=sent.pk)
    invitation_services.invitation_answer(
        invitation=invitation,
        answer="accepted",
        comment=f"Call me on {PHONE}",
        accessibility_needs="Wheelchair access, hearing loop",
        needs_consent=True,
    )
    intake = AgendaItemFactory(meeting=coming, title="Intake", presenter=person)
    # Files attached to the agenda: a PDF and a Word document that name her, and a photo
    # whose file name does.
    for filename, content in (
        ("intake-slides.pdf", pdf_naming(NAME)),
        ("Intake form.docx", docx_naming(f"Contact: {NAME}, {EMAIL}")),
        (f"Photo {SURNAME}.png", png()),
    ):
        agenda_services.agenda_attachment_add(
            item=intake, upload=SimpleUploadedFile(filename, content), user=team
        )
    agenda_services.agenda_publish(meeting=coming)
    agenda_pdf_cached(meeting=coming)

    # A survey export naming her was uploaded for a check that waits for its confirmation.
    check = survey_import_job_create(
        upload=SimpleUploadedFile(
            "export.csv", f"Organisation;Name;E-mail\nCentre Horizon;{NAME};{EMAIL}\n".encode()
        ),
        filename="export.csv",
        user=team,
        dry_run=True,
        awaits_confirmation=True,
    )

    client = client_for(user)
    client.get(reverse("my-data"))
    LogEntry.objects.log_actions(
        user_id=team.pk, queryset=[person], action_flag=CHANGE, change_message=f"Phone {PHONE}"
    )
    now = timezone.now()
    Task.objects.create(
        id=uuid.uuid4().hex,
        name="note",
        func="meetings.tasks.outbox_sweep",
        args=(EMAIL,),
        started=now,
        stopped=now,
        success=True,
    )
    return SimpleNamespace(
        person=person, invitation=invitation, waiting=waiting, client=client, team=team, check=check
    )


def test_erasure_leaves_no_name_email_or_phone_in_any_table_or_file(client_for, media_root):
    held = rich_person(client_for)
    person, team = held.person, held.team
    before = everything_held(media_root)
    # The dump does find the person where they are held, files included.
    assert {
        "coordination.Contact",
        "meetings.MinutesNote",
        "meetings.OutboundMessage",
        "django_admin_log",
        "django_q.Task",
    } <= {key.split("#")[0].removeprefix("table ") for key in before}
    assert any(key.startswith("file exports/") for key in before)
    assert any(key.startswith("file reports/") for key in before)
    assert sum(key.startswith("file agenda/") for key in before) >= 2
    assert any(key.startswith("meetings.AgendaAttachment#") for key in before)
    assert any(key.startswith("file survey-imports/") for key in before)

    contact_erase(contact=person, by=team, door="page")

    assert everything_held(media_root) == {}
    pseudonym = ErasureRecord.objects.get(contact=person).pseudonym
    kept = AgendaAttachment.objects.get()
    assert kept.original_name == f"Photo {pseudonym}.png"
    assert kept.file.read() == png()
    assert sorted(p.name for p in (media_root / "agenda").rglob("*") if p.is_file()) == [
        Path(kept.file.name).name
    ]
    held.check.refresh_from_db()
    assert (held.check.upload.name, survey_import_job_is_pending(held.check)) == ("", False)
    coming = held.invitation.meeting
    assert _found(pypdf_text(agenda_pdf_cached(meeting=coming))) == []
    record = ErasureRecord.objects.get(contact=person)
    assert record.pseudonym == f"Participant {record.pk} (Centre Horizon)"
    assert (record.erased_by, record.door) == (team, "page")
    person.refresh_from_db()
    assert person.name == f"Participant {record.pk}"


def test_erasure_keeps_minutes_meaningful_under_a_stable_pseudonym(client_for, media_root):
    held = rich_person(client_for)
    person, team = held.person, held.team

    contact_erase(contact=person, by=team)

    pseudonym = ErasureRecord.objects.get().pseudonym
    note = person.attendances.get().meeting.minutes.get().notes.get()
    assert note.text == f"{pseudonym} explained the intake. Ms {pseudonym} agreed."
    decision = note.minutes.decisions.get()
    assert decision.text == f"{pseudonym} drafts the common form."
    comment = note.minutes.comments.get()
    assert (comment.text, comment.author.username) == (
        f"Please add my phone {pseudonym}.",
        f"participant-{ErasureRecord.objects.get().pk}",
    )
    # A report generated after the erasure prints the pseudonym.
    report = person.attendances.get().meeting.consultation_round.report
    job = report_services.report_generate(report=report, user=team)
    version = report_services.report_job_run(job_id=job.pk).result
    notes = [i["notes"] for t in version.snapshot["themes"] for i in t["items"] if i["notes"]]
    assert notes == [f"{pseudonym} explained the intake. Ms {pseudonym} agreed."]
    assert f"{pseudonym} explained the intake." in _flat(pypdf_text(version.pdf.read())).replace(
        _flat(pseudonym), pseudonym
    )


def test_erasure_cancels_pending_mail_and_scrubs_sent_mail(client_for, media_root, mailoutbox):
    held = rich_person(client_for)
    person, team = held.person, held.team
    sent_before = len(mailoutbox)

    contact_erase(contact=person, by=team)
    delivered = outbox_sweep(now=timezone.now() + dt.timedelta(days=1))

    rows = OutboundMessage.objects.filter(invitation__contact=person)
    assert {r.status for r in rows.exclude(sent_at=None)} == {"sent"}
    assert {r.status for r in rows.filter(sent_at=None)} == {"cancelled"}
    assert {(r.to_email, r.body_text, r.body_html, r.ical) for r in rows} == {
        (f"erased-contact-{person.pk}@erased.invalid", "", "", "")
    }
    assert [m.to for m in mailoutbox[sent_before:]] == [[held.waiting.contact.email]] * delivered


def test_erasure_withdraws_coming_invitations_and_revokes_rsvp_links(client_for, media_root):
    held = rich_person(client_for)
    person, team = held.person, held.team
    old_token = invitation_services.invitation_token(held.invitation)

    contact_erase(contact=person, by=team)

    held.invitation.refresh_from_db()
    held.waiting.refresh_from_db()
    assert (
        held.invitation.status,
        held.invitation.comment,
        held.invitation.accessibility_needs,
    ) == (
        "cancelled",
        "",
        "",
    )
    assert held.waiting.status == "sent"  # the seat went to the waitlist
    with pytest.raises(InvalidTokenError):
        invitation_services.invitation_from_token(old_token)


def test_erasure_ends_sessions_and_anonymises_the_log_in(client_for, media_root):
    held = rich_person(client_for)
    person, team = held.person, held.team
    user = person.user

    contact_erase(contact=person, by=team)

    user.refresh_from_db()
    assert Session.objects.count() == 0
    assert held.client.get(reverse("my-data")).status_code == 302
    assert (user.username, user.email, user.first_name, user.last_name, user.is_active) == (
        f"participant-{ErasureRecord.objects.get(contact=person).pk}",
        "",
        "",
        "",
        False,
    )
    assert user.has_usable_password() is False
    assert user.calendar_feed_active is False


def test_erasure_twice_is_refused():
    person = ContactFactory()
    contact_erase(contact=person)

    with pytest.raises(ValidationError):
        contact_erase(contact=person)

    assert ErasureRecord.objects.count() == 1


def test_survey_import_skips_an_erased_respondent_and_says_so():
    header = "ID,Completion time,Email,Name,1. Name of your organization,56. Co-creation?\r\n"
    data = (header + f"7,2022-11-03 10:00,{EMAIL.upper()},{NAME},Centre Horizon,Yes\r\n").encode()
    person = ContactFactory(name=NAME, email=EMAIL, organisation__name="Centre Horizon")
    ConsentFactory(contact=person)
    contact_erase(contact=person)

    report = survey_import(data=data, filename="again.csv", language="en")

    assert (report.created, report.rejected, report.erased_people_skipped) == (1, 0, [2])
    assert report.as_dict()["erased_people_skipped"] == [2]
    assert list(Contact.objects.values_list("name", flat=True)) == [
        f"Participant {ErasureRecord.objects.get(contact=person).pk}"
    ]
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0
    response = SurveyResponse.objects.get()
    assert (response.contact, response.metadata.get("name")) == (None, None)


def test_erasure_record_shows_the_team_what_was_erased(client_for, media_root):
    held = rich_person(client_for)
    person, team = held.person, held.team

    contact_erase(contact=person, by=team)

    summary = ErasureRecord.objects.get().summary
    assert summary == {
        "action_items_scrubbed": 2,  # the description and the comment
        "admin_log_entries_scrubbed": 1,
        "agenda_attachments_removed": 2,  # the PDF and the Word document that name her
        "agenda_attachments_renamed": 1,  # the photo
        "agenda_items_scrubbed": 0,
        "agenda_versions_scrubbed": 1,  # the published agenda's kept version names the presenter
        # django-auditlog: the contact, log-in, consents and membership, created and changed
        "change_history_entries_scrubbed": 10,
        "consents_withdrawn": 3,
        "delegation_requests_scrubbed": 0,
        # the minutes for comments (left pending), the notice of the agenda and the CANCEL
        "emails_cancelled": 3,
        "emails_scrubbed": 1,  # the invitation that went out
        "emails_to_others_scrubbed": 0,
        "invitations_erased": 2,
        "invitations_withdrawn": 1,
        "memberships_ended": 1,
        "minutes_comments_scrubbed": 1,
        "minutes_exports_deleted": 1,
        "minutes_texts_scrubbed": 2,  # the note and the decision
        "panel_draws_scrubbed": 0,
        "report_copies_rendered_again": 0,
        "report_sections_scrubbed": 0,
        "report_versions_rendered_again": 1,
        "sessions_ended": 1,
        "survey_import_files_deleted": 1,  # the export waiting for its confirmation
        "survey_import_jobs_scrubbed": 0,
        "survey_responses_scrubbed": 1,
        "task_records_deleted": 1,
        "time_proposals_scrubbed": 0,
    }
    export = MinutesExport.objects.get()
    assert (export.status, export.file.name) == ("failed", "")


def _references_to_people() -> set[str]:
    people = {Contact, User}
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue
            if isinstance(field, ForeignKey | OneToOneField | ManyToManyField) and (
                field.related_model in people
            ):
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_relation_to_a_contact_or_a_log_in_is_declared_for_the_erasure():
    """A new model (or field) pointing to a contact or a user fails here until the erasure
    says what becomes of it (``PERSONAL_DATA_REFERENCES``)."""
    assert _references_to_people() == set(PERSONAL_DATA_REFERENCES)


def test_erasure_renders_again_the_report_copies_sent_back_that_name_the_person(
    client_for, media_root
):
    held = rich_person(client_for)
    person, team = held.person, held.team
    session = person.attendances.get().meeting
    # Another organisation took part; it gave no consent to be named, so its copy of the
    # report is rendered for it alone (and prints the minutes that name the person).
    other = InvitationFactory(
        meeting=session,
        contact=ContactFactory(organisation=OrganisationFactory(name="Dune Desk")),
        status="accepted",
    )
    report = session.consultation_round.report
    draft = report_services.report_job_run(
        job_id=report_services.report_generate(report=report, user=team).pk
    ).result
    report_services.report_job_run(
        job_id=report_services.report_version_finalise(version=draft, user=team).pk
    )
    back = report_back_services.report_back_send(report=report, text="Thank you.", by=team)
    report_back_services.report_back_deliver(report_back_id=back.pk)
    copy = ReportBackDelivery.objects.get(contact=other.contact)
    assert _found(pypdf_text(copy.pdf.read())) == [NAME, SURNAME]

    contact_erase(contact=person, by=team)

    copy.refresh_from_db()
    pseudonym = ErasureRecord.objects.get().pseudonym
    text = _flat(pypdf_text(copy.pdf.read()))
    assert (_found(text), _flat(pseudonym) in text, "dune desk" in text) == ([], True, False)
    assert ErasureRecord.objects.get().summary["report_copies_rendered_again"] == 1
    assert everything_held(media_root) == {}
