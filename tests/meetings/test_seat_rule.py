"""The seat rule under every sequence of answers: the seats taken never exceed the capacity,
and a waitlisted invitee is promoted exactly when a seat frees (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from meetings.enums import InvitationStatus
from meetings.models import Invitation
from meetings.services import invitations as services
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db

ACCEPTED = InvitationStatus.ACCEPTED
TENTATIVE = InvitationStatus.TENTATIVE
DECLINED = InvitationStatus.DECLINED
SENT = InvitationStatus.SENT
WAITLISTED = InvitationStatus.WAITLISTED
CANCELLED = InvitationStatus.CANCELLED
DELEGATED = InvitationStatus.DELEGATED


def _state(invitation: Invitation) -> tuple:
    invitation.refresh_from_db()
    return (invitation.status, invitation.holds_seat, invitation.waitlist_position)


# --- The sequence that once gave 2 seats for a capacity of 1 -------------------------------


def test_seat_given_at_promotion_is_released_when_that_invitee_declines():
    session = RoundSessionFactory(capacity=1)
    a, b, c = InvitationFactory.create_batch(3, meeting=session)

    services.invitation_answer(invitation=a, answer=ACCEPTED)
    services.invitation_answer(invitation=b, answer=ACCEPTED)  # waitlisted
    services.invitation_answer(invitation=a, answer=DECLINED)  # b promoted
    services.invitation_answer(invitation=b, answer=TENTATIVE)  # b keeps the seat
    services.invitation_answer(invitation=c, answer=ACCEPTED)  # waitlisted
    declined = services.invitation_answer(invitation=b, answer=DECLINED)  # c promoted
    again = services.invitation_answer(invitation=b, answer=TENTATIVE)

    assert declined.promoted == c
    assert again.promoted is None
    assert [_state(a), _state(b), _state(c)] == [
        (DECLINED, False, None),
        (TENTATIVE, False, None),
        (SENT, True, None),
    ]
    assert services.seats_taken(meeting=session) == 1


def test_accepted_invitee_answering_tentative_keeps_the_seat():
    session = RoundSessionFactory(capacity=1)
    seated, waiting = InvitationFactory.create_batch(2, meeting=session)
    services.invitation_answer(invitation=seated, answer=ACCEPTED)
    services.invitation_answer(invitation=waiting, answer=ACCEPTED)

    result = services.invitation_answer(invitation=seated, answer=TENTATIVE)

    assert result.promoted is None
    assert [_state(seated), _state(waiting)] == [(TENTATIVE, True, None), (WAITLISTED, False, 1)]
    assert services.seats_taken(meeting=session) == 1


def test_tentative_answer_of_a_full_session_takes_no_seat():
    session = RoundSessionFactory(capacity=1)
    seated, other = InvitationFactory.create_batch(2, meeting=session)
    services.invitation_answer(invitation=seated, answer=ACCEPTED)

    services.invitation_answer(invitation=other, answer=TENTATIVE)
    later = services.invitation_answer(invitation=other, answer=ACCEPTED)

    assert later.waitlisted is True
    assert _state(other) == (WAITLISTED, False, 1)
    assert services.seats_taken(meeting=session) == 1


def test_removing_a_promoted_invitee_promotes_the_next():
    session = RoundSessionFactory(capacity=1)
    seated, first, second = InvitationFactory.create_batch(3, meeting=session)
    for invitation in (seated, first, second):
        services.invitation_answer(invitation=invitation, answer=ACCEPTED)
    services.invitation_answer(invitation=seated, answer=DECLINED)  # first promoted

    services.invitation_remove(invitation=first)

    assert [_state(first), _state(second)] == [(CANCELLED, False, None), (SENT, True, None)]
    assert services.seats_taken(meeting=session) == 1


def test_seat_given_is_refused_by_the_database_on_a_declined_invitation():
    invitation = InvitationFactory(status=DECLINED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(holds_seat=True)


# --- Every sequence of answers ------------------------------------------------------------


@dataclass
class Expected:
    """The rule's view of one invitation."""

    pk: int
    status: str
    holds_seat: bool = False
    waitlist_position: int | None = None
    sent: bool = True

    @property
    def seated(self) -> bool:
        return self.status == ACCEPTED or (self.holds_seat and self.status in (SENT, TENTATIVE))


