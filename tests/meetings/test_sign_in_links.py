"""Sign-in links in every e-mail to a contact: personal, expiring, revocable, participant
rights only, and opening one changes nothing."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import Contact, User
from coordination.rules import FACILITATORS_GROUP
from coordination.services import contact_erase, user_sign_in_links_revoke
from meetings.enums import InvitationStatus
from meetings.models import MinutesComment, OutboundMessage
from meetings.services import access, agendas, invitations
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    RoundSessionFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+/sign-in/link/\?[^\s\"<>]+")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def links_in(text: str) -> dict[str, str]:
    """The sign-in links of a message, by the page they open."""
    found = {}
    for url in LINK.findall(text):
        query = parse_qs(urlsplit(url.replace("&amp;", "&")).query)
        found[query["next"][0]] = url.replace("&amp;", "&")
    return found


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def circulate_to(contact):
    meeting = MeetingFactory(title="Housing group, May")
    item = AgendaItemFactory(meeting=meeting, position=1, title="Data sharing")
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.ACCEPTED)
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="Agreed.")
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    minutes_services.minutes_circulation_send(minutes_id=minutes.pk)
    row = OutboundMessage.objects.get(minutes=minutes, kind="minutes_circulated")
    return meeting, minutes, item, row


def test_minutes_email_link_signs_a_contact_without_account_in_to_comment():
    contact = ContactFactory(name="Ana Peeters", email="ana@example.org", preferred_language="nl")
    assert contact.user is None

    meeting, minutes, item, row = circulate_to(contact)
    contact.refresh_from_db()
    minutes_path = f"/meetings/{meeting.pk}/minutes/"
    link = links_in(row.body_text)[minutes_path]
    client = Client()
    opened = client.get(relative(link))
    page = client.get(minutes_path)
    posted = client.post(
        reverse("minutes-comment", args=[meeting.pk, minutes.pk]),
        {"text": "Please add the date.", "agenda_item": item.pk},
    )

    assert contact.user is not None
    assert contact.user.has_usable_password() is False
    assert contact.user.email == "ana@example.org"
    assert opened.status_code == 302
    assert opened["Location"] == minutes_path
    assert page.status_code == 200
    assert page.context["user"].pk == contact.user_id
    assert posted.status_code == 302
    comment = MinutesComment.objects.get(minutes=minutes)
    assert comment.author_id == contact.user_id
    assert "Ana Peeters" in client.get(minutes_path).content.decode()


def test_invitation_email_links_open_the_meeting_agenda_and_pdf_signed_in():
    meeting = RoundSessionFactory(title="Consultation on housing")
    AgendaItemFactory(meeting=meeting, position=1, title="Housing needs")
    agendas.agenda_publish(meeting=meeting)
    contact = ContactFactory(name="Lea Martin", email="lea@example.org")
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.DRAFTED)

    invitations.invitations_send(meeting=meeting)
    row = OutboundMessage.objects.get(invitation__contact=contact, kind="invitation")
    found = links_in(row.body_text)
    client = Client()
    client.get(relative(found[f"/meetings/{meeting.pk}/agenda/"]))
    agenda = client.get(f"/meetings/{meeting.pk}/agenda/")
    pdf = client.get(f"/meetings/{meeting.pk}/agenda.pdf")

    assert sorted(found) == sorted(
        [
            f"/meetings/{meeting.pk}/",
            f"/meetings/{meeting.pk}/agenda/",
            f"/meetings/{meeting.pk}/agenda.pdf",
            f"/meetings/{meeting.pk}/invite.ics",
            "/calendar/",
            "/my-data/",
        ]
    )
    assert links_in(row.body_html).keys() == found.keys()
    assert agenda.status_code == 200
    assert "Housing needs" in agenda.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_invitation_link_expires_a_few_days_after_the_meeting(settings):
    settings.SIGN_IN_LINK_DAYS_AFTER_MEETING = 5
    meeting = RoundSessionFactory()
    contact = ContactFactory(email="ines@example.org")
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.DRAFTED)

    invitations.invitations_send(meeting=meeting)
    link = next(iter(links_in(OutboundMessage.objects.get(kind="invitation").body_text).values()))
    until = int(parse_qs(urlsplit(link).query)["u"][0])

    assert until == int((meeting.ends_at + dt.timedelta(days=5)).timestamp())


def test_link_about_nothing_dated_expires_after_the_configured_days(settings):
    settings.SIGN_IN_LINK_DAYS = 14
    now = timezone.now()

    until = access.sign_in_link_valid_until(meeting_end=None, now=now)
    past_meeting = access.sign_in_link_valid_until(meeting_end=now - dt.timedelta(days=1), now=now)

    assert until == now + dt.timedelta(days=14)
    assert past_meeting == now + dt.timedelta(days=14)


def test_sign_in_link_never_grants_team_or_facilitator_rights():
    person = TeamUserFactory(username="both-roles", is_superuser=True)
    person.groups.add(Group.objects.get_or_create(name=FACILITATORS_GROUP)[0])
    contact = ContactFactory(user=person, name="Marie Dubois", email="marie@example.org")
    meeting = RoundSessionFactory()
    meeting.consultation_round.facilitators.add(person)
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.ACCEPTED)
    link = access.sign_in_link_url(contact=contact, path=f"/meetings/{meeting.pk}/")

    client = Client()
    client.get(relative(link))
    meeting_page = client.get(f"/meetings/{meeting.pk}/")
    invitations_page = client.get(f"/meetings/{meeting.pk}/invitations/")
    admin_page = client.get("/admin/")
    directory = client.get("/organisations/")
    api = client.get("/api/organisations/")

    assert meeting_page.status_code == 200
    assert invitations_page.status_code == 403
    assert admin_page.status_code == 302
    assert admin_page["Location"].startswith("/admin/login/")
    assert directory.status_code == 403
    assert api.status_code == 403
    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser) == (True, True)


def test_password_log_in_after_a_link_gives_the_full_rights_back():
    person = TeamUserFactory(username="team-and-contact")
    person.set_password("pw-test-123")
    person.save()
    contact = ContactFactory(user=person, email="team.contact@example.org")
    client = Client()
    client.get(relative(access.sign_in_link_url(contact=contact, path="/")))
    limited = client.get("/admin/")

    client.post(reverse("login"), {"username": "team-and-contact", "password": "pw-test-123"})
    full = client.get("/admin/")

    assert limited.status_code == 302
    assert full.status_code == 200


def test_a_full_session_of_the_same_person_keeps_its_rights():
    person = TeamUserFactory(username="signed-in-team")
    contact = ContactFactory(user=person, email="signed.in@example.org")
    client = Client()
    client.force_login(person)

    client.get(relative(access.sign_in_link_url(contact=contact, path="/")))

    assert client.get("/admin/").status_code == 200


def test_expired_link_is_refused_in_the_contact_language_with_a_new_link_offer():
    contact = ContactFactory(email="jan@example.org", preferred_language="nl")
    links = access.sign_in_links_for(contact=contact)
    links.until = int((timezone.now() - dt.timedelta(minutes=1)).timestamp())

    response = Client().get(relative(links.url("/my-data/")))

    assert response.status_code == 400
    assert response.context["code"] == "expired"
    assert response.context["user"].is_authenticated is False
    assert response["Content-Language"] == "nl"
    assert 'action="/sign-in/email/"' in response.content.decode()
    assert '<html lang="nl">' in response.content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        {"u": "9999999999"},
        {"c": "999999"},
        {"sesame": "AAAAAAAAAAFgjhhnMAAPzifL"},
        {"c": "not-a-number"},
        {"u": ""},
        {"sesame": ""},
    ],
)
def test_tampered_link_is_refused_and_signs_nobody_in(tamper):
    contact = ContactFactory(email="tamper@example.org")
    link = access.sign_in_link_url(contact=contact, path="/my-data/")
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    query.update(tamper)
    client = Client()

    response = client.get(f"/sign-in/link/?{urlencode(query)}")

    assert response.status_code == 400
    assert response.context["code"] == "invalid"
    assert client.get("/my-data/").status_code == 302


def test_a_refused_link_tells_nothing_of_the_contact_it_names():
    """Whether the contact exists, was erased or deactivated, and their language: a link
    that is not authentic gets the very same page in the browser's language."""
    dutch = ContactFactory(email="ruth@example.org", preferred_language="nl")
    erased = ContactFactory(email="erased@example.org", preferred_language="de")
    access.sign_in_link_url(contact=erased, path="/")
    contact_erase(contact=erased)
    dutch_link = access.sign_in_link_url(contact=dutch, path="/my-data/")
    query = {key: values[0] for key, values in parse_qs(urlsplit(dutch_link).query).items()}
    forged = {**query, "sesame": "AAAAAAAAAAFgjhhnMAAPzifL"}

    pages = [
        Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/sign-in/link/?{urlencode(link)}")
        for link in (forged, {**forged, "c": erased.pk}, {**forged, "c": 999999})
    ]

    assert [
        (page.status_code, page["Content-Language"], page.context["code"], page.context["error"])
        for page in pages
    ] == [
        (
            400,
            "en",
            "invalid",
            "This sign-in link is not valid: it was withdrawn, or copied incompletely.",
        )
    ] * 3


