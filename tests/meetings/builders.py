"""People and minutes that many meetings tests start from."""

import datetime as dt

from django.utils import timezone

from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)


def leader_of(meeting):
    """A user who chairs the meeting's working group."""
    user = UserFactory()
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=user), role="chair")
    return user


def invitee_of(meeting):
    """A user whose contact accepted the meeting's invitation."""
    user = UserFactory()
    InvitationFactory(meeting=meeting, contact=ContactFactory(user=user), status="accepted")
    return user


def circulated_minutes(meeting=None):
    """Minutes with one note, circulated for comments for three days; and the item."""
    meeting = meeting or MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, position=1, title="Data sharing")
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="Agreed.")
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    return minutes, item
