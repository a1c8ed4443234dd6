"""The facilitator's panel page: draw, redraw, swap, permissions, bad input."""

import pytest
from django.urls import reverse

from meetings.models import PanelDraw
from tests.factories import MeetingFactory, RoundSessionFactory
from tests.meetings.test_panel_draws import volunteers

pytestmark = pytest.mark.django_db


def draw_data(**overrides):
    data = {
        "action": "draw",
        "seats": "3",
        "criteria": ["working_language"],
        "exclude_other_sessions": "on",
        "exclude_declined_twice": "on",
        "seed": "99",
        "replaces_draw": "",
    }
    data.update(overrides)
    return data


def test_panel_page_draws_then_shows_panel_and_balance(facilitator, client_for):
    volunteers(6)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)

    posted = client.post(reverse("panel-draw", args=[session.pk]), draw_data())
    page = client.get(reverse("panel-draw", args=[session.pk]))

    draw = PanelDraw.objects.get(meeting=session)
    assert posted.status_code == 302
    assert (draw.seed, len(draw.panel), draw.criteria) == (99, 3, ["working_language"])
    assert page.status_code == 200
    assert page.context["draw"] == draw
    assert [label for label, _rows in page.context["table"]] == ["Working language"]
    assert b"Swap for the next on the waitlist" in page.content
    assert session.invitations.filter(status="drafted").count() == 3


def test_panel_page_redraw_with_stale_form_is_refused(facilitator, client_for):
    volunteers(4)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    client.post(reverse("panel-draw", args=[session.pk]), draw_data())

    stale = client.post(reverse("panel-draw", args=[session.pk]), draw_data(seed="5"))

    assert stale.status_code == 400
    assert stale.context["form"].non_field_errors() == [
        "Someone else drew this panel meanwhile; reload the page and try again."
    ]
    assert PanelDraw.objects.filter(meeting=session).count() == 1


def test_panel_page_swap_moves_the_next_suitable_in(facilitator, client_for):
    volunteers(6)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    client.post(reverse("panel-draw", args=[session.pk]), draw_data())
    draw = PanelDraw.objects.get(meeting=session)
    leaving = draw.panel[0]

    response = client.post(
        reverse("panel-draw", args=[session.pk]),
        {"action": "swap", "draw": draw.pk, "organisation": leaving["organisation_id"]},
    )

    draw.refresh_from_db()
    assert response.status_code == 302
    assert leaving not in draw.panel
    assert len(draw.panel) == 3
    assert len(draw.explanation["swaps"]) == 1


def test_panel_page_bad_input_is_reported(team_user, client_for):
    session = RoundSessionFactory()

    response = client_for(team_user).post(
        reverse("panel-draw", args=[session.pk]), draw_data(seats="0", criteria=["colour"])
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"seats", "criteria"}
    assert PanelDraw.objects.count() == 0


def test_panel_page_permissions(facilitator, participant, client_for):
    session = RoundSessionFactory()

    other_facilitator = client_for(facilitator).get(reverse("panel-draw", args=[session.pk]))
    participant_response = client_for(participant).get(reverse("panel-draw", args=[session.pk]))

    assert other_facilitator.status_code == 404  # not their round: not even visible
    assert participant_response.status_code == 404


def test_panel_page_only_for_round_sessions(team_user, client_for):
    response = client_for(team_user).get(reverse("panel-draw", args=[MeetingFactory().pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("seats", [1, 5])
def test_panel_page_runs_constant_queries(seats, team_user, client_for, django_assert_num_queries):
    volunteers(10)
    session = RoundSessionFactory()
    client = client_for(team_user)
    client.post(reverse("panel-draw", args=[session.pk]), draw_data(seats=str(seats)))
    client.get(reverse("panel-draw", args=[session.pk]))

    with django_assert_num_queries(6):  # the pool is never listed
        response = client.get(reverse("panel-draw", args=[session.pk]))

    assert len(response.context["panel_rows"]) == seats


def test_round_page_links_each_session_to_its_panel(facilitator, client_for):
    session = RoundSessionFactory(title="Session NL")
    session.consultation_round.facilitators.add(facilitator)

    # The page's URL name "round-detail" is shadowed by the API router's: use the path.
    response = client_for(facilitator).get(f"/rounds/{session.consultation_round_id}/")

    assert reverse("panel-draw", args=[session.pk]).encode() in response.content


def test_panel_page_names_must_invite_organisations_instead_of_listing_the_pool(
    facilitator, client_for
):
    volunteers(6)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)

    empty = client.get(reverse("panel-draw", args=[session.pk]))
    posted = client.post(
        reverse("panel-draw", args=[session.pk]),
        draw_data(seats="2", must_invite="volunteer 04\n  Volunteer   01 \n"),
    )
    again = client.get(reverse("panel-draw", args=[session.pk]))

    draw = PanelDraw.objects.get(meeting=session)
    placed = [e["name"] for e in draw.panel]
    assert b"Volunteer 0" not in empty.content
    assert posted.status_code == 302
    assert sorted(placed) == ["Volunteer 01", "Volunteer 04"]
    assert again.context["form"].initial["must_invite"] == "Volunteer 04\nVolunteer 01"


def test_panel_page_refuses_must_invite_names_outside_the_pool(facilitator, client_for):
    volunteers(3)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)

    response = client_for(facilitator).post(
        reverse("panel-draw", args=[session.pk]),
        draw_data(must_invite="Volunteer 01\nNobody Inc."),
    )

    assert response.status_code == 400
    assert response.context["form"].errors["must_invite"] == [
        "Not in the volunteer pool: Nobody Inc."
    ]
    assert PanelDraw.objects.filter(meeting=session).count() == 0
