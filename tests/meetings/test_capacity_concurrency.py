"""Capacity is never exceeded under concurrent answers (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection, connections

from meetings.enums import InvitationStatus
from meetings.models import Invitation
from meetings.services import invitations as services
from tests.factories import InvitationFactory, RoundSessionFactory

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