class SeatRule(RuleBasedStateMachine):
    """Drives the services in random order and compares every invitation with the rule."""

    @initialize(
        capacity=st.integers(min_value=1, max_value=3),
        invitees=st.integers(min_value=2, max_value=6),
        reserves=st.integers(min_value=0, max_value=2),
    )
    def session(self, capacity, invitees, reserves):
        self.capacity = capacity
        self.meeting = RoundSessionFactory(capacity=capacity)
        self.expected: dict[int, Expected] = {}
        self.objects: dict[int, Invitation] = {}
        for _ in range(invitees):
            self._track(InvitationFactory(meeting=self.meeting), SENT, sent=True)
        # A draw's reserve list: waitlisted before anything was sent.
        for position in range(1, reserves + 1):
            invitation = InvitationFactory(
                meeting=self.meeting, status=WAITLISTED, waitlist_position=position
            )
            self._track(invitation, WAITLISTED, position=position, sent=False)

    def _track(self, invitation, status, *, position=None, sent=True, holds=False):
        self.objects[invitation.pk] = invitation
        self.expected[invitation.pk] = Expected(
            pk=invitation.pk,
            status=status,
            holds_seat=holds,
            waitlist_position=position,
            sent=sent,
        )

    def _pick(self, index: int) -> Expected:
        keys = sorted(self.expected)
        return self.expected[keys[index % len(keys)]]

    def _taken(self, exclude: int | None = None) -> int:
        return sum(1 for e in self.expected.values() if e.seated and e.pk != exclude)

    def _promote(self) -> int | None:
        waiting = [e for e in self.expected.values() if e.status == WAITLISTED]
        if not waiting:
            return None
        first = min(waiting, key=lambda e: (e.waitlist_position, e.pk))
        first.status, first.holds_seat, first.waitlist_position, first.sent = (
            SENT,
            True,
            None,
            True,
        )
        return first.pk

    def _refused(self, call) -> None:
        before = sorted(Invitation.objects.filter(meeting=self.meeting).values_list())
        with pytest.raises(ValidationError):
            call()
        assert sorted(Invitation.objects.filter(meeting=self.meeting).values_list()) == before

    @rule(index=st.integers(min_value=0, max_value=50), answer=st.sampled_from(services.ANSWERS))
    def answer(self, index, answer):
        e = self._pick(index)
        invitation = self.objects[e.pk]
        if e.status not in services.ANSWERABLE:
            self._refused(lambda: services.invitation_answer(invitation=invitation, answer=answer))
            return
        seated = e.seated
        status, position = answer, None
        if answer in (ACCEPTED, TENTATIVE):
            if e.status == WAITLISTED:
                status, position = WAITLISTED, e.waitlist_position
            elif answer == ACCEPTED and not seated and self._taken(exclude=e.pk) >= self.capacity:
                status = WAITLISTED
                position = 1 + max(
                    (x.waitlist_position or 0 for x in self.expected.values()), default=0
                )
        e.status, e.waitlist_position = status, position
        e.holds_seat = seated and status in (SENT, TENTATIVE)
        promoted = self._promote() if seated and not e.seated else None

        result = services.invitation_answer(invitation=invitation, answer=answer)

        assert (result.promoted.pk if result.promoted else None) == promoted
        assert result.waitlisted == (status == WAITLISTED)

    @rule(index=st.integers(min_value=0, max_value=50))
    def remove(self, index):
        e = self._pick(index)
        invitation = self.objects[e.pk]
        if e.status == CANCELLED:
            self._refused(lambda: services.invitation_remove(invitation=invitation))
            return
        seated = e.seated
        e.status, e.holds_seat, e.waitlist_position = CANCELLED, False, None
        promoted = self._promote() if seated else None

        services.invitation_remove(invitation=invitation)

        assert self._promoted_now(promoted)

    @rule(index=st.integers(min_value=0, max_value=50))
    def delegate(self, index):
        e = self._pick(index)
        invitation = self.objects[e.pk]
        colleague = ContactFactory(organisation=invitation.contact.organisation)
        if e.status not in (SENT, ACCEPTED, TENTATIVE):
            self._refused(
                lambda: services.invitation_delegate(invitation=invitation, colleague=colleague)
            )
            return
        seated = e.seated
        e.status, e.holds_seat = DELEGATED, False

        delegate = services.invitation_delegate(invitation=invitation, colleague=colleague)

        self._track(delegate, SENT, holds=seated)

    @rule(index=st.integers(min_value=0, max_value=50))
    def invite_again(self, index):
        e = self._pick(index)
        invitation = self.objects[e.pk]
        if e.status != CANCELLED:
            self._refused(
                lambda: services.invitation_add(meeting=self.meeting, contact=invitation.contact)
            )
            return
        went_out = any(x.sent and x.status != CANCELLED for x in self.expected.values())
        e.status = SENT if went_out else InvitationStatus.DRAFTED
        e.sent = went_out

        services.invitation_add(meeting=self.meeting, contact=invitation.contact)

    def _promoted_now(self, pk: int | None) -> bool:
        """The invitation the rule promoted (if any) is the one the database promoted."""
        if pk is None:
            return True
        return _state(self.objects[pk]) == (SENT, True, None)

    @invariant()
    def matches_the_rule(self):
        stored = {
            pk: (status, holds, position)
            for pk, status, holds, position in Invitation.objects.filter(
                meeting=self.meeting
            ).values_list("pk", "status", "holds_seat", "waitlist_position")
        }
        assert stored == {
            e.pk: (e.status, e.holds_seat, e.waitlist_position) for e in self.expected.values()
        }

    @invariant()
    def seats_add_up(self):
        taken = services.seats_taken(meeting=self.meeting)
        assert taken == self._taken()
        assert taken <= self.capacity
        # Someone who asked for a seat waits only while every seat is taken (a draw's
        # reserve list may wait beside free seats: it was never sent).
        asked = Invitation.objects.filter(
            meeting=self.meeting, status=WAITLISTED, sent_at__isnull=False
        )
        if asked.exists():
            assert taken == self.capacity


def test_seat_rule_holds_under_every_sequence_of_answers():
    run_state_machine_as_test(
        SeatRule,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
