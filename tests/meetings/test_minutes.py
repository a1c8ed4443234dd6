import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import enums
from meetings.formats.documents import minutes_bundle, minutes_docx, minutes_markdown, minutes_pdf
from meetings.formats.markdown import render_markdown
from meetings.models import Attendance, Decision, Minutes, MinutesComment, MinutesNote
from meetings.selectors.minutes import minutes_document
from meetings.services import actions as action_services
from meetings.services import minutes as services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)
from tests.meetings.pdf_helpers import assert_pdf_page_not_blank, pdf_page_count, pdf_text

pytestmark = pytest.mark.django_db


def tomorrow():
    return timezone.now() + dt.timedelta(days=1)


def written_minutes(meeting=None):
    meeting = meeting or MeetingFactory(title="Housing group, March")
    item = AgendaItemFactory(meeting=meeting, position=1, title="Data sharing")
    minutes = services.minutes_start(meeting=meeting)
    services.minutes_note_set(minutes=minutes, agenda_item=item, text="We **agreed** to share.")
    services.decision_add(minutes=minutes, agenda_item=item, text="Share monthly figures.")
    return minutes, item


def test_minutes_start_is_idempotent():
    meeting = MeetingFactory()

    first = services.minutes_start(meeting=meeting)
    second = services.minutes_start(meeting=meeting)

    assert (first.pk, first.version, first.status) == (second.pk, 1, "draft")


def test_minutes_workflow_draft_circulated_approved():
    minutes, _item = written_minutes()
    facilitator = UserFactory()

    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    approved = services.minutes_approve(minutes=minutes, user=facilitator)

    assert (approved.status, approved.approved_by) == ("approved", facilitator)
    assert approved.approved_at is not None


def test_minutes_approve_twice_is_refused_and_changes_nothing():
    minutes, _item = written_minutes()
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    first_user, second_user = UserFactory(), UserFactory()
    services.minutes_approve(minutes=minutes, user=first_user)

    with pytest.raises(ValidationError) as error:
        services.minutes_approve(minutes=minutes, user=second_user)

    minutes.refresh_from_db()
    assert error.value.messages == ["These minutes are already approved."]
    assert minutes.approved_by == first_user


def test_minutes_approve_a_draft_is_refused():
    minutes, _item = written_minutes()

    with pytest.raises(ValidationError):
        services.minutes_approve(minutes=minutes, user=UserFactory())

    assert Minutes.objects.get(pk=minutes.pk).status == "draft"


def test_minutes_edit_after_approval_is_refused_and_changes_nothing():
    minutes, item = written_minutes()
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    services.minutes_approve(minutes=minutes, user=UserFactory())
    contact = ContactFactory()

    with pytest.raises(ValidationError):
        services.minutes_note_set(minutes=minutes, agenda_item=item, text="Rewritten")
    with pytest.raises(ValidationError):
        services.decision_add(minutes=minutes, text="Sneaked in")
    with pytest.raises(ValidationError):
        services.minutes_attendance_set(meeting=minutes.meeting, statuses={contact: "present"})

    assert MinutesNote.objects.get().text == "We **agreed** to share."
    assert Decision.objects.count() == 1
    assert Attendance.objects.count() == 0


def test_minutes_correct_creates_a_new_version_with_who_and_why():
    minutes, item = written_minutes()
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    services.minutes_approve(minutes=minutes, user=UserFactory())
    editor = UserFactory(username="corrector")

    correction = services.minutes_correct(minutes=minutes, user=editor, reason="Wrong figure")
    services.minutes_note_set(minutes=correction, agenda_item=item, text="Corrected text")

    assert (correction.version, correction.status, correction.created_by) == (2, "draft", editor)
    assert correction.correction_reason == "Wrong figure"
    assert MinutesNote.objects.get(minutes=minutes).text == "We **agreed** to share."
    assert MinutesNote.objects.get(minutes=correction).text == "Corrected text"
    assert list(correction.decisions.values_list("text", flat=True)) == ["Share monthly figures."]


