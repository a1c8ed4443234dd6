"""API of agendas, minutes and action items: permissions, bad input, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from meetings.models import ActionItem, AgendaItem, Minutes
from meetings.services import actions as action_services
from meetings.services import agendas
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def leader_of(meeting):
    user = UserFactory()
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=user), role="chair")
    return user


def invitee_of(meeting):
    user = UserFactory()
    InvitationFactory(meeting=meeting, contact=ContactFactory(user=user), status="accepted")
    return user


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
    assert refused.status_code == 403
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]


def test_api_agenda_item_negative_minutes_is_a_400_and_changes_nothing():
    item = AgendaItemFactory(planned_minutes=20)

    response = api(leader_of(item.meeting)).patch(
        f"/api/agenda-items/{item.pk}/", {"planned_minutes": -5}, format="json"
    )

    assert response.status_code == 400
    assert response.data["planned_minutes"] == ["Ensure this value is greater than or equal to 1."]
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
        f"/api/agendas/{item.meeting.pk}/from-template/",
        {"template": "working_group"},
        format="json",
    )

    assert response.status_code == 400
    assert response.data["detail"] == [
        "This agenda already has items: remove them first to start from a template."
    ]
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


def test_api_minutes_participant_sees_circulated_not_draft():
    meeting = MeetingFactory()
    minutes = minutes_services.minutes_start(meeting=meeting)
    client = api(invitee_of(meeting))

    draft = client.get("/api/minutes/", {"meeting": meeting.pk})
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=2)
    )
    circulated = client.get("/api/minutes/", {"meeting": meeting.pk})

    assert (draft.data["count"], circulated.data["count"]) == (0, 1)


def test_api_minutes_approve_twice_is_a_400():
    meeting = MeetingFactory()
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=2)
    )
    client = api(leader_of(meeting))

    first = client.post(f"/api/minutes/{minutes.pk}/approve/")
    second = client.post(f"/api/minutes/{minutes.pk}/approve/")
    participant = api(invitee_of(meeting)).post(f"/api/minutes/{minutes.pk}/approve/")

    assert (first.status_code, first.data["status"]) == (200, "approved")
    assert (second.status_code, second.data["detail"]) == (
        400,
        ["These minutes are already approved."],
    )
    assert participant.status_code == 403
    assert Minutes.objects.get().status == "approved"


def test_api_action_item_due_before_meeting_is_a_400():
    meeting = MeetingFactory()
    day = timezone.localtime(meeting.starts_at).date()

    response = api(leader_of(meeting)).post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "Late", "owner_contact": ContactFactory().pk,
         "due_date": (day - dt.timedelta(days=1)).isoformat()},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert list(response.data) == ["due_date"]
    assert ActionItem.objects.count() == 0


def test_api_action_item_status_by_owner_and_history():
    meeting = MeetingFactory()
    owner_user = UserFactory()
    owner = ContactFactory(user=owner_user)
    action = action_services.action_item_create(
        meeting=meeting, description="Do it", owner_contact=owner
    )
    client = api(owner_user)

    changed = client.post(f"/api/action-items/{action.pk}/status/", {"status": "done"})
    again = client.post(f"/api/action-items/{action.pk}/status/", {"status": "done"})
    history = client.get(f"/api/action-items/{action.pk}/history/")

    assert (changed.status_code, changed.data["status"]) == (200, "done")
    assert again.status_code == 400
    assert [e["kind"] for e in history.data] == ["created", "status"]


def test_api_action_items_of_other_meetings_are_invisible():
    action = action_services.action_item_create(
        meeting=MeetingFactory(), description="Secret", owner_contact=ContactFactory()
    )

    response = api(UserFactory()).get(f"/api/action-items/{action.pk}/")

    assert response.status_code == 404


def test_api_action_item_list_query_count_is_constant(team_user):
    client = api(team_user)

    def add(count):
        for _n in range(count):
            action_services.action_item_create(
                meeting=MeetingFactory(), description="x", owner_contact=ContactFactory()
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/action-items/").data["count"] == 1
    add(4)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/api/action-items/").data["count"] == 5

    assert len(one) == len(five)


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
        f"/api/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile("evil.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
        format="multipart",
    )
    accepted = client.post(
        f"/api/agenda-items/{item.pk}/attachments/",
        {"file": SimpleUploadedFile("ok.pdf", b"%PDF-1.4\n%%EOF\n")},
        format="multipart",
    )

    assert refused.status_code == 400
    assert (accepted.status_code, accepted.data["content_type"]) == (201, "application/pdf")
    assert list(AgendaAttachment.objects.values_list("original_name", flat=True)) == ["ok.pdf"]


def test_api_minutes_workflow_circulate_comment_approve_correct():
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, position=1)
    minutes = minutes_services.minutes_start(meeting=meeting)
    facilitator = api(leader_of(meeting))
    invitee = api(invitee_of(meeting))
    due = (timezone.now() + dt.timedelta(days=3)).isoformat()

    circulated = facilitator.post(
        f"/api/minutes/{minutes.pk}/circulate/", {"comments_due": due}, format="json"
    )
    comment = invitee.post(
        f"/api/minutes/{minutes.pk}/comment/",
        {"text": "Please add our figures.", "agenda_item": item.pk},
        format="json",
    )
    facilitator.post(f"/api/minutes/{minutes.pk}/approve/")
    correction = facilitator.post(
        f"/api/minutes/{minutes.pk}/correct/", {"reason": "Typo in a figure"}, format="json"
    )

    assert (circulated.status_code, circulated.data["status"]) == (200, "circulated")
    assert (comment.status_code, comment.data["text"], comment.data["agenda_item"]) == (
        201,
        "Please add our figures.",
        item.pk,
    )
    assert (correction.status_code, correction.data["version"]) == (201, 2)
    assert list(Minutes.objects.order_by("version").values_list("version", "status")) == [
        (1, "approved"),
        (2, "draft"),
    ]


def test_api_minutes_bad_input_changes_nothing():
    meeting = MeetingFactory()
    other_item = AgendaItemFactory(position=1)
    minutes = minutes_services.minutes_start(meeting=meeting)
    facilitator = api(leader_of(meeting))
    invitee = api(invitee_of(meeting))

    past = facilitator.post(
        f"/api/minutes/{minutes.pk}/circulate/",
        {"comments_due": (timezone.now() - dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    by_invitee = invitee.post(
        f"/api/minutes/{minutes.pk}/circulate/",
        {"comments_due": (timezone.now() + dt.timedelta(days=1)).isoformat()},
        format="json",
    )
    on_draft = invitee.post(f"/api/minutes/{minutes.pk}/comment/", {"text": "x"}, format="json")
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=2)
    )
    foreign_item = invitee.post(
        f"/api/minutes/{minutes.pk}/comment/",
        {"text": "x", "agenda_item": other_item.pk},
        format="json",
    )
    not_approved = facilitator.post(
        f"/api/minutes/{minutes.pk}/correct/", {"reason": "x"}, format="json"
    )

    assert (past.status_code, past.data) == (
        400,
        {"comments_due": ["The deadline for comments must be in the future."]},
    )
    assert by_invitee.status_code == 404  # a draft is not visible to invitees at all
    assert on_draft.status_code == 404
    assert foreign_item.status_code == 400
    assert not_approved.status_code == 400
    assert minutes.comments.count() == 0
    assert Minutes.objects.count() == 1
