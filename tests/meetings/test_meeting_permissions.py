"""Who may open and change a meeting's agenda and minutes."""

import pytest
from django.urls import reverse

from meetings.services import agendas
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.meetings.builders import circulated_minutes

pytestmark = pytest.mark.django_db


def test_facilitator_of_another_round_cannot_edit_or_read(client_for):
    session = RoundSessionFactory()
    AgendaItemFactory(meeting=session, position=1)
    agendas.agenda_publish(meeting=session)
    other = UserFactory(facilitator=True)
    RoundSessionFactory().consultation_round.facilitators.add(other)
    client = client_for(other)

    codes = [
        client.get(reverse(name, args=[session.pk])).status_code
        for name in ("agenda-edit", "agenda-page", "minutes-edit", "minutes-page")
    ]

    assert codes == [404, 404, 404, 404]


def test_a_drafted_invitation_does_not_open_the_agenda_or_minutes(client_for):
    minutes, _item = circulated_minutes()
    agendas.agenda_publish(meeting=minutes.meeting)
    user = UserFactory()
    InvitationFactory(meeting=minutes.meeting, contact=ContactFactory(user=user), status="drafted")
    client = client_for(user)

    codes = [
        client.get(reverse(name, args=[minutes.meeting.pk])).status_code
        for name in ("agenda-page", "minutes-page")
    ]

    assert codes == [404, 404]
