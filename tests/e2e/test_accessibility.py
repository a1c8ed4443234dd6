"""Accessibility (WCAG 2.2 level AA, as the public bodies that use the product must meet):
axe-core, run in Debian's chromium, finds no violation on any page that the demo's users
reach by following links, nor on the pages that e-mails link to (answer, feedback, time
poll, consents, mark as done), on a desktop screen with an English browser and on a
360-pixel phone with a French one, whose words are the longest (a signed-in user reads the
language of their profile: the demo's participant Dutch)."""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coordination.models import Contact
from coordination.services import consent_link_token
from meetings.models import ActionItem, FeedbackRequest, Invitation, TimePoll
from meetings.services.actions import action_done_token
from meetings.services.feedback import feedback_token
from meetings.services.invitations import invitation_token
from meetings.services.poll_links import time_poll_token

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
SCREENS = {
    "desktop": ({"width": 1280, "height": 900}, "en-GB"),
    "phone": ({"width": 360, "height": 800}, "fr-BE"),
}
# Not pages: downloads, feeds, the API and the admin (Django's own), signing out.
NOT_PAGES = re.compile(
    r"/accounts/logout/|/admin/|/api/|/static/|/media/|/i18n/|/calendar/|"
    r"\.(csv|xlsx|pdf|docx|ics|md|zip|json)$|/export"
)
# Pages reached by a signed link: each its own; other pages once per shape of address.
LINKED_FROM_E_MAILS = ("/rsvp/", "/feedback/", "/consents/", "/actions/done/", "/poll/")
MAX_PAGES = 120


def shape(path: str) -> str:
    """What tells pages apart: the address without its numbers, and the names (not the
    values) of its query (a form for a group, a filtered list)."""
    if path.startswith(LINKED_FROM_E_MAILS):
        return path
    address = urlsplit(path)
    names = sorted({pair.split("=")[0] for pair in address.query.split("&") if pair})
    return re.sub(r"\d+", "N", address.path) + "?" + "&".join(names)


def e_mailed_links() -> list[str]:
    """The demo's links as its e-mails carry them: an invitation, a feedback questionnaire
    and a time poll still to be answered, an answer link past its life (a past meeting's), the
    consents, marking an action item as done."""
    waiting = Invitation.objects.filter(status="sent", meeting__starts_at__gt=timezone.now())
    invitation = waiting.order_by("meeting__starts_at", "pk").first()
    expired = Invitation.objects.exclude(status="drafted").order_by("meeting__starts_at").first()
    asked = FeedbackRequest.objects.filter(answered_at__isnull=True).order_by("pk").first()
    poll = TimePoll.objects.get()
    polled = poll.meeting.invitations.exclude(time_poll_answers__slot__poll=poll).order_by("pk")
    contact = Contact.objects.filter(email__isnull=False).order_by("pk").first()
    action = ActionItem.objects.order_by("pk").first()
    return [
        reverse("rsvp", args=[invitation_token(invitation)]),
        reverse("rsvp", args=[invitation_token(expired)]),
        reverse("feedback-answer", args=[feedback_token(asked.invitation)]),
        reverse("time-poll-answer", args=[time_poll_token(poll=poll, invitation=polled[0])]),
        reverse("consents-page", args=[consent_link_token(contact=contact)]),
        reverse("action-done-token", args=[action_done_token(action=action)]),
    ]


def violations_on_pages(page, start: list[str]) -> tuple[dict[str, list[str]], int]:
    """Follows the links from ``start``; returns each violated rule with the pages (and
    elements) that violate it, and how many pages were checked."""
    axe, todo, seen, found = Axe(), list(start), set(), {}
    while todo and len(seen) < MAX_PAGES:
        path = todo.pop(0)
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = page.goto(path)
        if response.status != 200 or "text/html" not in response.headers["content-type"]:
            continue
        for violation in axe.run(page, options=RULES).response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]]
            found.setdefault(violation["id"], []).append(f"{path} {targets[:3]}")
        hrefs = page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        todo += [
            href.split("#")[0]
            for href in hrefs
            if href.startswith("/") and not NOT_PAGES.search(urlsplit(href).path)
        ]
    return found, len(seen)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("team", "team-demo-2026"),
        ("facilitator", "facilitator-demo-2026"),
        ("participant", "participant-demo-2026"),
    ],
)
def test_pages_of_a_signed_in_user_have_no_accessibility_violation(
    browser, live_server, demo, screen, username, password
):
    viewport, locale = SCREENS[screen]
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")

    found, checked = violations_on_pages(page, ["/"])
    context.close()

    assert found == {}
    assert checked > 10


@pytest.mark.parametrize("screen", SCREENS)
def test_pages_without_an_account_have_no_accessibility_violation(
    browser, live_server, demo, screen
):
    viewport, locale = SCREENS[screen]
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport)
    page = context.new_page()

    found, checked = violations_on_pages(page, ["/accounts/login/", *e_mailed_links()])
    context.close()

    assert found == {}
    assert checked >= 8
