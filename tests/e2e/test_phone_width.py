"""Browser check: on a 360-pixel phone the pages with tables or long forms stay as wide as the
screen (the tables scroll inside their box, the hidden labels of their cells with them); the
consents page keeps its buttons in sight in every language."""

import pytest
from django.urls import reverse

from coordination.services import consent_link_token
from meetings.services import minutes as minutes_services
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    WorkingGroupFactory,
    make_volunteers,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pages_with_tables_fit_a_phone(page, login):
    group = WorkingGroupFactory(name="Housing")
    for _ in range(3):
        MembershipFactory(group=group)
    meeting = MeetingFactory(working_group=group, title="Housing: winter shelters")
    for _ in range(3):
        InvitationFactory(meeting=meeting)
    action = ActionItemFactory(origin_meeting=meeting, description="Send the shelter list")
    AgendaItemFactory(meeting=meeting, title="Winter shelters")
    minutes_services.minutes_start(meeting=meeting)
    make_volunteers(3)
    page.set_viewport_size({"width": 360, "height": 800})
    login(TeamUserFactory(username="team"))

    widths = {}
    for path in (
        f"/groups/{group.pk}/",
        "/pool/",
        f"/meetings/{meeting.pk}/invitations/",
        "/actions/",
        "/meetings/",
        f"/meetings/{meeting.pk}/minutes/edit/",
        f"/actions/{action.pk}/edit/",
    ):
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == dict.fromkeys(widths, 360)


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
def test_consents_page_fits_a_phone_and_changes_the_language_of_the_e_mails(page, language):
    contact = ContactFactory(preferred_language=language)
    ConsentFactory(contact=contact, purpose="consultation_rounds")
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(reverse("consents-page", args=[consent_link_token(contact=contact)]))
    width = page.evaluate("document.documentElement.scrollWidth")
    buttons_in_sight = page.evaluate(
        "[...document.querySelectorAll('table.consents button')].every(b => {"
        " const box = b.getBoundingClientRect(); return box.left >= 0 && box.right <= 360; })"
    )
    other = "de" if language != "de" else "fr"
    page.select_option("#id_language", other)
    with page.expect_navigation():
        page.click("button[value=language]")
    contact.refresh_from_db()

    assert width == 360
    assert buttons_in_sight is True
    assert page.locator("html").get_attribute("lang") == other
    assert page.locator("#id_language option[selected]").get_attribute("value") == other
    assert contact.preferred_language == other


def test_round_form_with_the_survey_questions_fits_a_phone_in_french(page, login):
    page.set_viewport_size({"width": 360, "height": 800})
    login(TeamUserFactory(username="team", preferred_language="fr"))

    page.goto(reverse("round-create"))
    width = page.evaluate("document.documentElement.scrollWidth")
    questions = page.locator("fieldset.checkbox-list input[name=questions]").count()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert questions == 57
    assert width == 360