def test_link_is_refused_once_revoked_on_request():
    contact = ContactFactory(email="revoke@example.org")
    link = access.sign_in_link_url(contact=contact, path="/")
    contact.refresh_from_db()
    user_sign_in_links_revoke(user=contact.user)
    fresh = access.sign_in_link_url(contact=contact, path="/")

    refused = Client().get(relative(link))
    accepted = Client().get(relative(fresh))

    assert refused.status_code == 400
    assert refused.context["code"] == "invalid"
    assert accepted.status_code == 302


def test_my_data_withdraws_my_links():
    contact = ContactFactory(email="mydata@example.org")
    link = access.sign_in_link_url(contact=contact, path="/my-data/")
    client = Client()
    client.get(relative(link))

    page = client.get("/my-data/")
    response = client.post(reverse("sign-in-links-revoke"))

    assert f'action="{reverse("sign-in-links-revoke")}"' in page.content.decode()
    assert response.status_code == 302
    assert Client().get(relative(link)).context["code"] == "invalid"


@pytest.mark.parametrize("how", ["erased", "deactivated", "log-in deactivated"])
def test_link_of_an_erased_or_deactivated_contact_works_no_more(how):
    contact = ContactFactory(email="gone@example.org")
    link = access.sign_in_link_url(contact=contact, path="/")
    contact.refresh_from_db()
    if how == "erased":
        contact_erase(contact=contact)
    elif how == "deactivated":
        Contact.objects.filter(pk=contact.pk).update(is_active=False)
    else:
        User.objects.filter(pk=contact.user_id).update(is_active=False)

    response = Client().get(relative(link))

    assert response.status_code == 400
    assert response.context["code"] == "invalid"


