"""The pages that links sent to one person open are in that person's language, unless the
visitor chose another with the language menu. A link that no longer opens anything says so
in the person's language when it is only too old (they read the e-mail it came in), and in
the browser's language when it is forged or withdrawn (such a link must not tell anything
about anyone)."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.services import consent_link_token, contact_erase
from meetings.enums import InvitationStatus
from meetings.services import actions as action_services
from meetings.services import feedback as feedback_services
from meetings.services import invitations as invitation_services
from meetings.services import poll_links
from meetings.services import polls as poll_services
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = Client(HTTP_ACCEPT_LANGUAGE="en")


def page(path: str, method: str = "get"):
    response = getattr(ENGLISH_BROWSER, method)(path)
    return response.status_code, response["Content-Language"], response.context["error"]


def ended_invitation(language: str, days_ago: float = 15):
    ends_at = timezone.now() - dt.timedelta(days=days_ago)
    return InvitationFactory(
        contact=ContactFactory(preferred_language=language),
        meeting__starts_at=ends_at - dt.timedelta(hours=2),
        meeting__ends_at=ends_at,
    )


@pytest.fixture
def links_too_old(monkeypatch):
    """Every signed link whose age is checked when it is read is older than allowed."""
    monkeypatch.setattr(poll_services, "POLL_LINK_MAX_AGE", -1)
    monkeypatch.setattr(feedback_services, "FEEDBACK_LINK_MAX_AGE", -1)
    monkeypatch.setattr(action_services, "DONE_TOKEN_MAX_AGE", -1)


def rsvp_path(invitation) -> str:
    return reverse("rsvp", args=[invitation_services.invitation_token(invitation)])


def test_an_answer_link_past_its_meeting_says_so_in_the_invitees_language():
    invitation = ended_invitation("nl")

    assert page(rsvp_path(invitation)) == (404, "nl", "Deze antwoordlink is verlopen.")
    assert page(rsvp_path(invitation), "post") == (404, "nl", "Deze antwoordlink is verlopen.")
    text = ENGLISH_BROWSER.get(rsvp_path(invitation)).content.decode()
    assert "De vergadering waarvoor hij werd verstuurd, is voorbij" in text
    assert "om een nieuwe link" not in text  # no new link can help: the meeting is over


def test_a_withdrawn_or_forged_answer_link_answers_in_the_browsers_language():
    invitation = ended_invitation("nl")
    path = rsvp_path(invitation)
    invitation_services.invitation_token_revoke(invitation=invitation)

    assert page(path) == (404, "en", "This answer link was withdrawn.")
    text = ENGLISH_BROWSER.get(path).content.decode()
    assert "Ask the facilitator who invited you for a new link." in text
    assert "there is nothing left to answer" not in text
    assert page(reverse("rsvp", args=["forged:token"])) == (
        404,
        "en",
        "This answer link is not valid.",
    )
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(path)
    assert (french["Content-Language"], french.context["error"]) == (
        "fr",
        "Ce lien de réponse a été retiré.",
    )


def test_an_answer_link_of_an_erased_contact_tells_nothing_of_their_language():
    invitation = ended_invitation("de")
    path = rsvp_path(invitation)
    contact_erase(contact=invitation.contact)

    assert page(path) == (404, "en", "This answer link was withdrawn.")


def poll_link(language: str, facilitator):
    """The path of the personal link of an invitee writing ``language`` to a new time poll,
    and their invitation."""
    session = RoundSessionFactory()
    invitation = InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        contact=ContactFactory(preferred_language=language),
    )
    start = timezone.now() + dt.timedelta(days=10)
    poll = poll_services.time_poll_create(
        meeting=session,
        slots=[(start, start + dt.timedelta(hours=3))],
        deadline=start - dt.timedelta(days=3),
        by=facilitator,
    )
    invitation.refresh_from_db()
    token = poll_links.time_poll_token(poll=poll, invitation=invitation)
    return reverse("time-poll-answer", args=[token]), invitation


def test_an_old_poll_link_says_so_in_the_invitees_language(links_too_old, team_user):
    path, german = poll_link("de", team_user)

    assert page(path) == (404, "de", "Dieser Link zur Terminumfrage ist abgelaufen.")
    assert page(path, "post") == (404, "de", "Dieser Link zur Terminumfrage ist abgelaufen.")

    invitation_services.invitation_token_revoke(invitation=german)
    assert page(path) == (404, "en", "This poll link has expired.")


def test_an_old_feedback_link_says_so_in_the_invitees_language(links_too_old):
    invitation = ended_invitation("fr", days_ago=2)
    path = reverse("feedback-answer", args=[feedback_services.feedback_token(invitation)])

    assert page(path) == (404, "fr", "Ce lien pour donner votre avis a expiré.")

    contact_erase(contact=invitation.contact)
    assert page(path) == (404, "en", "This feedback link has expired.")


def test_the_mark_as_done_link_is_in_the_owners_language_also_when_too_old(links_too_old):
    owner = ContactFactory(preferred_language="nl")
    action = action_services.action_item_create(
        meeting=ended_invitation("nl").meeting, description="Verslag sturen", owner_contact=owner
    )
    path = reverse("action-done-token", args=[action_services.action_done_token(action=action)])

    assert page(path) == (
        400,
        "nl",
        "Deze link is verlopen. Meld u aan om het actiepunt bij te werken.",
    )

    action_services.action_item_update(
        action=action,
        description=action.description,
        owner_contact=ContactFactory(preferred_language="de"),
        owner_organisation=None,
        due_date=None,
    )
    assert page(path) == (400, "en", "This link has expired. Sign in to update the action.")


def test_the_mark_as_done_page_is_in_the_owners_language():
    owner = ContactFactory(preferred_language="fr")
    action = action_services.action_item_create(
        meeting=ended_invitation("fr").meeting, description="Envoyer", owner_contact=owner
    )
    path = reverse("action-done-token", args=[action_services.action_done_token(action=action)])

    shown = ENGLISH_BROWSER.get(path)
    done = ENGLISH_BROWSER.post(path)

    assert [(r.status_code, r["Content-Language"]) for r in (shown, done)] == [
        (200, "fr"),
        (200, "fr"),
    ]
    assert "Marquer comme réalisé" in shown.content.decode()
    assert "le point d’action est marqué comme réalisé." in done.content.decode()


def test_an_old_consents_link_says_so_in_the_contacts_language(settings):
    settings.CONSENT_LINK_MAX_AGE_DAYS = -1
    contact = ContactFactory(preferred_language="de")
    path = reverse("consents-page", args=[consent_link_token(contact=contact)])

    assert page(path) == (404, "de", "Dieser Link ist nicht (mehr) gültig.")
    assert page(path, "post") == (404, "de", "Dieser Link ist nicht (mehr) gültig.")

    contact_erase(contact=contact)
    assert page(path) == (404, "en", "This link is not valid (any more).")


def choose_language(client: Client, language: str, path: str):
    return client.post(reverse("set_language"), {"language": language, "next": path}, follow=True)


def test_the_language_menu_works_on_the_answer_page():
    invitation = InvitationFactory(contact=ContactFactory(preferred_language="nl"))
    path = rsvp_path(invitation)
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")

    first = browser.get(path)
    chosen = choose_language(browser, "de", path)
    again = browser.get(path)

    assert [r["Content-Language"] for r in (first, chosen, again)] == ["nl", "de", "de"]
    assert chosen.redirect_chain == [(path, 302)]
    assert '<html lang="de">' in again.content.decode()
    invitation.contact.refresh_from_db()
    assert invitation.contact.preferred_language == "nl"  # the e-mails keep theirs


def test_the_language_menu_works_on_pages_of_links_that_no_longer_open(links_too_old):
    invitation = ended_invitation("nl")
    feedback_path = reverse("feedback-answer", args=[feedback_services.feedback_token(invitation)])
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")

    choose_language(browser, "fr", rsvp_path(invitation))
    pages = [browser.get(path) for path in (rsvp_path(invitation), feedback_path)]

    assert [(p["Content-Language"], p.context["error"]) for p in pages] == [
        ("fr", "Ce lien de réponse a expiré."),
        ("fr", "Ce lien pour donner votre avis a expiré."),
    ]


@pytest.mark.parametrize(
    ("cookie", "language"),
    [("de", "de"), ("de-AT", "de"), ("EN", "en"), ("xx", "nl"), ("fr;q=1", "nl"), ("", "nl")],
)
def test_a_language_chosen_elsewhere_counts_only_if_the_site_has_it(cookie, language):
    invitation = InvitationFactory(contact=ContactFactory(preferred_language="nl"))
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = browser.get(rsvp_path(invitation))

    assert (response.status_code, response["Content-Language"]) == (200, language)
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_poll_page_says_it_is_in_the_invitees_language(team_user):
    path, _invitation = poll_link("de", team_user)

    page = ENGLISH_BROWSER.get(path)

    assert (page.status_code, page["Content-Language"]) == (200, "de")
    assert '<html lang="de">' in page.content.decode()


def test_the_feedback_page_says_it_is_in_the_attendees_language():
    ends = timezone.now() - dt.timedelta(hours=20)
    invitation = InvitationFactory(
        meeting=RoundSessionFactory(starts_at=ends - dt.timedelta(hours=3), ends_at=ends),
        status=InvitationStatus.ACCEPTED,
        contact=ContactFactory(preferred_language="nl"),
    )
    assert feedback_services.feedback_requests_enqueue() == 1

    page = ENGLISH_BROWSER.get(
        reverse("feedback-answer", args=[feedback_services.feedback_token(invitation)])
    )

    assert (page.status_code, page["Content-Language"]) == (200, "nl")
    assert '<html lang="nl">' in page.content.decode()
