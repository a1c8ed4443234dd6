"""Alternates of a drawn round: a declined, removed or unanswered invitation goes to the next
alternate who keeps the targets met, with the reason recorded; a reminder before the answer
deadline; the facilitator invites the next alternate by hand."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coordination.panels import Target
from meetings.models import Invitation, OutboundMessage, PanelDraw
from meetings.services.invitations import (
    alternate_invite_next,
    answer_deadlines_follow,
    invitation_answer,
    invitation_remove,
    invitations_send,
)
from meetings.services.panels import round_draw_record, session_answer_deadline_set
from meetings.services.polls import time_poll_create
from tests.meetings.test_round_draws import bilingual_round, volunteers

pytestmark = pytest.mark.django_db


def drawn_round(seats=2, targets=None, send=True):
    volunteers(14)
    consultation_round, french, dutch = bilingual_round(seats=seats)
    round_draw_record(consultation_round=consultation_round, seed=3, targets=targets or [])
    if send:
        invitations_send(meeting=french)
        invitations_send(meeting=dutch)
    return consultation_round, french, dutch


def replacements(meeting):
    return PanelDraw.objects.get(meeting=meeting, is_current=True).explanation["replacements"]


def active(meeting):
    return Invitation.objects.filter(
        meeting=meeting, status__in=["drafted", "sent", "accepted", "tentative"]
    )


def test_a_decline_invites_the_next_alternate_who_keeps_the_targets():
    consultation_round, _french, _dutch = drawn_round(targets=[Target("kind", "ngo", 1, 1)])
    in_round = Invitation.objects.filter(
        meeting__consultation_round=consultation_round,
        status__in=["drafted", "sent", "accepted", "tentative"],
    )
    leaving = in_round.get(contact__organisation__kind="ngo")
    session = leaving.meeting

    invitation_answer(invitation=leaving, answer="declined")

    record = replacements(session)
    new = Invitation.objects.get(
        meeting=session, contact__organisation_id=record[0]["in"]["organisation_id"]
    )
    assert [(r["why"], r["out"]["organisation_id"], r["keeps_targets"]) for r in record] == [
        ("declined", leaving.contact.organisation_id, True)
    ]
    assert (new.status, new.holds_seat, new.contact.organisation.kind) == ("sent", True, "ngo")
    assert session.language in new.contact.organisation.working_languages
    assert in_round.filter(contact__organisation__kind="ngo").count() == 1
    assert active(session).count() == 2
    assert OutboundMessage.objects.filter(invitation=new, kind="invitation").count() == 1


def test_a_removal_is_replaced_and_recorded_as_removed():
    _round, _french, dutch = drawn_round()
    leaving = active(dutch).first()

    invitation_remove(invitation=leaving)

    assert [r["why"] for r in replacements(dutch)] == ["removed"]
    assert active(dutch).count() == 2


def test_the_answer_deadline_reminds_then_replaces_the_unanswered():
    _round, french, _dutch = drawn_round()
    deadline = timezone.now() + dt.timedelta(hours=24)
    session_answer_deadline_set(meeting=french, deadline=deadline)
    answered = active(french).first()
    invitation_answer(invitation=answered, answer="accepted")

    reminded = answer_deadlines_follow()
    reminded_again = answer_deadlines_follow()
    # the deadline passes
    session_answer_deadline_set(meeting=french, deadline=timezone.now())
    replaced = answer_deadlines_follow()
    replaced_again = answer_deadlines_follow()

    assert (reminded, reminded_again) == ((1, 0), (0, 0))
    assert replaced == (0, 1)
    # the alternate invited after the deadline keeps its chance to answer
    assert replaced_again == (0, 0)
    assert [r["why"] for r in replacements(french)] == ["no_answer"]
    assert active(french).count() == 2
    assert OutboundMessage.objects.filter(kind="nudge").count() == 1


def test_the_facilitator_invites_the_next_alternate_by_hand_before_sending():
    _round, french, _dutch = drawn_round(send=False)

    invitation = alternate_invite_next(meeting=french)

    assert invitation.status == "drafted"
    assert [r["why"] for r in replacements(french)] == ["by_hand"]
    assert active(french).count() == 3


def test_inviting_an_alternate_without_a_round_draw_is_refused():
    _consultation_round, french, _dutch = bilingual_round()

    with pytest.raises(ValidationError) as error:
        alternate_invite_next(meeting=french)

    assert error.value.code == "no_draw"


def test_an_answer_deadline_after_the_session_is_refused():
    _consultation_round, french, _dutch = bilingual_round()

    with pytest.raises(ValidationError) as error:
        session_answer_deadline_set(meeting=french, deadline=french.starts_at)

    assert error.value.message_dict == {
        "answer_deadline": ["The answer deadline must come before the session."]
    }


def test_an_alternate_who_joins_while_the_sessions_time_poll_is_open_is_asked_it(team_user):
    _round, french, _dutch = drawn_round(send=False)
    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    poll = time_poll_create(
        meeting=french,
        slots=[(day + dt.timedelta(days=d), day + dt.timedelta(days=d, hours=3)) for d in (9, 10)],
        deadline=day + dt.timedelta(days=5),
        by=team_user,
    )
    leaving = active(french).first()

    invitation_remove(invitation=leaving, by=team_user)
    by_hand = alternate_invite_next(meeting=french, by=team_user)

    replacing = Invitation.objects.get(
        meeting=french,
        contact__organisation_id=replacements(french)[0]["in"]["organisation_id"],
    )
    asked = OutboundMessage.objects.filter(kind="time_poll", sequence=poll.pk)
    assert [r["why"] for r in replacements(french)] == ["removed", "by_hand"]
    assert {replacing.status, by_hand.status} == {"drafted"}
    # everyone on the panel now, and the one removed, who was asked when the poll opened
    assert set(asked.values_list("invitation_id", flat=True)) == {
        leaving.pk,
        *active(french).values_list("pk", flat=True),
    }
    assert {replacing.pk, by_hand.pk} <= set(asked.values_list("invitation_id", flat=True))