def test_minutes_correct_without_reason_is_refused():
    minutes, _item = written_minutes()
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    services.minutes_approve(minutes=minutes, user=UserFactory())

    with pytest.raises(ValidationError):
        services.minutes_correct(minutes=minutes, user=UserFactory(), reason="  ")

    assert Minutes.objects.count() == 1


def test_minutes_comment_only_while_circulated_and_before_the_deadline():
    minutes, item = written_minutes()
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.minutes_comment_add(minutes=minutes, user=user, text="Too early")
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())

    services.minutes_comment_add(minutes=minutes, user=user, text="Typo", agenda_item=item)
    Minutes.objects.filter(pk=minutes.pk).update(comments_due=timezone.now() - dt.timedelta(1))
    minutes.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.minutes_comment_add(minutes=minutes, user=user, text="Too late")

    assert error.value.messages == ["The deadline for comments has passed."]
    assert list(MinutesComment.objects.values_list("text", "agenda_item")) == [("Typo", item.pk)]


def test_minutes_circulate_with_a_past_deadline_is_refused():
    minutes, _item = written_minutes()

    with pytest.raises(ValidationError):
        services.minutes_circulate(
            minutes=minutes, comments_due=timezone.now() - dt.timedelta(hours=1)
        )

    assert Minutes.objects.get(pk=minutes.pk).status == "draft"


def test_minutes_approve_at_the_next_meeting_records_that_meeting():
    minutes, _item = written_minutes()
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    later = MeetingFactory(
        working_group=minutes.meeting.working_group,
        starts_at=minutes.meeting.starts_at + dt.timedelta(days=30),
        ends_at=minutes.meeting.ends_at + dt.timedelta(days=30),
    )

    services.minutes_approve(minutes=minutes, user=UserFactory(), at_meeting=later)

    assert Minutes.objects.get(pk=minutes.pk).approved_at_meeting == later


def test_render_markdown_strips_script_and_raw_html():
    html = render_markdown(
        "**ok** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
    )

    assert html == (
        "<p><strong>ok</strong> &lt;script&gt;alert(1)&lt;/script&gt; "
        '&lt;img src=x onerror=alert(1)&gt; <a rel="noopener noreferrer nofollow">x</a></p>'
    )


# --- Exports ------------------------------------------------------------------------------------


def full_minutes():
    meeting = MeetingFactory(title="Housing group, March", location="Rue de la Loi 16")
    minutes, item = written_minutes(meeting)
    present = InvitationFactory(meeting=meeting, contact__name="Ana Present").contact
    excused = InvitationFactory(meeting=meeting, contact__name="Bo Excused").contact
    services.minutes_attendance_set(
        meeting=meeting, statuses={present: "present", excused: "excused"}
    )
    action_services.action_item_create(
        meeting=meeting,
        description="=HYPERLINK(evil) send the figures",
        owner_contact=present,
        due_date=timezone.localdate() + dt.timedelta(days=30),
        agenda_item=item,
    )
    services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    services.minutes_approve(minutes=minutes, user=UserFactory(username="chair"))
    minutes.refresh_from_db()
    return minutes


def test_minutes_pdf_reads_back_with_attendance_items_decisions_actions_and_status():
    minutes = full_minutes()

    pdf = minutes_pdf(documents=[minutes_document(minutes=minutes)])

    text = pdf_text(pdf)
    for expected in [
        "Minutes: Housing group, March",
        "Rue de la Loi 16",
        "Ana Present",
        "Bo Excused",
        "Excused",
        "Data sharing",
        "We agreed to share.",
        "Share monthly figures.",
        "=HYPERLINK(evil) send the figures",
        "Version 1 – Approved",
        "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert_pdf_page_not_blank(pdf)


def test_minutes_docx_has_headings_and_tables():
    from docx import Document

    minutes = full_minutes()

    document = Document(io.BytesIO(minutes_docx(doc=minutes_document(minutes=minutes))))

    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        "Minutes: Housing group, March",
        "Attendance",
        "Items",
        "1. Data sharing",
        "Action items",
    ]
    org = {
        i.contact.name: str(i.contact.organisation)
        for i in minutes.meeting.invitations.select_related("contact__organisation")
    }
    attendance = document.tables[1]
    assert [[c.text for c in row.cells] for row in attendance.rows][1:] == [
        ["Ana Present", org["Ana Present"], "Present"],
        ["Bo Excused", org["Bo Excused"], "Excused"],
    ]
    due = timezone.localdate() + dt.timedelta(days=30)
    assert [c.text for c in document.tables[2].rows[1].cells][1:] == [
        "=HYPERLINK(evil) send the figures",
        f"Ana Present, {org['Ana Present']}",
        f"{due.day} {due:%B %Y}",  # British English, as the English format module writes it
        "Open",
    ]
    assert document.sections[0].footer.paragraphs[0].text == "Minutes version 1 – Approved"


