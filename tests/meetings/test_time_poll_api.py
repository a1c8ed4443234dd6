"""API of time polls: facilitators open one, read the grid, remind and choose; bad input gets
a 400 and changes nothing; participants and strangers are kept out."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import OutboundMessage, TimePoll
from meetings.services import polls
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory, UserFactory
from tests.helpers import api

pytestmark = pytest.mark.django_db


def local(days: int, time: str) -> str:
    return f"{(timezone.localdate() + dt.timedelta(days=days)).isoformat()}T{time}"


def session_with_two_drafts():
    session = RoundSessionFactory()
    drafts = [InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED) for _ in range(2)]
    return session, drafts


def proposal(**overrides):
    return {
        "slots": [
            {"starts_at": local(10, "09:00"), "ends_at": local(10, "12:30")},
            {"starts_at": local(11, "13:30"), "ends_at": local(11, "17:00")},
        ],
        "deadline": local(5, "17:00"),
        **overrides,
    }


def test_a_facilitator_opens_a_poll_and_reads_its_grid(team_user):
    session, (first, second) = session_with_two_drafts()
    client = api(team_user)

    created = client.post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")
    poll = TimePoll.objects.get(meeting=session)
    slot_ids = list(poll.slots.values_list("pk", flat=True))
    polls.time_poll_answer(
        poll=poll, invitation=first, choices={slot_ids[0]: "yes", slot_ids[1]: "if_need_be"}
    )
    grid = client.get(f"/api/meetings/{session.pk}/poll/").json()

    assert created.status_code == 201
    assert [
        (
            s["yes"],
            s["if_need_be"],
            s["no"],
            timezone.localtime(dt.datetime.fromisoformat(s["starts_at"])).strftime("%H:%M"),
        )
        for s in grid["slots"]
    ] == [(1, 0, 0, "09:00"), (0, 1, 0, "13:30")]
    assert grid["not_answered"] == [second.pk]
    assert {r["invitation"]: r["answers"] for r in grid["rows"]} == {
        first.pk: ["yes", "if_need_be"],
        second.pk: ["", ""],
    }
    assert (grid["is_open"], grid["chosen_slot"]) == (True, None)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slots": []}, "slots"),
        ({"deadline": "next week"}, "deadline"),
        ({"slots": [{"starts_at": local(-3, "09:00"), "ends_at": local(-3, "12:00")}]}, "slots"),
        ({"slots": [{"starts_at": local(10, "09:00"), "ends_at": local(10, "18:00")}]}, "slots"),
    ],
)
def test_a_bad_proposal_gets_a_400_and_opens_nothing(team_user, overrides, field):
    session, _drafts = session_with_two_drafts()

    response = api(team_user).post(
        f"/api/meetings/{session.pk}/poll/", proposal(**overrides), format="json"
    )

    assert response.status_code == 400
    assert field in {error["attr"].split(".")[0] for error in response.json()["errors"]}
    assert (TimePoll.objects.count(), OutboundMessage.objects.count()) == (0, 0)


def test_choosing_through_the_api_schedules_and_sends(team_user):
    session, _drafts = session_with_two_drafts()
    client = api(team_user)
    client.post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")
    slot = TimePoll.objects.get().slots.last()

    chosen = client.post(f"/api/meetings/{session.pk}/poll/choose/", {"slot": slot.pk})
    again = client.post(f"/api/meetings/{session.pk}/poll/choose/", {"slot": slot.pk})

    assert chosen.status_code == 200
    assert dt.datetime.fromisoformat(chosen.json()["starts_at"]) == slot.starts_at
    assert OutboundMessage.objects.filter(kind=OutboxKind.INVITATION).count() == 2
    assert again.status_code == 400
    assert again.json()["errors"][0]["detail"] == "A slot was already chosen for this poll."


def test_a_reminder_through_the_api_goes_once_a_day(team_user):
    session, (first, _second) = session_with_two_drafts()
    client = api(team_user)
    client.post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")

    statuses = [
        client.post(
            f"/api/meetings/{session.pk}/poll/remind/", {"invitation": first.pk}
        ).status_code
        for _ in range(2)
    ]

    assert statuses == [202, 409]
    assert OutboundMessage.objects.filter(kind=OutboxKind.TIME_POLL_REMINDER).count() == 1


def test_participants_and_strangers_cannot_read_or_open_a_poll(team_user):
    session, _drafts = session_with_two_drafts()
    api(team_user).post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")
    participant = UserFactory()
    InvitationFactory(meeting=session, contact=ContactFactory(user=participant))
    stranger = UserFactory()

    codes = [
        api(participant).get(f"/api/meetings/{session.pk}/poll/").status_code,
        api(stranger).get(f"/api/meetings/{session.pk}/poll/").status_code,
        api(stranger)
        .post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")
        .status_code,
    ]

    assert codes == [403, 404, 404]


def test_sending_the_invitations_through_the_api_while_the_poll_is_open_is_a_400(team_user):
    session, _drafts = session_with_two_drafts()
    client = api(team_user)
    client.post(f"/api/meetings/{session.pk}/poll/", proposal(), format="json")
    written = OutboundMessage.objects.count()

    response = client.post(
        f"/api/meetings/{session.pk}/send-invitations/", {"without_agenda": True}, format="json"
    )

    assert response.status_code == 400
    assert [(e["code"], e["detail"]) for e in response.json()["errors"]] == [
        (
            "poll_open",
            "A time poll is open for this meeting: choose its slot, which sends the "
            "invitations at that time.",
        )
    ]
    assert set(session.invitations.values_list("status", flat=True)) == {InvitationStatus.DRAFTED}
    assert OutboundMessage.objects.count() == written
