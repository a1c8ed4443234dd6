"""Recording the joint draw of a round: one draw for all sessions, invitations and alternates
written, redraws with a reason keeping the earlier draw, nothing written when the targets cannot
be met, and two facilitators drawing at once."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from coordination.models import SurveyResponse
from coordination.panels import Target, round_draw
from coordination.selectors import needs_assessment_survey
from coordination.services import questionnaire_load
from meetings.models import Invitation, PanelDraw, RoundDraw
from meetings.selectors.panels import round_draw_preview, round_sessions, volunteer_pool_candidates
from meetings.services.invitations import invitations_send
from meetings.services.panels import round_draw_record
from tests.factories import (
    ConsentFactory,
    ConsultationRoundFactory,
    ContactFactory,
    OrganisationFactory,
    RoundSessionFactory,
    TeamUserFactory,
)

LANGUAGES = [["fr"], ["nl"], ["fr", "nl"]]


def volunteers(count: int):
    for index in range(count):
        organisation = OrganisationFactory(
            name=f"Volunteer {index:02d}",
            working_languages=LANGUAGES[index % 3],
            kind="ngo" if index % 2 else "local",
        )
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=organisation,
            form_language="fr",
            answers={"q56": "yes"},
        )
        ConsentFactory(contact=ContactFactory(organisation=organisation))


def bilingual_round(seats=3):
    consultation_round = ConsultationRoundFactory(capacity_per_session=seats)
    french = RoundSessionFactory(consultation_round=consultation_round, language="fr", title="FR")
    dutch = RoundSessionFactory(consultation_round=consultation_round, language="nl", title="NL")
    return consultation_round, french, dutch


def organisation_languages(meeting, status="drafted"):
    return [
        sorted(languages)
        for languages in Invitation.objects.filter(meeting=meeting, status=status)
        .order_by("contact__organisation__name")
        .values_list("contact__organisation__working_languages", flat=True)
    ]


@pytest.mark.django_db
def test_round_draw_records_every_session_with_matching_languages():
    volunteers(12)
    consultation_round, french, dutch = bilingual_round()
    user = TeamUserFactory()

    draw = round_draw_record(consultation_round=consultation_round, seed=5, user=user)

    consultation_round.refresh_from_db()
    assert consultation_round.status == "panel_drawn"
    assert (draw.seed, draw.method, draw.pool_size, draw.created_by) == (5, "leximin", 12, user)
    assert all("fr" in langs for langs in organisation_languages(french))
    assert all("nl" in langs for langs in organisation_languages(dutch))
    assert len(organisation_languages(french)) == 3
    assert len(organisation_languages(dutch)) == 3
    drafted = Invitation.objects.filter(
        meeting__consultation_round=consultation_round, status="drafted"
    ).values_list("contact__organisation_id", flat=True)
    assert len(set(drafted)) == 6
    assert PanelDraw.objects.filter(round_draw=draw, is_current=True).count() == 2
    probabilities = [o["probability"] for o in draw.explanation["organisations"]]
    assert sum(probabilities) == pytest.approx(6.0, abs=1e-4)
    assert min(probabilities) == pytest.approx(0.5, abs=1e-4)


@pytest.mark.django_db
def test_round_draw_is_the_pure_draw_with_the_same_seed():
    volunteers(12)
    consultation_round, french, dutch = bilingual_round()
    targets = [Target("kind", "ngo", 2, 4)]

    draw = round_draw_record(consultation_round=consultation_round, seed=77, targets=targets)
    pure = round_draw(
        volunteer_pool_candidates(),
        sessions=round_sessions(consultation_round),
        targets=targets,
        seed=77,
    )

    assert [s["panel"] for s in draw.explanation["sessions"]] == [
        [c.organisation_id for c in pure.panels[french.pk]],
        [c.organisation_id for c in pure.panels[dutch.pk]],
    ]
    assert draw.targets == [targets[0].to_json()]


@pytest.mark.django_db
def test_redraw_needs_a_reason_and_keeps_the_earlier_draw():
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    first = round_draw_record(consultation_round=consultation_round, seed=1)

    with pytest.raises(ValidationError) as error:
        round_draw_record(consultation_round=consultation_round, seed=2, replaces_draw_id=first.pk)
    assert error.value.message_dict == {"reason": ["A redraw needs a written reason."]}

    second = round_draw_record(
        consultation_round=consultation_round,
        seed=2,
        replaces_draw_id=first.pk,
        reason="An organisation asked to be left out.",
    )

    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.replaces) == (False, True, first)
    assert list(RoundDraw.objects.filter(consultation_round=consultation_round)) == [second, first]
    assert (
        Invitation.objects.filter(
            meeting__consultation_round=consultation_round, panel_draw__round_draw=first
        ).count()
        == 0
    )


@pytest.mark.django_db
def test_round_draw_writes_nothing_when_the_targets_cannot_be_met():
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round(seats=3)

    with pytest.raises(ValidationError) as error:
        round_draw_record(
            consultation_round=consultation_round,
            seed=1,
            targets=[Target("kind", "ngo", 5, 6)],
        )

    assert error.value.messages == [
        "kind “ngo” in the whole round: the minimum of 5 cannot be met, "
        "2 organisations are missing."
    ]
    assert RoundDraw.objects.count() == 0
    assert Invitation.objects.count() == 0


@pytest.mark.django_db
def test_round_draw_refuses_a_stale_draw_and_sent_invitations():
    volunteers(12)
    consultation_round, french, _dutch = bilingual_round()
    first = round_draw_record(consultation_round=consultation_round, seed=1)

    with pytest.raises(ValidationError) as error:
        round_draw_record(consultation_round=consultation_round, seed=2, reason="again")
    assert error.value.code == "stale"

    invitations_send(meeting=french)
    with pytest.raises(ValidationError) as error:
        round_draw_record(
            consultation_round=consultation_round, seed=2, reason="x", replaces_draw_id=first.pk
        )
    assert error.value.code == "round_status"  # sending moved the round on
    assert RoundDraw.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [-1, "12", 2**63, True])
def test_round_draw_refuses_a_seed_that_is_not_a_whole_number(seed):
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()

    with pytest.raises(ValidationError) as error:
        round_draw_record(consultation_round=consultation_round, seed=seed)

    assert list(error.value.message_dict) == ["seed"]
    assert RoundDraw.objects.count() == 0


@pytest.mark.django_db
def test_round_draw_refuses_a_session_without_language():
    volunteers(6)
    consultation_round, french, _dutch = bilingual_round()
    french.language = ""
    french.save(update_fields=["language"])

    with pytest.raises(ValidationError) as error:
        round_draw_record(consultation_round=consultation_round, seed=1)

    assert error.value.messages == ["The session “FR” has no language."]


@pytest.mark.django_db
def test_preview_writes_nothing_and_equals_the_recorded_draw():
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()

    preview = round_draw_preview(consultation_round=consultation_round, seed=9)
    assert RoundDraw.objects.count() == 0
    draw = round_draw_record(consultation_round=consultation_round, seed=9)

    assert preview.explanation() | {"seconds": 0} == draw.explanation | {"seconds": 0}


@pytest.mark.django_db
def test_database_keeps_one_current_draw_per_round():
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()
    draw = round_draw_record(consultation_round=consultation_round, seed=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        RoundDraw.objects.create(
            consultation_round=consultation_round, seed=2, method="leximin", pool_size=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundDraw.objects.create(
            consultation_round=consultation_round,
            seed=2,
            method="leximin",
            pool_size=1,
            is_current=False,
            replaces=draw,
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_facilitators_drawing_a_round_at_once_get_one_draw():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers itself)")
    questionnaire_load()
    volunteers(12)
    consultation_round, _french, _dutch = bilingual_round()
    barrier = threading.Barrier(2)
    outcomes = []

    def draw(seed):
        try:
            barrier.wait()
            round_draw_record(consultation_round=consultation_round, seed=seed)
            outcomes.append("drawn")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["drawn", "stale"]
    assert RoundDraw.objects.filter(consultation_round=consultation_round).count() == 1
    assert Invitation.objects.filter(status="drafted").count() == 6


@pytest.mark.django_db
def test_a_session_alone_cannot_be_redrawn_once_the_round_is_drawn():
    from meetings.services.panels import panel_draw_for_session

    volunteers(12)
    consultation_round, french, _dutch = bilingual_round()
    round_draw_record(consultation_round=consultation_round, seed=1)

    with pytest.raises(ValidationError) as error:
        panel_draw_for_session(meeting=french, seats=3, seed=2)

    assert error.value.code == "round_draw"
    assert PanelDraw.objects.filter(meeting=french, is_current=True).count() == 1