def test_next_page_of_a_link_stays_on_this_site():
    contact = ContactFactory(email="redirect@example.org")
    link = access.sign_in_link_url(contact=contact, path="/")
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}

    for target in ("https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"):
        response = Client().get(f"/sign-in/link/?{urlencode({**query, 'next': target})}")
        assert response.status_code == 302
        assert response["Location"] == "/"


def test_opening_links_changes_nothing():
    """Link scanners open every link of a message: the sign-in link, the answer links and
    the "done" link only show pages."""
    meeting = RoundSessionFactory()
    contact = ContactFactory(email="scanned@example.org")
    invitation = InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.SENT)
    rsvp = invitations.rsvp_url(invitation)
    link = access.sign_in_link_url(contact=contact, path=f"/meetings/{meeting.pk}/")
    before = (User.objects.count(), OutboundMessage.objects.count())
    client = Client()

    for answer in ("accepted", "tentative", "declined"):
        assert client.get(f"{urlsplit(rsvp).path}?answer={answer}").status_code == 200
    client.get(relative(link))
    client.get(f"/meetings/{meeting.pk}/")

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT
    assert invitation.answered_at is None
    assert (User.objects.count(), OutboundMessage.objects.count()) == before


def test_every_email_kind_to_a_contact_carries_sign_in_links():
    meeting = RoundSessionFactory()
    contact = ContactFactory(email="all@example.org")
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.DRAFTED)
    invitations.invitations_send(meeting=meeting)
    invitations.invitations_nudge(meeting=meeting)
    meeting.location = "Elsewhere"
    invitations.meeting_updates_enqueue(meeting=meeting)

    kinds = {
        row.kind: bool(links_in(row.body_text)) and bool(links_in(row.body_html))
        for row in OutboundMessage.objects.filter(invitation__contact=contact)
    }

    assert kinds == {"invitation": True, "nudge": True, "update": True}
    assert len(mail.outbox) == 0 or all("sign-in/link" in m.body for m in mail.outbox)


def test_action_reminder_links_open_the_action_signed_in_and_done_link_needs_a_press():
    from meetings.services import actions as action_services
    from tests.factories import ActionItemFactory

    contact = ContactFactory(name="Owen Owner", email="owen@example.org")
    action = ActionItemFactory(
        owner_contact=contact,
        owner_organisation=contact.organisation,
        due_date=timezone.localdate(),
    )

    assert action_services.action_reminder_send(action_id=action.pk) is True
    row = OutboundMessage.objects.get(action_item=action, kind="action_reminder")
    found = links_in(row.body_text)
    client = Client()
    client.get(relative(found[f"/actions/{action.pk}/"]))
    detail = client.get(f"/actions/{action.pk}/")
    done_path = re.search(r"/actions/done/[^/\s]+/", row.body_text).group(0)
    shown = Client().get(done_path)

    assert sorted(found) == sorted([f"/actions/{action.pk}/", "/actions/", "/my-data/"])
    assert detail.status_code == 200
    assert shown.status_code == 200
    action.refresh_from_db()
    assert action.status == "open"


def test_admin_log_in_after_a_link_gives_the_full_rights_back():
    person = TeamUserFactory(username="admin-after-link")
    person.set_password("pw-test-123")
    person.save()
    contact = ContactFactory(user=person, email="admin.after.link@example.org")
    client = Client()
    client.get(relative(access.sign_in_link_url(contact=contact, path="/")))

    client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin-after-link", "password": "pw-test-123", "next": "/admin/"},
    )

    assert client.get("/admin/").status_code == 200
