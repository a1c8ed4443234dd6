"""The log-in page's other doors: "e-mail me a sign-in link", "forgot password"; the rate
limits on log-ins, link requests, link presses and the API; and how a failed log-in is
logged."""

import logging
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from coordination.privacy import address_reference
from coordination.services import contact_erase
from meetings.enums import InvitationStatus
from meetings.services import actions as action_services
from meetings.services import invitations
from tests.factories import (
    ActionItemFactory,
    ContactFactory,
    InvitationFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"<>]+/sign-in/link/\?[^\s\"<>]+")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def ask_link(email: str, *, ip: str = "203.0.113.5", next_path: str = ""):
    return Client(REMOTE_ADDR=ip).post(
        reverse("sign-in-link-request"), {"email": email, "next": next_path}
    )


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_text(response) -> str:
    """The page without its CSRF tokens (masked anew on every response)."""
    return CSRF.sub("", response.content.decode())


def test_login_page_offers_a_sign_in_link_and_forgot_password():
    page = Client().get("/accounts/login/")

    assert page.status_code == 200
    body = page_text(page)
    assert 'href="/sign-in/email/"' in body
    assert 'href="/accounts/password-reset/"' in body


def test_sign_in_link_request_sends_a_link_in_the_contact_language():
    contact = ContactFactory(name="Sofie Claes", email="sofie@example.org", preferred_language="nl")

    response = ask_link("Sofie@Example.org", next_path="/actions/")
    link = LINK.findall(mail.outbox[0].body)[0]
    opened = Client().get(link.split("8000", 1)[-1] if "8000" in link else link)

    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["sofie@example.org"]]
    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="nl">' in html
    assert "next=/actions/" in link
    assert opened.status_code == 302
    assert opened["Location"] == "/actions/"
    contact.refresh_from_db()
    assert contact.user.has_usable_password() is False


def test_language_a_participant_chooses_on_the_pages_is_the_one_their_e_mails_use():
    contact = ContactFactory(name="Sofie Claes", email="sofie@example.org", preferred_language="en")
    ask_link("sofie@example.org", next_path="/my-data/")
    browser = Client()
    browser.get(LINK.findall(mail.outbox[0].body)[0].split("8000", 1)[-1])

    browser.post(reverse("set_language"), {"language": "nl", "next": "/my-data/"})
    ask_link("sofie@example.org", ip="203.0.113.6")

    contact.refresh_from_db()
    assert contact.preferred_language == "nl"
    assert contact.user.preferred_language == "nl"
    assert '<html lang="en">' in mail.outbox[0].alternatives[0][0]
    assert '<html lang="nl">' in mail.outbox[1].alternatives[0][0]


def test_sign_in_link_request_answers_the_same_for_unknown_and_erased_addresses():
    ContactFactory(email="known@example.org")
    erased = ContactFactory(email="erased@example.org")
    contact_erase(contact=erased)
    ContactFactory(email="inactive@example.org", is_active=False)

    answers = {
        email: page_text(ask_link(email)).replace(email, "ADDRESS")
        for email in (
            "known@example.org",
            "unknown@example.org",
            "erased@example.org",
            "inactive@example.org",
        )
    }

    assert len(set(answers.values())) == 1
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


def test_sign_in_link_requests_are_limited_per_address(settings):
    settings.RATELIMIT_SIGN_IN_LINK_PER_EMAIL = "3/h"
    ContactFactory(email="often@example.org")

    answers = [ask_link("often@example.org", ip=f"203.0.113.{n}") for n in range(5)]

    assert [a.status_code for a in answers] == [200] * 5
    assert len({page_text(a) for a in answers}) == 1
    assert len(mail.outbox) == 3


def test_sign_in_link_requests_are_limited_per_client_address(settings):
    settings.RATELIMIT_SIGN_IN_LINK_PER_IP = "4/h"

    codes = [ask_link(f"person{n}@example.org").status_code for n in range(6)]
    elsewhere = ask_link("person9@example.org", ip="198.51.100.7")

    assert codes == [200, 200, 200, 200, 429, 429]
    assert elsewhere.status_code == 200
    assert 'id="rate-limited"' in page_text(ask_link("person10@example.org"))


