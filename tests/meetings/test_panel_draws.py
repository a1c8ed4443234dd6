"""Drawing a round session's panel: recorded draws, drafted and waitlisted invitations,
redraws, swaps, exclusions, and two facilitators drawing at once."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from coordination.models import SurveyResponse
from coordination.selectors import needs_assessment_survey
from coordination.services import consent_withdraw, questionnaire_load
from meetings.models import Invitation, PanelDraw
from meetings.services.invitations import invitations_send
from meetings.services.panels import panel_draw_for_session, panel_swap
from tests.factories import (
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundSessionFactory,
)


def volunteers(count: int, languages=("fr", "nl")):
    contacts = []
    for index in range(count):
        organisation = OrganisationFactory(
            name=f"Volunteer {index:02d}", working_languages=[languages[index % len(languages)]]
        )
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=organisation,
            form_language="fr",
            answers={"q56": "yes"},
        )
        contact = ContactFactory(organisation=organisation)
        ConsentFactory(contact=contact)
        contacts.append(contact)
    return contacts


def statuses(meeting):
    return list(
        meeting.invitations.order_by("status", "waitlist_position").values_list(
            "status", "waitlist_position"
        )
    )


@pytest.mark.django_db
def test_draw_records_panel_and_creates_drafted_and_waitlisted_invitations():
    volunteers(10)
    session = RoundSessionFactory()

    draw = panel_draw_for_session(meeting=session, seats=4, criteria=["working_language"], seed=42)

    session.consultation_round.refresh_from_db()
    assert (draw.seats, draw.seed, draw.pool_size, draw.is_current) == (4, 42, 10, True)
    assert len(draw.panel) == 4
    assert len(draw.waitlist) == 6
    assert statuses(session) == [("drafted", None)] * 4 + [
        ("waitlisted", 1),
        ("waitlisted", 2),
        ("waitlisted", 3),
        ("waitlisted", 4),
    ]
    assert sorted(e["stratum"] for e in draw.panel) == [["fr"], ["fr"], ["nl"], ["nl"]]
    assert session.consultation_round.status == "panel_drawn"
    assert draw.explanation["table"]["working_language"] == [
        {"value": "fr", "pool": 5, "pool_share": 0.5, "panel": 2, "panel_share": 0.5},
        {"value": "nl", "pool": 5, "pool_share": 0.5, "panel": 2, "panel_share": 0.5},
    ]


@pytest.mark.django_db
def test_draw_same_seed_same_panel_and_redraw_keeps_earlier_draw():
    volunteers(12)
    session = RoundSessionFactory()
    first = panel_draw_for_session(meeting=session, seats=5, seed=7)

    second = panel_draw_for_session(meeting=session, seats=5, seed=7, replaces_draw_id=first.pk)

    first.refresh_from_db()
    assert second.panel == first.panel
    assert (first.is_current, second.is_current) == (False, True)
    assert PanelDraw.objects.filter(meeting=session).count() == 2
    assert set(session.invitations.values_list("panel_draw_id", flat=True)) == {second.pk}
    assert session.invitations.count() == 10


@pytest.mark.django_db
def test_draw_refuses_a_stale_redraw_and_writes_nothing():
    volunteers(3)
    session = RoundSessionFactory()
    panel_draw_for_session(meeting=session, seats=2, seed=1)

    with pytest.raises(ValidationError) as error:
        panel_draw_for_session(meeting=session, seats=2, seed=2, replaces_draw_id=None)

    assert error.value.code == "stale"
    assert PanelDraw.objects.filter(meeting=session).count() == 1


@pytest.mark.django_db
def test_draw_excludes_other_sessions_and_twice_decliners_and_withdrawn_consent():
    contacts = volunteers(5)
    session = RoundSessionFactory()
    other_session = RoundSessionFactory(consultation_round=session.consultation_round)
    InvitationFactory(meeting=other_session, contact=contacts[0], status="accepted")
    for days in (100, 50):
        InvitationFactory(
            meeting=RoundSessionFactory(starts_at=timezone.now() - dt.timedelta(days=days)),
            contact=contacts[1],
            status="declined",
        )
    consent_withdraw(contact=contacts[2], purpose="consultation_rounds")

    draw = panel_draw_for_session(meeting=session, seats=5, seed=3)

    assert sorted(e["organisation_id"] for e in draw.panel) == sorted(
        [contacts[3].organisation_id, contacts[4].organisation_id]
    )
    assert sorted((e["name"], e["reason"]) for e in draw.explanation["excluded"]) == [
        ("Volunteer 00", "other_session"),
        ("Volunteer 01", "declined_twice"),
    ]


@pytest.mark.django_db
def test_draw_refused_once_invitations_were_sent_or_for_group_meetings():
    volunteers(3)
    session = RoundSessionFactory()
    draw = panel_draw_for_session(meeting=session, seats=1, seed=1)
    invitations_send(meeting=session)

    with pytest.raises(ValidationError) as sent:
        panel_draw_for_session(meeting=session, seats=1, seed=2, replaces_draw_id=draw.pk)
    with pytest.raises(ValidationError) as group:
        from tests.factories import MeetingFactory

        panel_draw_for_session(meeting=MeetingFactory(), seats=1, seed=2)

    assert (sent.value.code, group.value.code) == ("round_status", "not_round")


@pytest.mark.django_db
def test_swap_replaces_an_organisation_with_the_next_of_the_same_stratum():
    volunteers(8)
    session = RoundSessionFactory()
    draw = panel_draw_for_session(meeting=session, seats=2, criteria=["working_language"], seed=5)
    leaving = draw.panel[0]
    expected = next(e for e in draw.waitlist if e["stratum"] == leaving["stratum"])

    joining = panel_swap(draw=draw, organisation_id=leaving["organisation_id"])

    draw.refresh_from_db()
    assert joining == expected
    assert draw.panel[0] == expected
    assert expected not in draw.waitlist
    assert not session.invitations.filter(contact_id=leaving["contact_id"]).exists()
    assert session.invitations.get(contact_id=expected["contact_id"]).status == "drafted"
    assert sorted(
        session.invitations.filter(status="waitlisted").values_list("waitlist_position", flat=True)
    ) == [1]
    assert draw.explanation["swaps"][0]["same_stratum"] is True


@pytest.mark.django_db
def test_swap_refused_after_sending():
    volunteers(4)
    session = RoundSessionFactory()
    draw = panel_draw_for_session(meeting=session, seats=1, seed=5)
    invitations_send(meeting=session)

    with pytest.raises(ValidationError) as error:
        panel_swap(draw=draw, organisation_id=draw.panel[0]["organisation_id"])

    assert error.value.code == "already_sent"


@pytest.mark.django_db
def test_panel_draw_one_current_per_session_constraint():
    session = RoundSessionFactory()
    PanelDraw.objects.create(meeting=session, seats=1, seed=1, pool_size=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        PanelDraw.objects.create(meeting=session, seats=1, seed=2, pool_size=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_facilitators_drawing_at_once_get_one_panel():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers itself)")
    questionnaire_load()  # a transactional test before this one may have flushed it
    volunteers(6)
    session = RoundSessionFactory()
    barrier = threading.Barrier(2)
    outcomes = []

    def draw(seed):
        try:
            barrier.wait()
            panel_draw_for_session(meeting=session, seats=3, seed=seed)
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
    assert PanelDraw.objects.filter(meeting=session, is_current=True).count() == 1
    assert Invitation.objects.filter(meeting=session, status="drafted").count() == 3
