"""Agenda first: invitations without a published agenda ask for confirmation; publishing and
each later change e-mail the invitees who have not declined (their language, the PDF, what
changed since the version they were sent); every published version is kept and compared."""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.emails import outbox_message
from meetings.models import AgendaVersion, Invitation, OutboundMessage
from meetings.services import agendas
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    RoundSessionFactory,
    TeamUserFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def session_with_invitees():
    session = RoundSessionFactory(title="Session FR", language="fr")
    item = AgendaItemFactory(meeting=session, position=1, title="Welcome", planned_minutes=15)
    french = InvitationFactory(
        meeting=session, status="accepted", contact=ContactFactory(preferred_language="fr")
    )
    dutch = InvitationFactory(
        meeting=session, status="tentative", contact=ContactFactory(preferred_language="nl")
    )
    InvitationFactory(meeting=session, status="declined")
    InvitationFactory(meeting=session, status="drafted")
    return session, item, french, dutch


def mark_sent(rows):
    OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
        status="sent", sent_at=timezone.now()
    )


def test_sending_invitations_without_an_agenda_asks_first(client_for):
    session = RoundSessionFactory()
    InvitationFactory(meeting=session, status="drafted")
    client = client_for(TeamUserFactory())
    url = reverse("meeting-invitations-send", args=[session.pk])

    asked = client.post(url)
    status_after_asking = Invitation.objects.get().status
    sent = client.post(url, {"without_agenda": "1"}, follow=True)

    assert asked.status_code == 200
    assert "Send the invitations without an agenda?" in asked.content.decode()
    assert status_after_asking == "drafted"
    assert messages_of(sent) == ["1 invitation is being sent."]
    assert Invitation.objects.get().status == "sent"


def test_publishing_e_mails_invitees_who_have_not_declined_in_their_language():
    session, _item, french, dutch = session_with_invitees()

    agendas.agenda_publish(meeting=session)

    rows = OutboundMessage.objects.filter(kind="agenda").order_by("language")
    assert [(r.invitation_id, r.language, r.sequence) for r in rows] == [
        (french.pk, "fr", 1),
        (dutch.pk, "nl", 1),
    ]
    message = outbox_message(rows[0])
    assert [(name, mimetype) for name, _content, mimetype in message.attachments] == [
        (f"{session.starts_at:%Y-%m-%d}-session-fr-agenda-v1.pdf", "application/pdf")
    ]
    assert message.attachments[0][1][:5] == b"%PDF-"
    assert AgendaVersion.objects.get().items[0]["title"] == "Welcome"


def test_a_later_change_e_mails_what_changed_since_the_version_received(settings):
    settings.AGENDA_CHANGE_NOTICE_DELAY_SECONDS = 0
    session, item, french, _dutch = session_with_invitees()
    agendas.agenda_publish(meeting=session)
    mark_sent(OutboundMessage.objects.filter(kind="agenda"))

    agendas.agenda_item_update(item=item, title="Welcome and purpose", planned_minutes=20)
    agendas.agenda_item_create(meeting=session, title="Next steps")

    pending = OutboundMessage.objects.filter(kind="agenda", status="pending")
    # The notice of version 2 was replaced by the one of version 3, covering both changes.
    assert sorted(pending.values_list("sequence", flat=True)) == [3, 3]
    assert pending.get(invitation=french).language == "fr"
    assert list(AgendaVersion.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
    ]


def test_publishing_notice_in_english_says_the_agenda_is_published():
    session = RoundSessionFactory(title="Session EN", language="en")
    AgendaItemFactory(meeting=session, position=1)
    InvitationFactory(meeting=session, status="accepted")

    agendas.agenda_publish(meeting=session)

    assert OutboundMessage.objects.get().subject == "The agenda of “Session EN” is published"


def test_change_notice_lists_the_changes_in_english(settings):
    settings.AGENDA_CHANGE_NOTICE_DELAY_SECONDS = 0
    session = RoundSessionFactory(title="Session EN", language="en")
    item = AgendaItemFactory(meeting=session, position=1, title="Welcome", planned_minutes=15)
    invitation = InvitationFactory(meeting=session, status="accepted")
    agendas.agenda_publish(meeting=session)
    mark_sent(OutboundMessage.objects.filter(kind="agenda"))

    agendas.agenda_item_update(item=item, title="Welcome and purpose", planned_minutes=20)

    row = OutboundMessage.objects.get(kind="agenda", sequence=2, invitation=invitation)
    assert row.subject == "The agenda of “Session EN” changed (version 2)"
    assert (
        "What changed since version 1, the one you were sent:\n"
        "\n- Changed: 1. Welcome and purpose\n"
        "  Title: Welcome → Welcome and purpose\n"
        "  Planned minutes: 15 → 20\n"
    ) in row.body_text


def test_change_delay_keeps_the_notice_waiting(settings):
    settings.AGENDA_CHANGE_NOTICE_DELAY_SECONDS = 300
    session, item, _french, _dutch = session_with_invitees()
    agendas.agenda_publish(meeting=session)
    mark_sent(OutboundMessage.objects.filter(kind="agenda"))

    agendas.agenda_item_update(item=item, title="Changed")

    waiting = OutboundMessage.objects.filter(kind="agenda", sequence=2)
    assert waiting.count() == 2
    assert all(row.next_attempt_at > timezone.now() for row in waiting)


def test_versions_page_shows_each_version_and_the_changes_since_the_previous(client_for):
    session = RoundSessionFactory(language="en")
    item = AgendaItemFactory(meeting=session, position=1, title="Welcome", purpose="information")
    agendas.agenda_publish(meeting=session)
    agendas.agenda_item_update(item=item, title="Welcome and purpose", purpose="discussion")
    client = client_for(TeamUserFactory())

    listing = client.get(reverse("agenda-versions", args=[session.pk])).content.decode()
    second = client.get(reverse("agenda-version", args=[session.pk, 2])).content.decode()
    missing = client.get(reverse("agenda-version", args=[session.pk, 9]))

    assert f'href="/meetings/{session.pk}/agenda/versions/1/">Version 1</a>' in listing
    assert f'href="/meetings/{session.pk}/agenda/versions/2/">Version 2</a>' in listing
    assert "Changes since version 1" in second
    assert '<li data-kind="changed">Changed: 1. Welcome and purpose' in second
    assert "<li>Title: Welcome → Welcome and purpose</li>" in second
    assert "<li>Purpose: Information → Discussion</li>" in second
    assert missing.status_code == 404