def test_forgot_password_emails_a_reset_link_in_the_user_language():
    user = UserFactory(username="pw-user", email="pw.user@example.org", preferred_language="fr")
    user.set_password("old-password-1")
    user.save()

    response = Client().post(reverse("password_reset"), {"email": "pw.user@example.org"})
    message = mail.outbox[0]
    reset_path = re.search(r"/accounts/reset/[^\s]+/", message.body).group(0)
    client = Client()
    form = client.get(reset_path, follow=True)
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-2026", "new_password2": "a-new-long-password-2026"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert message.to == ["pw.user@example.org"]
    assert '<html lang="fr">' in message.alternatives[0][0]
    assert saved.status_code == 302
    assert saved["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("a-new-long-password-2026")


def test_forgot_password_sends_nothing_to_an_account_without_password():
    contact = ContactFactory(email="nopassword@example.org")
    ask_link("nopassword@example.org")
    contact.refresh_from_db()
    mail.outbox.clear()

    response = Client().post(reverse("password_reset"), {"email": "nopassword@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_log_in_locks_out_after_repeated_failures(settings):
    user = UserFactory(username="locked-user")
    user.set_password("right-password-1")
    user.save()
    client = Client(REMOTE_ADDR="203.0.113.20")

    failures = [
        client.post(reverse("login"), {"username": "locked-user", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    locked = client.post(reverse("login"), {"username": "locked-user", "password": "wrong"})
    right_password = client.post(
        reverse("login"), {"username": "locked-user", "password": "right-password-1"}
    )
    other_person = Client(REMOTE_ADDR="203.0.113.20").post(
        reverse("login"), {"username": "someone-else", "password": "wrong"}
    )

    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert 'id="locked-out"' in page_text(locked)
    assert 'href="/sign-in/email/"' in page_text(locked)
    assert right_password.status_code == 429
    assert other_person.status_code == 200


def test_a_failed_log_in_names_an_address_typed_as_username_by_its_reference(caplog):
    client = Client(REMOTE_ADDR="203.0.113.21")

    with caplog.at_level(logging.INFO, logger="axes"):
        first = client.post(reverse("login"), {"username": "Anna@Example.org", "password": "x"})
        again = client.post(reverse("login"), {"username": "Anna@Example.org", "password": "y"})

    attempt = (
        f'{{username: "{address_reference("anna@example.org")}", ip_address: "203.0.113.21", '
        f'path_info: "{reverse("login")}"}}'
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"AXES: New login failure by {attempt}. Created new record in the database.",
        f"AXES: Repeated login failure by {attempt}. Updated existing record in the database.",
    ]
    assert "example.org" not in caplog.text.lower()


def test_a_username_that_is_no_address_is_logged_as_typed(caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        Client(REMOTE_ADDR="203.0.113.22").post(
            reverse("login"), {"username": "team-lead", "password": "wrong"}
        )

    assert [r.getMessage() for r in caplog.records] == [
        'AXES: New login failure by {username: "team-lead", ip_address: "203.0.113.22", '
        f'path_info: "{reverse("login")}"}}. Created new record in the database.'
    ]


def test_rsvp_answers_are_limited_per_client_address(settings):
    settings.RATELIMIT_LINK_POSTS_PER_IP = "3/m"
    invitation = InvitationFactory(
        meeting=RoundSessionFactory(), contact=ContactFactory(), status=InvitationStatus.SENT
    )
    path = invitations.rsvp_url(invitation).split("8000", 1)[-1]
    client = Client(REMOTE_ADDR="203.0.113.30")

    codes = [client.post(path, {"answer": "accepted"}).status_code for _ in range(4)]
    page = client.get(path)

    assert codes == [302, 302, 302, 429]
    assert page.status_code == 200


def test_done_link_presses_are_limited_per_client_address(settings):
    settings.RATELIMIT_LINK_POSTS_PER_IP = "2/m"
    action = ActionItemFactory(owner_contact=ContactFactory())
    path = reverse("action-done-token", args=[action_services.action_done_token(action=action)])
    client = Client(REMOTE_ADDR="203.0.113.31")

    codes = [client.post(path).status_code for _ in range(3)]

    assert codes == [200, 200, 429]


def test_api_is_throttled_per_user(monkeypatch, participant):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")
    client = Client()
    client.force_login(participant)
    other = Client()
    other.force_login(UserFactory())

    codes = [client.get("/api/meetings/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    assert other.get("/api/meetings/").status_code == 200
