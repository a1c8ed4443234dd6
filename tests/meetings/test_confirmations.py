"""Destructive actions ask first, without JavaScript (a page with the consequences and a
form), and a removed agenda item can be put back."""

import pytest
from django.urls import reverse

from coordination.models import Consent
from meetings.models import AgendaItem, Invitation
from tests.factories import (
    AgendaItemFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    TeamUserFactory,
    UserFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_agenda_item_removal_asks_first_then_can_be_undone(client_for):
    first = AgendaItemFactory(position=1, title="Welcome")
    meeting = first.meeting
    second = AgendaItemFactory(meeting=meeting, position=2, title="Figures", planned_minutes=40)
    AgendaItemFactory(meeting=meeting, position=3, title="Next steps")
    client = client_for(TeamUserFactory())
    url = reverse("agenda-item-delete", args=[meeting.pk, second.pk])

    asked = client.get(url)
    count_after_asking = AgendaItem.objects.count()
    removed = client.post(url, follow=True)
    token = removed.context["undo"]["token"]
    restored = client.post(reverse("agenda-item-restore", args=[meeting.pk]), {"token": token},
                           follow=True)  # fmt: skip

    assert "Remove item 2, “Figures”?" in asked.content.decode()
    assert count_after_asking == 3
    assert messages_of(removed) == ["The item “Figures” was removed."]
    assert "Undo: put “Figures” back" in removed.content.decode()
    assert messages_of(restored) == ["The item “Figures” is back."]
    assert list(meeting.agenda_items.values_list("position", "title", "planned_minutes")) == [
        (1, "Welcome", 20),
        (2, "Figures", 40),
        (3, "Next steps", 20),
    ]


def test_agenda_item_undo_with_a_tampered_token_changes_nothing(client_for):
    item = AgendaItemFactory(position=1)
    client = client_for(TeamUserFactory())

    response = client.post(
        reverse("agenda-item-restore", args=[item.meeting.pk]), {"token": "x:y"}, follow=True
    )

    assert messages_of(response) == ["This removal can no longer be undone."]
    assert AgendaItem.objects.count() == 1


def test_invitee_removal_asks_first(client_for):
    invitation = InvitationFactory(status="accepted", contact__name="Ana Member")
    client = client_for(TeamUserFactory())
    url = reverse("invitation-remove", args=[invitation.pk])

    asked = client.get(url)
    status_after_asking = Invitation.objects.get().status
    client.post(url)

    assert "Remove Ana Member (" in asked.content.decode()
    assert status_after_asking == "accepted"
    assert Invitation.objects.get().status == "cancelled"


def test_consent_withdrawal_asks_first_and_posts_to_my_data(client_for):
    user = UserFactory()
    contact = ContactFactory(user=user)
    ConsentFactory(contact=contact, purpose="consultation_rounds")
    client = client_for(user)

    listing = client.get(reverse("my-data")).content.decode()
    asked = client.get(reverse("consent-withdraw-confirm", args=["consultation_rounds"]))
    withdrawn_after_asking = Consent.objects.get().withdrawn_at
    client.post(reverse("my-data"), {"withdraw": "consultation_rounds"})

    assert 'href="/my-data/withdraw/consultation_rounds/"' in listing
    assert asked.status_code == 200
    assert 'name="withdraw" value="consultation_rounds"' in asked.content.decode()
    assert withdrawn_after_asking is None
    assert Consent.objects.get().withdrawn_at is not None
    assert (
        client.get(reverse("consent-withdraw-confirm", args=["consultation_rounds"])).status_code
        == 404
    )
