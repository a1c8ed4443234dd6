"""``manage.py draw_panel``: the dry run prints the recorded draw's panels, probabilities and
explanation; bad input is a clear error and writes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from coordination.panels import explanation_text
from meetings.models import RoundDraw
from meetings.services.panels import round_draw_record
from tests.meetings.test_round_draws import bilingual_round, volunteers


@pytest.mark.django_db
def test_dry_run_prints_the_recorded_draw():
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    draw = round_draw_record(consultation_round=consultation_round, seed=31)
    out = io.StringIO()

    call_command("draw_panel", consultation_round.slug, "--seed", "31", "--dry-run", stdout=out)

    printed = out.getvalue().strip()
    assert printed == explanation_text(draw.explanation).strip()
    assert RoundDraw.objects.count() == 1
    assert printed.splitlines()[:3] == [
        "Method: leximin",
        "Seed: 31",
        "Pool: 12 organisations, 12 eligible",
    ]


@pytest.mark.django_db
def test_command_records_a_draw_and_a_redraw_needs_a_reason():
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()

    call_command("draw_panel", str(consultation_round.pk), "--seed", "4", stdout=io.StringIO())
    with pytest.raises(CommandError) as error:
        call_command("draw_panel", str(consultation_round.pk), "--seed", "5")

    assert str(error.value) == "A redraw needs a written reason."
    assert list(RoundDraw.objects.values_list("seed", flat=True)) == [4]


@pytest.mark.django_db
def test_command_refuses_a_seed_that_is_not_a_number():
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()

    with pytest.raises(CommandError) as error:
        call_command("draw_panel", consultation_round.slug, "--seed", "abc", "--dry-run")

    assert str(error.value) == "Error: argument --seed: invalid int value: 'abc'"
    assert RoundDraw.objects.count() == 0
