"""Agenda pages: the editor, publication, attachments, the participants' agenda and its PDF."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import AgendaAttachment
from meetings.services import agendas
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    MeetingFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import messages_of
from tests.meetings.builders import invitee_of, leader_of
from tests.meetings.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db


def agenda_with(count: int):
    meeting = MeetingFactory()
    presenter = ContactFactory()
    for position in range(1, count + 1):
        item = AgendaItemFactory(meeting=meeting, position=position, presenter=presenter)
        agendas.agenda_attachment_add(
            item=item, upload=SimpleUploadedFile(f"{position}.pdf", b"%PDF-1.4\n%%EOF\n")
        )
    agendas.agenda_publish(meeting=meeting)
    return meeting


def test_agenda_edit_open_to_group_leader_and_team_only(client_for, team_user):
    meeting = MeetingFactory()
    leader, invitee, outsider = leader_of(meeting), invitee_of(meeting), UserFactory()
    url = reverse("agenda-edit", args=[meeting.pk])

    codes = [client_for(u).get(url).status_code for u in (leader, team_user, invitee, outsider)]

    assert codes == [200, 200, 403, 404]


def test_agenda_edit_round_facilitator_may_edit_a_session(client_for):
    session = RoundSessionFactory()
    user = UserFactory()
    session.consultation_round.facilitators.add(user)

    response = client_for(user).get(reverse("agenda-edit", args=[session.pk]))

    assert response.status_code == 200


def test_agenda_edit_add_item_with_negative_minutes_shows_the_error(client_for):
    meeting = MeetingFactory()
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-edit", args=[meeting.pk]),
        {"new-title": "Bad", "new-purpose": "discussion", "new-planned_minutes": "-5",
         "new-kind": "topic"},
    )  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors["planned_minutes"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert meeting.agenda_items.count() == 0


def test_agenda_move_buttons_reorder_without_javascript(client_for):
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, position=1, title="First")
    AgendaItemFactory(meeting=meeting, position=2, title="Second")
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-item-move", args=[meeting.pk, first.pk]), {"direction": "down"}
    )

    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second", "First"]


def test_agenda_reorder_endpoint_with_foreign_ids_changes_nothing(client_for):
    meeting = MeetingFactory()
    a = AgendaItemFactory(meeting=meeting, position=1, title="A")
    other = AgendaItemFactory(title="Elsewhere")
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-reorder", args=[meeting.pk]), {"order": f"{other.pk},{a.pk}"}, follow=True
    )

    assert messages_of(response) == [
        "The new order must list every item of this agenda exactly once."
    ]
    assert list(meeting.agenda_items.values_list("title", "position")) == [("A", 1)]


def test_agenda_template_and_publish_through_the_pages(client_for):
    meeting = MeetingFactory()
    client = client_for(leader_of(meeting))

    client.post(reverse("agenda-template", args=[meeting.pk]), {"template": "working_group"})
    response = client.post(reverse("agenda-publish", args=[meeting.pk]), follow=True)

    meeting.refresh_from_db()
    assert meeting.agenda_version == 1
    assert messages_of(response) == [
        "The agenda was created from the template.",
        "The agenda was published (version 1).",
    ]


def test_attachment_upload_of_an_executable_renamed_pdf_is_refused(client_for):
    item = AgendaItemFactory()
    client = client_for(leader_of(item.meeting))
    upload = SimpleUploadedFile("agenda.pdf", b"MZ\x90\x00" + b"\x00" * 100)

    response = client.post(
        reverse("agenda-attachment-add", args=[item.meeting.pk, item.pk]),
        {"file": upload},
        follow=True,
    )

    assert messages_of(response) == [
        "This file is not an accepted type. Accepted: PDF, DOCX, XLSX, PPTX and images (PNG, "
        "JPEG, GIF, WebP). The type is checked by the file's content, not its name."
    ]
    assert AgendaAttachment.objects.count() == 0


def test_attachment_download_only_for_those_who_see_the_agenda(client_for):
    item = AgendaItemFactory()
    agendas.agenda_attachment_add(
        item=item, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    agendas.agenda_publish(meeting=item.meeting)
    attachment = AgendaAttachment.objects.get()
    url = reverse("agenda-attachment", args=[item.meeting.pk, attachment.pk])

    invited = client_for(invitee_of(item.meeting)).get(url)
    outsider = client_for(UserFactory()).get(url)

    assert (invited.status_code, invited["Content-Type"]) == (200, "application/pdf")
    assert b"".join(invited.streaming_content).startswith(b"%PDF-1.4")
    assert outsider.status_code == 404


def test_agenda_page_hidden_from_invitees_until_published(client_for):
    item = AgendaItemFactory(title="Secret draft")
    client = client_for(invitee_of(item.meeting))
    url = reverse("agenda-page", args=[item.meeting.pk])

    before = client.get(url)
    agendas.agenda_publish(meeting=item.meeting)
    after = client.get(url)

    assert "Secret draft" not in before.content.decode()
    assert "Secret draft" in after.content.decode()
    assert client.get(reverse("agenda-pdf", args=[item.meeting.pk])).status_code == 200


def test_agenda_page_of_a_meeting_not_invited_to_is_not_found(client_for):
    item = AgendaItemFactory()
    agendas.agenda_publish(meeting=item.meeting)

    response = client_for(UserFactory()).get(reverse("agenda-page", args=[item.meeting.pk]))

    assert response.status_code == 404


def test_agenda_pdf_view_returns_a_readable_pdf(client_for, team_user):
    item = AgendaItemFactory(title="Budget 2027")

    response = client_for(team_user).get(reverse("agenda-pdf", args=[item.meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "Budget 2027" in pdf_text(response.content)


@pytest.mark.parametrize("url_name", ["agenda-page", "agenda-edit"])
def test_agenda_pages_query_count_is_constant(
    url_name, client_for, team_user, django_assert_max_num_queries
):
    small, large = agenda_with(1), agenda_with(5)
    client = client_for(team_user)
    client.get(reverse(url_name, args=[small.pk]))  # warm caches (session, content types)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse(url_name, args=[small.pk]))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse(url_name, args=[large.pk]))

    assert len(one) == len(five)


def test_agenda_item_edit_page_saves_questions_and_marks_published_agenda_changed(client_for):
    item = AgendaItemFactory(title="Old")
    agendas.agenda_publish(meeting=item.meeting)
    client = client_for(leader_of(item.meeting))
    from coordination.models import Question

    q49 = Question.objects.get(number=49)

    response = client.post(
        reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]),
        {"item-title": "New", "item-purpose": "decision", "item-planned_minutes": "25",
         "item-kind": "topic", "item-questions": [q49.pk]},
    )  # fmt: skip

    item.refresh_from_db()
    item.meeting.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.purpose, item.planned_minutes) == ("New", "decision", 25)
    assert list(item.questions.values_list("number", flat=True)) == [49]
    assert item.meeting.agenda_version == 2


def test_attachment_upload_through_the_page_and_admin_lists_it(client_for):
    import io

    from docx import Document

    item = AgendaItemFactory()
    buffer = io.BytesIO()
    Document().save(buffer)
    client = client_for(leader_of(item.meeting))

    client.post(
        reverse("agenda-attachment-add", args=[item.meeting.pk, item.pk]),
        {"file": SimpleUploadedFile("Briefing.docx", buffer.getvalue())},
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_page = client_for(admin).get("/admin/meetings/agendaattachment/")

    assert list(AgendaAttachment.objects.values_list("original_name", "size")) == [
        ("Briefing.docx", len(buffer.getvalue()))
    ]
    assert "Briefing.docx" in admin_page.content.decode()
