"""Capacity is never exceeded under concurrent answers (PostgreSQL, real threads)."""

import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from meetings.enums import InvitationStatus
from meetings.models import Invitation
from meetings.services import invitations as services
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite serialises)"
    ),
]


def test_concurrent_acceptances_never_exceed_capacity():
    session = RoundSessionFactory(capacity=3)
    invitations = InvitationFactory.create_batch(10, meeting=session)
    barrier = threading.Barrier(len(invitations))
    errors = []

    def accept(invitation):
        try:
            barrier.wait(timeout=10)
            services.invitation_answer(invitation=invitation, answer="accepted")
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(i,)) for i in invitations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(Invitation.objects.values_list("status", flat=True))
    positions = sorted(
        Invitation.objects.filter(status=InvitationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert errors == []
    assert statuses == ["accepted"] * 3 + ["waitlisted"] * 7
    assert positions == [1, 2, 3, 4, 5, 6, 7]


def test_concurrent_decline_and_acceptances_fill_exactly_the_capacity():
    session = RoundSessionFactory(capacity=2)
    seated = InvitationFactory.create_batch(2, meeting=session, status=InvitationStatus.ACCEPTED)
    others = InvitationFactory.create_batch(4, meeting=session)
    barrier = threading.Barrier(5)

    def run(invitation, answer):
        try:
            barrier.wait(timeout=10)
            services.invitation_answer(invitation=invitation, answer=answer)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(seated[0], "declined"))] + [
        threading.Thread(target=run, args=(i, "accepted")) for i in others
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # Whatever the order: the freed seat goes either to an acceptance that came after the
    # decline, or (when the session was full at that moment) to the first waitlisted
    # invitee, whose invitation is sent again and waits for their answer.
    statuses = sorted(
        Invitation.objects.filter(pk__in=[i.pk for i in others]).values_list("status", flat=True)
    )
    accepted = Invitation.objects.filter(status=InvitationStatus.ACCEPTED).count()
    offered_again = statuses.count(InvitationStatus.SENT)
    assert accepted <= 2
    assert accepted + offered_again == 2
    assert statuses.count(InvitationStatus.WAITLISTED) == 4 - statuses.count("accepted") - (
        offered_again
    )


def test_concurrent_mixed_answers_keep_the_seat_rule():
    """Eight invitees answer, change their minds, pass their seat on and are removed, all at
    once; whatever the order the locks gave, the seats add up."""
    capacity = 3
    session = RoundSessionFactory(capacity=capacity)
    invitations = InvitationFactory.create_batch(8, meeting=session)
    colleagues = [ContactFactory(organisation=i.contact.organisation) for i in invitations]
    barrier = threading.Barrier(len(invitations))
    errors = []

    def steps(index: int):
        chooser = random.Random(index)
        choices = ["accepted", "accepted", "tentative", "declined", "delegate", "remove"]
        return [chooser.choice(choices) for _ in range(6)]

    def run(index: int):
        invitation = invitations[index]
        try:
            barrier.wait(timeout=10)
            for step in steps(index):
                try:
                    if step == "delegate":
                        invitation = services.invitation_delegate(
                            invitation=invitation, colleague=colleagues[index]
                        )
                    elif step == "remove":
                        services.invitation_remove(invitation=invitation)
                    else:
                        services.invitation_answer(invitation=invitation, answer=step)
                except ValidationError:
                    pass  # refused by the rule (removed, passed on already): nothing written
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(invitations))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    rows = list(
        Invitation.objects.filter(meeting=session).values_list(
            "status", "holds_seat", "waitlist_position", "sent_at"
        )
    )
    taken = services.seats_taken(meeting=session)
    seated = [r for r in rows if r[0] == "accepted" or (r[1] and r[0] in ("sent", "tentative"))]
    positions = [r[2] for r in rows if r[0] == "waitlisted"]
    assert errors == []
    assert taken == len(seated)
    assert taken <= capacity
    assert [r for r in rows if r[1] and r[0] not in ("sent", "tentative")] == []
    assert len(positions) == len(set(positions))
    if positions:  # nobody waits beside a free seat
        assert taken == capacity
