"""The API of the joint round draw: feasibility, draw, redraw with a reason, explanation with
probabilities, alternates; bad input is a 400 with the standard error body, nothing written."""

import pytest
from rest_framework.test import APIClient

from meetings.models import Invitation, RoundDraw
from tests.factories import UserFactory
from tests.meetings.test_round_draws import bilingual_round, volunteers

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(facilitator):
    volunteers(12)
    consultation_round, french, dutch = bilingual_round(seats=2)
    consultation_round.facilitators.add(facilitator)
    client = APIClient()
    client.force_authenticate(facilitator)
    return client, consultation_round, french, dutch


def test_api_feasibility_names_the_failing_target(setup):
    client, consultation_round, _french, _dutch = setup

    response = client.post(
        f"/api/rounds/{consultation_round.pk}/draw-feasibility/",
        {"targets": [{"criterion": "kind", "value": "federal", "minimum": 1, "maximum": 2}]},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["feasible"] is False
    assert [(p["kind"], p["shortfall"], p["message"]) for p in body["problems"]] == [
        (
            "minimum",
            1,
            "kind “federal” in the whole round: the minimum of 1 cannot be met, "
            "1 organisation is missing.",
        )
    ]
    assert body["suggested_targets"] == [
        {"criterion": "kind", "value": "federal", "minimum": 0, "maximum": 2, "session": None}
    ]


def test_api_draws_redraws_with_a_reason_and_explains(setup):
    client, consultation_round, _french, _dutch = setup
    url = f"/api/rounds/{consultation_round.pk}/draws/"

    created = client.post(url, {"seed": 12, "seed_commitment": "hash abc"}, format="json")
    refused = client.post(url, {"seed": 13, "replaces": created.json()["id"]}, format="json")
    redrawn = client.post(
        url,
        {"seed": 13, "replaces": created.json()["id"], "reason": "A consent was withdrawn."},
        format="json",
    )
    listed = client.get(url)
    detail = client.get(f"{url}{created.json()['id']}/")

    assert created.status_code == 201
    assert created.json()["rerun"] == (
        f"python manage.py draw_panel {consultation_round.slug} --seed 12 --dry-run"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"code": "reason", "detail": "A redraw needs a written reason.", "attr": "reason"}
    ]
    assert redrawn.status_code == 201
    assert [(d["seed"], d["is_current"]) for d in listed.json()] == [(13, True), (12, False)]
    probabilities = [o["probability"] for o in detail.json()["explanation"]["organisations"]]
    assert sum(probabilities) == pytest.approx(4.0, abs=1e-3)
    assert RoundDraw.objects.count() == 2


def test_api_lists_alternates_and_invites_the_next_by_hand(setup):
    client, consultation_round, french, _dutch = setup
    client.post(f"/api/rounds/{consultation_round.pk}/draws/", {"seed": 3}, format="json")
    before = client.get(f"/api/rounds/{consultation_round.pk}/alternates/").json()

    invited = client.post(f"/api/meetings/{french.pk}/alternates/next/")
    after = client.get(f"/api/rounds/{consultation_round.pk}/alternates/").json()

    assert invited.status_code == 201
    # no targets: the first alternate keeps them all
    assert invited.json()["organisation_id"] == before[0]["alternates"][0]["organisation_id"]
    assert len(after[0]["alternates"]) == len(before[0]["alternates"]) - 1
    assert [r["why"] for r in after[0]["replacements"]] == ["by_hand"]
    assert Invitation.objects.filter(meeting=french, status="drafted").count() == 3


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"seed": "abc"}, "seed"),
        ({"seed": -1}, "seed"),
        ({"targets": [{"criterion": "kind", "value": "ngo", "minimum": 3, "maximum": 1}]}, None),
        ({"targets": [{"criterion": "colour", "value": "red", "minimum": 0, "maximum": 1}]}, None),
        ({"must_invite": [3, 15843774242087874560]}, "must_invite.1"),
        ({"replaces": 2**70}, "replaces"),
        (
            {
                "targets": [
                    {
                        "criterion": "kind",
                        "value": "ngo",
                        "minimum": 0,
                        "maximum": 1,
                        "session": 2**64,
                    }
                ]
            },
            "targets.0.session",
        ),
    ],
)
def test_api_draw_refuses_bad_input(setup, body, attr):
    client, consultation_round, _french, _dutch = setup

    response = client.post(f"/api/rounds/{consultation_round.pk}/draws/", body, format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    if attr:
        assert [e["attr"] for e in response.json()["errors"]] == [attr]
    assert RoundDraw.objects.count() == 0


def test_api_round_draw_is_for_the_round_facilitators(setup):
    _client, consultation_round, _french, _dutch = setup
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())

    response = stranger.get(f"/api/rounds/{consultation_round.pk}/draws/")

    assert response.status_code == 403


@pytest.mark.parametrize("path", ["draw-feasibility", "draws"])
def test_api_null_targets_in_the_list_are_a_400_and_draw_nothing(setup, path):
    client, consultation_round, _french, _dutch = setup

    response = client.post(
        f"/api/rounds/{consultation_round.pk}/{path}/",
        {"targets": [None, None], "must_invite": []},
        format="json",
    )

    assert response.status_code == 400
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [
        ("null", "targets.0"),
        ("null", "targets.1"),
    ]
    assert RoundDraw.objects.count() == 0
