"""The agenda endpoints: items, time plan, templates, publication, attachments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import AgendaItem
from meetings.services import agendas
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
)
from tests.helpers import api
from tests.meetings.builders import invitee_of, leader_of

pytestmark = pytest.mark.django_db


def test_api_agenda_item_create_by_leader_and_refused_to_invitee():
    meeting = MeetingFactory()

    created = api(leader_of(meeting)).post(
        "/api/agenda-items/",
        {"meeting": meeting.pk, "title": "Welcome", "planned_minutes": 10, "questions": [49]},
        format="json",
    )
    refused = api(invitee_of(meeting)).post(
        "/api/agenda-items/", {"meeting": meeting.pk, "title": "Mine"}, format="json"
    )

    assert created.status_code == 201
    assert (created.data["position"], created.data["questions"]) == (1, [49])
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (403, "permission_denied")
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]


def test_api_agenda_item_negative_minutes_is_a_400_and_changes_nothing():
    item = AgendaItemFactory(planned_minutes=20)

    response = api(leader_of(item.meeting)).patch(
        f"/api/agenda-items/{item.pk}/", {"planned_minutes": -5}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "min_value",
                    "detail": "Ensure this value is greater than or equal to 1.",
                    "attr": "planned_minutes",
                }
            ],
        },
    )
    assert AgendaItem.objects.get(pk=item.pk).planned_minutes == 20


def test_api_agenda_items_of_unpublished_agenda_hidden_from_invitees():
    item = AgendaItemFactory()
    client = api(invitee_of(item.meeting))

    before = client.get("/api/agenda-items/", {"meeting": item.meeting.pk})
    agendas.agenda_publish(meeting=item.meeting)
    after = client.get("/api/agenda-items/", {"meeting": item.meeting.pk})

    assert (before.data["count"], after.data["count"]) == (0, 1)


def test_api_agenda_time_plan_reports_overrun():
    meeting = MeetingFactory()  # 120 minutes
    AgendaItemFactory(meeting=meeting, position=1, planned_minutes=100)
    AgendaItemFactory(meeting=meeting, position=2, planned_minutes=30)

    response = api(leader_of(meeting)).get(f"/api/agendas/{meeting.pk}/")

    assert response.status_code == 200
    assert (response.data["total_minutes"], response.data["overruns_slot"]) == (130, True)
    assert len(response.data["time_plan"]) == 2


def test_api_agenda_template_on_non_empty_agenda_is_a_400():
    item = AgendaItemFactory()

    response = api(leader_of(item.meeting)).post(
        f"/api/agendas/{item.meeting.pk}/apply-template/",
        {"template": "working_group"},
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "This agenda already has items: remove them first to start "
                    "from a template.",
                    "attr": None,
                }
            ],
        },
    )
    assert AgendaItem.objects.count() == 1


def test_api_agenda_publish_and_move():
    meeting = MeetingFactory()
    a = AgendaItemFactory(meeting=meeting, position=1, title="A")
    AgendaItemFactory(meeting=meeting, position=2, title="B")
    client = api(leader_of(meeting))

    client.post(f"/api/agenda-items/{a.pk}/move/", {"direction": "down"}, format="json")
    published = client.post(f"/api/agendas/{meeting.pk}/publish/")

    assert published.data["version"] == 1
    assert [i["title"] for i in published.data["items"]] == ["B", "A"]


def test_api_agenda_item_list_query_count_is_constant(team_user):
    client = api(team_user)
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, position=1).questions.set([])

    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/agenda-items/").data["count"] == 1
    for position in range(2, 6):
        AgendaItemFactory(meeting=meeting, position=position)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/api/agenda-items/").data["count"] == 5

    assert len(one) == len(five)


def test_api_attachment_upload_checks_the_content():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings.models import AgendaAttachment

    item = AgendaItemFactory()
    client = api(leader_of(item.meeting))

    refused = client.post(
        f"/api/agenda-items/{item.pk}/add-attachment/",
        {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
        format="multipart",
    )
    accepted = client.post(
        f"/api/agenda-items/{item.pk}/add-attachment/",
        {"file": SimpleUploadedFile("ok.pdf", b"%PDF-1.4\n%%EOF\n")},
        format="multipart",
    )

    assert (refused.status_code, refused.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "type",
                    "detail": "This file is not an accepted type. Accepted: PDF, DOCX, XLSX, "
                    "PPTX and images (PNG, JPEG, GIF, WebP). The type is checked by the "
                    "file's content, not its name.",
                    "attr": None,
                }
            ],
        },
    )
    assert (accepted.status_code, accepted.data["content_type"]) == (201, "application/pdf")
    assert list(AgendaAttachment.objects.values_list("original_name", flat=True)) == ["ok.pdf"]
