"""The facilitator's round draw page: targets with defaults proportional to the pool,
feasibility before drawing, the draw and its explanation with probabilities, redraws with a
reason, permissions and bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Invitation, RoundDraw
from tests.factories import UserFactory
from tests.meetings.test_round_draws import bilingual_round, volunteers

pytestmark = pytest.mark.django_db


def page_data(page, **overrides):
    """The form as the page rendered it, with changes."""
    data = {
        "action": "draw",
        "seed": "",
        "seed_commitment": "",
        "reason": "",
        "exclude_declined_twice": "on",
        "replaces_draw": "",
    }
    formset = page.context["formset"]
    data.update({f"targets-{key}": value for key, value in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for name in ("criterion", "value", "scope", "minimum", "maximum"):
            value = form.initial.get(name, "")
            data[f"targets-{index}-{name}"] = "" if value is None else value
    data.update(overrides)
    return data


def test_round_draw_page_shows_default_targets_and_feasibility(facilitator, client_for):
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)

    page = client_for(facilitator).get(reverse("round-draw", args=[consultation_round.pk]))

    assert page.status_code == 200
    initial = [f.initial for f in page.context["formset"].forms if f.initial]
    # 6 seats; every organisation is federal and social: 6 → 5..6; ngo and local each half
    # of the pool: 3 seats → 2..4
    assert initial == [
        {"criterion": "area", "value": "federal", "scope": "", "minimum": 5, "maximum": 6},
        {"criterion": "domain", "value": "social", "scope": "", "minimum": 5, "maximum": 6},
        {"criterion": "kind", "value": "local", "scope": "", "minimum": 2, "maximum": 4},
        {"criterion": "kind", "value": "ngo", "scope": "", "minimum": 2, "maximum": 4},
    ]
    assert page.context["feasibility"].feasible is True
    assert page.context["eligible_count"] == 12


def test_round_draw_page_checks_targets_without_drawing(facilitator, client_for):
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    url = reverse("round-draw", args=[consultation_round.pk])
    page = client.get(url)

    checked = client.post(
        url, page_data(page, action="check", **{"targets-3-minimum": "5", "targets-3-maximum": "6"})
    )

    assert checked.status_code == 200
    assert checked.context["feasibility"].feasible is False
    assert checked.context["problems"] == [
        "kind “ngo” in the whole round: the minimum of 5 cannot be met, "
        "2 organisations are missing."
    ]
    assert checked.context["suggested"][3] == {
        "criterion": "kind",
        "value": "ngo",
        "scope": "",
        "minimum": 3,
        "maximum": 6,
    }
    assert RoundDraw.objects.count() == 0


def test_round_draw_page_draws_then_shows_the_explanation(facilitator, client_for):
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    url = reverse("round-draw", args=[consultation_round.pk])

    posted = client.post(
        url, page_data(client.get(url), seed="2026", seed_commitment="Lotto of 1 March")
    )
    page = client.get(url)

    draw = RoundDraw.objects.get()
    assert posted.status_code == 302
    assert (draw.seed, draw.seed_commitment, draw.created_by) == (
        2026,
        "Lotto of 1 March",
        facilitator,
    )
    assert len(page.context["rows"]) == 12
    assert sum(r["probability"] for r in page.context["rows"]) == pytest.approx(6, abs=1e-3)
    assert page.context["rerun"] == (
        f"python manage.py draw_panel {consultation_round.slug} --seed 2026 --dry-run"
    )
    assert Invitation.objects.filter(status="drafted").count() == 6


def test_round_draw_page_redraw_without_reason_is_refused(facilitator, client_for):
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    url = reverse("round-draw", args=[consultation_round.pk])
    client.post(url, page_data(client.get(url), seed="1"))
    page = client.get(url)

    refused = client.post(
        url, page_data(page, seed="2", replaces_draw=str(page.context["draw"].pk))
    )
    accepted = client.post(
        url,
        page_data(
            page, seed="2", replaces_draw=str(page.context["draw"].pk), reason="Late consent"
        ),
    )

    assert refused.status_code == 400
    assert refused.context["form"].errors == {"reason": ["A redraw needs a written reason."]}
    assert accepted.status_code == 302
    assert list(RoundDraw.objects.values_list("seed", "is_current", "reason")) == [
        (2, True, "Late consent"),
        (1, False, ""),
    ]


def test_round_draw_page_refuses_bad_input_with_a_message(facilitator, client_for):
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)
    client = client_for(facilitator)
    url = reverse("round-draw", args=[consultation_round.pk])
    page = client.get(url)

    bad_seed = client.post(url, page_data(page, seed="abc"))
    min_above_max = client.post(
        url, page_data(page, **{"targets-0-minimum": "4", "targets-0-maximum": "1"})
    )

    assert bad_seed.status_code == 400
    assert bad_seed.context["form"].errors == {"seed": ["Enter a whole number."]}
    assert min_above_max.status_code == 400
    assert min_above_max.context["formset"].forms[0].non_field_errors() == [
        "The minimum is above the maximum."
    ]
    assert RoundDraw.objects.count() == 0


def test_round_draw_page_is_for_the_round_facilitators(client_for):
    consultation_round, _french, _dutch = bilingual_round()

    response = client_for(UserFactory()).get(reverse("round-draw", args=[consultation_round.pk]))

    assert response.status_code == 403


def test_round_draw_page_sets_the_deadline_and_invites_the_next_alternate(facilitator, client_for):
    from meetings.services.panels import round_draw_record

    volunteers(12)
    consultation_round, french, _dutch = bilingual_round(seats=2)
    consultation_round.facilitators.add(facilitator)
    round_draw_record(consultation_round=consultation_round, seed=8)
    client = client_for(facilitator)
    url = reverse("round-draw", args=[consultation_round.pk])
    deadline = (french.starts_at - dt.timedelta(days=3)).astimezone(timezone.get_current_timezone())

    saved = client.post(
        url,
        {
            "action": "deadline",
            "session": french.pk,
            "answer_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    invited = client.post(url, {"action": "alternate", "session": french.pk}, follow=True)

    french.refresh_from_db()
    assert saved.status_code == 302
    assert french.answer_deadline == deadline.replace(second=0, microsecond=0)
    assert Invitation.objects.filter(meeting=french, status="drafted").count() == 3
    rows = invited.context["session_rows"]
    assert [r["why"] for r in rows[0]["replacements"]] == ["by_hand"]
