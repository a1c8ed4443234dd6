"""Browser journeys: import a survey export (check, then confirm), then draw a
session's panel and swap one organisation."""

import os
from pathlib import Path

import pytest

from coordination.models import SurveyResponse
from coordination.services import questionnaire_load
from meetings.models import PanelDraw
from tests.factories import RoundSessionFactory, TeamUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_team_imports_an_export_then_draws_and_adjusts_a_panel(page, login):
    questionnaire_load()  # a transactional test before this one may have flushed it
    user = TeamUserFactory(username="team-e2e")
    session = RoundSessionFactory(title="Session FR: data sharing")
    login(user)

    page.goto("/survey/import/")
    page.set_input_files("#id_file", str(EXPORTS / "msforms_nl.xlsx"))
    page.click("button[value=check]")
    shot(page, "import-check")
    assert page.locator(".count-created").inner_text() == "2"
    assert SurveyResponse.objects.count() == 0
    page.click("button[value=confirm]")
    assert page.locator(".import-report .success-box").inner_text() == (
        "Imported: 2 created, 0 updated, 0 unchanged, 0 rejected."
    )
    assert SurveyResponse.objects.count() == 2

    page.goto("/pool/")
    shot(page, "pool")
    assert page.locator("table.pool tbody tr td:first-child").all_inner_texts() == [
        "Stad Voorbeeld – OCMW"
    ]
    assert page.locator("ul.without-contact li a:first-child").all_inner_texts() == []

    page.goto(f"/meetings/{session.pk}/panel/")
    page.fill("#id_seats", "1")
    page.fill("#id_seed", "7")
    page.click("button[value=draw]")
    shot(page, "panel")
    assert page.locator("table.panel tbody td:first-child").all_inner_texts() == [
        "Stad Voorbeeld – OCMW"
    ]
    draw = PanelDraw.objects.get(meeting=session)
    assert draw.seed == 7

    page.goto("/survey/results/56/")
    shot(page, "results-q56")
    assert page.locator("p.base").inner_text() == "Base: n = 2 (of 2 responses)"
