"""The home page: a user's upcoming meetings, the invitations waiting for their answer and
their open action items (their own and their organisation's), in their language; what the
database does for it does not grow with other people's action items."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse

from meetings.enums import ActionStatus, InvitationStatus, MeetingFormat
from tests.factories import (
    ActionItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def section_items(html: str, heading_id: str) -> list[str]:
    """The items of the home page's card headed ``heading_id``, whitespace collapsed."""
    card = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S).group(1)
    return [" ".join(item.split()) for item in re.findall(r"<li>(.*?)</li>", card, re.S)]


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def amelie():
    """A participant who reads the site in French, in a working group, invited to a
    session."""
    user = UserFactory(username="amelie", preferred_language="fr", time_zone="Europe/Brussels")
    contact = ContactFactory(user=user, name="Amélie Martin", organisation__name="Fedasil")
    return user, contact


def test_home_page_lists_meetings_invitations_and_action_items_in_the_users_language(
    client_for, amelie
):
    user, contact = amelie
    session = RoundSessionFactory(
        title="Accueil & logement",
        starts_at=at(2030, 5, 6, 12, 30),
        ends_at=at(2030, 5, 6, 15, 0),
        format=MeetingFormat.ONLINE,
    )
    InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.TENTATIVE)
    membership = MembershipFactory(contact=contact)
    group_meeting = MeetingFactory(
        working_group=membership.group,
        title="Groupe santé",
        starts_at=at(2030, 6, 10, 8, 0),
        ends_at=at(2030, 6, 10, 10, 0),
        format=MeetingFormat.HYBRID,
    )
    overdue = ActionItemFactory(
        description="Envoyer <le> rapport",
        owner_contact=contact,
        owner_organisation=None,
        status=ActionStatus.IN_PROGRESS,
        due_date=dt.date(2026, 1, 15),
    )
    undated = ActionItemFactory(
        description="Relire la note",
        owner_organisation=contact.organisation,
        status=ActionStatus.OPEN,
        due_date=None,
    )
    later = ActionItemFactory(
        description="Préparer la salle",
        owner_contact=contact,
        owner_organisation=contact.organisation,
        due_date=dt.date(2099, 3, 1),
    )
    ActionItemFactory(description="Someone else's", owner_contact=ContactFactory())
    ActionItemFactory(
        description="Done already",
        owner_contact=contact,
        status=ActionStatus.DONE,
        closed_at=at(2026, 1, 2, 9, 0),
    )

    html = client_for(user).get(reverse("home")).content.decode()

    assert section_items(html, "upcoming-heading") == [
        f'<a href="/meetings/{session.pk}/">Accueil &amp; logement</a> <span class="meta">'
        "6 mai 2030 à 14:30 (Europe/Brussels) · En ligne</span>",
        f'<a href="/meetings/{group_meeting.pk}/">Groupe santé</a> <span class="meta">'
        "10 juin 2030 à 10:00 (Europe/Brussels) · Hybride</span>",
    ]
    assert section_items(html, "invitations-heading") == [
        f'<a href="/meetings/{session.pk}/">Accueil &amp; logement</a> <span class="meta">'
        "6 mai 2030 à 14:30 · Sous réserve</span>",
    ]
    dated = [
        f'<a href="/actions/{overdue.pk}/">Envoyer &lt;le&gt; rapport</a> <span class="meta">'
        "échéance : 15 janvier 2026 · En cours · "
        '<span class="badge status-declined">en retard</span></span>',
        f'<a href="/actions/{later.pk}/">Préparer la salle</a> <span class="meta">'
        "échéance : 1er mars 2099 · Ouvert</span>",
    ]
    undated = (
        f'<a href="/actions/{undated.pk}/">Relire la note</a> <span class="meta">Ouvert</span>'
    )
    # By due date, the undated where the database sorts an empty date (SQLite first,
    # PostgreSQL last).
    expected = [undated, *dated] if connection.vendor == "sqlite" else [*dated, undated]
    assert section_items(html, "actions-heading") == expected


def test_home_page_without_meetings_invitations_or_action_items_says_so(client_for, amelie):
    user, _ = amelie

    html = client_for(user).get(reverse("home")).content.decode()

    assert section_items(html, "upcoming-heading") == []
    assert '<p class="empty">Aucune réunion à venir.</p>' in html
    assert '<p class="empty">Aucune invitation en attente.</p>' in html
    assert '<p class="empty">Aucun point d’action ouvert.</p>' in html


def vm_steps(client, url: str) -> int:
    """The SQLite virtual machine's instructions run while the page is served (the
    database's own measure of the rows it walks)."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 1)
    try:
        assert client.get(url).status_code == 200
    finally:
        connection.connection.set_progress_handler(None, 1)
    return steps[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's own instructions")
def test_home_page_reads_do_not_grow_with_other_peoples_action_items(client_for, amelie):
    user, contact = amelie
    elsewhere = MeetingFactory()
    ActionItemFactory(owner_contact=contact, owner_organisation=None, origin_meeting=elsewhere)
    ActionItemFactory(owner_organisation=contact.organisation, origin_meeting=elsewhere)
    client = client_for(user)
    ActionItemFactory.create_batch(5, origin_meeting=elsewhere)
    client.get(reverse("home"))
    few = vm_steps(client, reverse("home"))

    ActionItemFactory.create_batch(200, origin_meeting=elsewhere)
    many = vm_steps(client, reverse("home"))

    assert many == few
