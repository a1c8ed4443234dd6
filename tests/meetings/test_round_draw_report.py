"""The consultation report's method section shows the round draw: method, seed and its
announcement, how to re-run it, and each organisation's selection probability (named only
with a consent to be named)."""

import pytest
from django.urls import reverse

from coordination import enums as c_enums
from meetings.selectors.reports import report_data
from meetings.services.panels import round_draw_record
from tests.factories import ConsentFactory
from tests.meetings.test_round_draws import bilingual_round, volunteers

pytestmark = pytest.mark.django_db


def test_report_method_section_shows_probabilities_and_how_to_re_run(facilitator, client_for):
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round(seats=1)
    consultation_round.facilitators.add(facilitator)
    draw = round_draw_record(
        consultation_round=consultation_round, seed=21, seed_commitment="Lotto, 1 March"
    )
    named = draw.explanation["organisations"][0]
    ConsentFactory(contact_id=named["contact_id"], purpose=c_enums.ConsentPurpose.NAMED_IN_REPORTS)

    data = report_data(consultation_round=consultation_round, language="en")["round_draw"]
    preview = client_for(facilitator).get(
        reverse("round-report-preview", kwargs={"round_pk": consultation_round.pk})
    )

    assert (data["method"], data["seed"], data["seed_commitment"]) == (
        "leximin",
        21,
        "Lotto, 1 March",
    )
    assert data["rerun"] == (
        f"python manage.py draw_panel {consultation_round.slug} --seed 21 --dry-run"
    )
    assert [r["name"] for r in data["probabilities"]] == [named["name"]] + [""] * 5
    assert sum(r["probability"] for r in data["probabilities"]) == pytest.approx(2.0, abs=1e-3)
    content = preview.content.decode()
    assert data["rerun"] in content
    assert content.count("Organisation not named (no consent to be named)") == 5