def test_minutes_markdown_lists_items_decisions_and_actions():
    minutes = full_minutes()

    text = minutes_markdown(doc=minutes_document(minutes=minutes))

    assert text.startswith("# Minutes: Housing group, March\n")
    assert (
        "### 1. Data sharing\n\nWe **agreed** to share.\n\n> **Decision:** Share monthly figures."
        in text
    )
    assert "| Ana Present |" in text


def test_minutes_bundle_zip_and_pdf_cover_every_meeting():
    first = full_minutes()
    second = full_minutes()

    documents = [minutes_document(minutes=first), minutes_document(minutes=second)]
    archive = zipfile.ZipFile(
        io.BytesIO(minutes_bundle(documents=documents, export_format="zip", title="Y"))
    )
    pdf = minutes_bundle(documents=documents, export_format="pdf", title="Year")

    assert len(archive.namelist()) == 6
    assert sorted({name.rsplit(".", 1)[1] for name in archive.namelist()}) == ["docx", "md", "pdf"]
    assert pdf_page_count(pdf) >= 2
    assert pdf_text(pdf).count("Minutes: Housing group, March") == 2


def test_minutes_export_task_builds_the_file(django_capture_on_commit_callbacks):
    from meetings.models import MinutesExport
    from meetings.services.minutes import minutes_export_request

    minutes = full_minutes()
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        export = minutes_export_request(
            user=user, meetings=[minutes.meeting], export_format="pdf", title="Housing 2026"
        )

    export = MinutesExport.objects.get(pk=export.pk)
    assert export.status == enums.ExportStatus.READY
    with export.file.open("rb") as handle:
        assert "Minutes: Housing group, March" in pdf_text(handle.read())


def test_minutes_circulation_emails_present_attendees_once(django_capture_on_commit_callbacks):
    from django.core import mail

    from meetings.services.minutes import minutes_circulation_send

    meeting = MeetingFactory(title="Housing group, May")
    minutes = services.minutes_start(meeting=meeting)
    present = InvitationFactory(meeting=meeting, contact__email="ana@example.org").contact
    excused = InvitationFactory(meeting=meeting).contact
    services.minutes_attendance_set(
        meeting=meeting, statuses={present: "present", excused: "excused"}
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_circulate(minutes=minutes, comments_due=tomorrow())
    again = minutes_circulation_send(minutes_id=minutes.pk)

    assert again == 0
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "Minutes for your comments: Housing group, May"
    assert f"/meetings/{meeting.pk}/minutes/" in mail.outbox[0].body


def test_approved_minutes_are_locked_in_the_admin_too(client_for):
    from django.urls import reverse

    from tests import factories
    from tests.factories import TeamUserFactory

    team = TeamUserFactory(username="admin-user", is_superuser=True)
    minutes = factories.MinutesFactory(status="approved", approved_at=timezone.now())
    client = client_for(team)
    url = reverse("admin:meetings_minutes_change", args=[minutes.pk])

    page = client.get(url)
    post = client.post(url, {"status": "draft", "version": 1, "meeting": minutes.meeting_id})

    minutes.refresh_from_db()
    assert page.status_code == 200  # viewable, read-only
    assert b'name="status"' not in page.content
    assert post.status_code == 403
    assert minutes.status == "approved"
