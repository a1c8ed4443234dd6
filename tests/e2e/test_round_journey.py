"""Browser journey: a facilitator creates a consultation round from scratch and adds a French
and a Dutch session, one of them past half a day only with the confirmation."""

import pytest

from coordination.models import ConsultationRound
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def add_session(page, *, title, language, day, start, end, fmt, place):
    page.get_by_role("link", name="Add a session").click()
    page.fill("#id_title", title)
    page.fill("#id_date", day)
    page.fill("#id_start_time", start)
    page.fill("#id_end_time", end)
    page.select_option("#id_format", fmt)
    page.fill("#id_location" if fmt == "in_person" else "#id_online_url", place)
    page.select_option("#id_language", language)
    page.get_by_role("button", name="Save").click()


def test_facilitator_creates_a_round_with_two_sessions(page, login):
    login(UserFactory(username="fac", facilitator=True))
    page.goto("/rounds/")
    page.get_by_role("link", name="New consultation round").click()
    page.fill("#id_title", "Access to housing 2027")
    page.fill("#id_themes", "Housing\nAccess to work")
    page.get_by_label("Q49.").check()
    page.fill("#id_capacity_per_session", "16")
    page.get_by_role("button", name="Create the round").click()
    assert page.locator(".message.success").inner_text() == (
        "The round was created. Add its sessions next."
    )
    assert page.locator("h1").inner_text() == "Access to housing 2027"

    add_session(page, title="Session FR", language="fr", day="2027-03-02", start="09:00",
                end="14:00", fmt="in_person", place="Rue de la Loi 16, 1000 Bruxelles")  # fmt: skip
    assert "half a day" in page.locator(".errorlist").first.inner_text()
    page.get_by_label("I confirm this consultation session may last longer than half a day").check()
    page.get_by_role("button", name="Save").click()
    assert page.locator(".message.success").first.inner_text() == (
        "The session was added to the round."
    )
    add_session(page, title="Sessie NL", language="nl", day="2027-03-04", start="09:30",
                end="12:30", fmt="online", place="https://meet.example.be/sessie")  # fmt: skip

    sessions = page.locator(".round-sessions li")
    assert sessions.count() == 2
    assert sessions.nth(0).locator("a").first.inner_text() == "Session FR"
    assert sessions.nth(1).locator("a").first.inner_text() == "Sessie NL"
    created = ConsultationRound.objects.get()
    assert created.themes == ["Housing", "Access to work"]
    assert list(created.questions.values_list("number", flat=True)) == [49]
    assert list(created.facilitators.values_list("username", flat=True)) == ["fac"]
    assert [
        (s.language, s.format, s.capacity, s.duration_minutes)
        for s in created.sessions.order_by("starts_at")
    ] == [("fr", "in_person", 16, 300), ("nl", "online", 16, 180)]
