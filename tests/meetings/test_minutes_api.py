"""The minutes endpoints and their workflow."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import Minutes
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
)
from tests.helpers import api
from tests.meetings.builders import invitee_of, leader_of

pytestmark = pytest.mark.django_db


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
    assert (second.status_code, second.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {"code": "invalid", "detail": "These minutes are already approved.", "attr": None}
            ],
        },
    )
    assert (participant.status_code, participant.json()["errors"][0]["code"]) == (
        403,
        "permission_denied",
    )
    assert Minutes.objects.get().status == "approved"


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

    assert (past.status_code, past.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "The deadline for comments must be in the future.",
                    "attr": "comments_due",
                }
            ],
        },
    )
    not_found = {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }
    # A draft is not visible to invitees at all.
    assert (by_invitee.status_code, by_invitee.json()) == (404, not_found)
    assert (on_draft.status_code, on_draft.json()) == (404, not_found)
    assert (foreign_item.status_code, foreign_item.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "This agenda item belongs to another meeting.",
                    "attr": "agenda_item",
                }
            ],
        },
    )
    assert (not_approved.status_code, not_approved.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "Only approved minutes need a correction; edit the draft instead.",
                    "attr": None,
                }
            ],
        },
    )
    assert minutes.comments.count() == 0
    assert Minutes.objects.count() == 1
