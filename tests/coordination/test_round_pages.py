"""Rounds and their sessions from pages: create and edit a round (themes as a list, survey
questions, facilitators, capacity), what the round's status allows and why not the rest, and
working-group memberships on the group's page."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import ConsultationRound, Membership, Question
from meetings.models import Meeting
from meetings.services import scheduling
from tests.factories import (
    ConsultationRoundFactory,
    ContactFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def test_round_create_page_takes_themes_as_lines_and_makes_the_creator_facilitator(
    client_for, facilitator
):
    q49, q56 = Question.objects.get(number=49), Question.objects.get(number=56)
    colleague = UserFactory(username="colleague", facilitator=True)

    response = client_for(facilitator).post(
        reverse("round-create"),
        {"title": "Housing round 2027", "purpose": "Hear the field",
         "themes": "Housing\n\n  Access to work \nHousing\n", "questions": [q49.pk, q56.pk],
         "facilitators": [colleague.pk], "capacity_per_session": "18"},
    )  # fmt: skip

    created = ConsultationRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("round-detail", args=[created.pk])
    assert (created.title, created.slug, created.status) == (
        "Housing round 2027",
        "housing-round-2027",
        "draft",
    )
    assert created.themes == ["Housing", "Access to work"]
    assert sorted(created.questions.values_list("number", flat=True)) == [49, 56]
    assert sorted(created.facilitators.values_list("username", flat=True)) == [
        "colleague",
        "facilitator-user",
    ]
    assert created.capacity_per_session == 18


def test_round_create_page_shows_questions_as_checkboxes(client_for, facilitator):
    html = client_for(facilitator).get(reverse("round-create")).content.decode()

    assert html.count('type="checkbox" name="questions"') == Question.objects.count()
    assert "<select multiple" not in html


def test_round_create_page_is_refused_to_participants(client_for, participant):
    assert client_for(participant).get(reverse("round-create")).status_code == 403


def test_round_create_without_title_writes_nothing(client_for, facilitator):
    response = client_for(facilitator).post(
        reverse("round-create"), {"title": "", "capacity_per_session": "0"}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "capacity_per_session"}
    assert ConsultationRound.objects.count() == 0


def test_round_edit_keeps_capacity_once_the_panel_is_drawn_and_says_why(client_for):
    round_ = ConsultationRoundFactory(status="panel_drawn", capacity_per_session=12)
    client = client_for(TeamUserFactory())

    page = client.get(reverse("round-edit", args=[round_.pk]))
    client.post(
        reverse("round-edit", args=[round_.pk]),
        {"title": "Renamed", "themes": "Work", "capacity_per_session": "40"},
    )

    round_.refresh_from_db()
    assert (round_.title, round_.themes, round_.capacity_per_session) == ("Renamed", ["Work"], 12)
    assert (
        "The panels were drawn with this capacity: it can only change while the round is a "
        "draft." in page.content.decode()
    )


def test_round_update_service_refuses_a_closed_round():
    from coordination.services import round_update

    round_ = ConsultationRoundFactory(status="closed", title="Old")

    with pytest.raises(ValidationError) as raised:
        round_update(consultation_round=round_, title="New")

    assert raised.value.messages == ["The round is closed: it can no longer be changed."]
    assert ConsultationRound.objects.get().title == "Old"


def test_round_page_offers_adding_sessions_only_while_the_status_allows(client_for):
    draft = ConsultationRoundFactory()
    sent = ConsultationRoundFactory(status="invitations_sent")
    client = client_for(TeamUserFactory())

    draft_page = client.get(reverse("round-detail", args=[draft.pk])).content.decode()
    sent_page = client.get(reverse("round-detail", args=[sent.pk])).content.decode()
    form_page = client.get(reverse("meeting-create") + f"?round={sent.pk}", follow=True)

    add_link = 'href="/meetings/new/?round={}">Add a session</a>'
    assert add_link.format(draft.pk) in draft_page
    assert add_link.format(sent.pk) not in sent_page
    reason = (
        "Invitations for this round were sent: a new session would have no panel. Sessions "
        "can be added while the round is a draft or its panel is drawn."
    )
    assert reason in sent_page
    assert messages_of(form_page) == [reason]
    assert form_page.redirect_chain == [(reverse("round-detail", args=[sent.pk]), 302)]


def test_round_session_added_from_the_page_returns_to_the_round(client_for):
    round_ = ConsultationRoundFactory(capacity_per_session=14)
    client = client_for(TeamUserFactory())

    response = client.post(
        reverse("meeting-create") + f"?round={round_.pk}",
        {"title": "Session NL", "date": "2027-06-01", "start_time": "09:30", "end_time": "12:00",
         "timezone_name": "Europe/Brussels", "format": "online", "location": "",
         "online_url": "https://meet.example.be/nl", "language": "nl", "capacity": "",
         "reminders": "7, 1"},
        follow=True,
    )  # fmt: skip

    session = Meeting.objects.get()
    assert response.redirect_chain == [(reverse("round-detail", args=[round_.pk]), 302)]
    assert messages_of(response) == ["The session was added to the round."]
    assert (session.consultation_round, session.language, session.capacity) == (round_, "nl", 14)
    assert f'href="/meetings/{session.pk}/edit/">Edit the session</a>' in response.content.decode()


def test_round_sessions_of_a_held_round_cannot_be_cancelled_or_changed():
    round_ = ConsultationRoundFactory(status="held")
    session = MeetingFactory(working_group=None, consultation_round=round_)
    team = TeamUserFactory()

    with pytest.raises(ValidationError) as cancelled:
        scheduling.meeting_cancel(meeting=session, by=team)
    with pytest.raises(ValidationError) as moved:
        scheduling.meeting_update(
            meeting=session, by=team, starts_at=session.starts_at + dt.timedelta(days=1),
            ends_at=session.ends_at + dt.timedelta(days=1),
        )  # fmt: skip

    reason = ["The round's sessions were held: they can no longer be changed or cancelled."]
    assert cancelled.value.messages == moved.value.messages == reason
    assert Meeting.objects.get().status == session.status


def test_group_page_adds_a_member_changes_the_role_and_ends_the_membership(client_for):
    group = WorkingGroupFactory()
    chair = UserFactory()
    MembershipFactory(group=group, contact=ContactFactory(user=chair), role="chair")
    newcomer = ContactFactory(name="Nadia New")
    client = client_for(chair)
    url = reverse("working-group-detail", args=[group.pk])

    added = client.post(url, {"contact": newcomer.pk, "role": "member"}, follow=True)
    membership = Membership.objects.get(contact=newcomer)
    changed = client.post(
        url, {"membership": membership.pk, "action": "role", "role": "facilitator"}, follow=True
    )
    membership.refresh_from_db()
    role = membership.role
    ended = client.post(url, {"membership": membership.pk, "action": "end"}, follow=True)

    membership.refresh_from_db()
    assert messages_of(added) == ["Nadia New is now a member of the group."]
    assert (role, messages_of(changed)) == ("facilitator", ["The role of Nadia New was changed."])
    assert messages_of(ended) == ["The membership of Nadia New has ended."]
    assert membership.until == dt.date.today()


def test_group_page_member_changes_are_refused_to_other_facilitators(client_for, facilitator):
    group = WorkingGroupFactory()

    response = client_for(facilitator).post(
        reverse("working-group-detail", args=[group.pk]),
        {"contact": ContactFactory().pk, "role": "member"},
    )

    assert response.status_code == 403
    assert Membership.objects.count() == 0


def test_group_page_adding_a_current_member_twice_is_refused(client_for):
    group = WorkingGroupFactory()
    member = MembershipFactory(group=group)
    client = client_for(TeamUserFactory())

    response = client.post(
        reverse("working-group-detail", args=[group.pk]),
        {"contact": member.contact.pk, "role": "member"},
    )

    assert response.status_code == 400
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("members", [1, 30])
def test_the_group_list_counts_members_without_reading_them(
    members, client_for, django_assert_num_queries
):
    housing = WorkingGroupFactory(name="Housing")
    health = WorkingGroupFactory(name="Health")
    for _ in range(members):
        MembershipFactory(group=housing)
    MembershipFactory(group=health)
    MembershipFactory(group=health, until=dt.date(2026, 6, 1))
    client = client_for(TeamUserFactory())
    client.get(reverse("working-group-list"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("working-group-list"))

    counts = re.findall(
        r'<a href="/groups/\d+/">(\w+)</a></h2>.*?<p class="meta">([^<]+)</p>',
        response.content.decode(),
        re.S,
    )
    assert counts == [("Health", "1 member"), ("Housing", f"{members} member{'s' * (members > 1)}")]
    assert not [q for q in queries if 'FROM "coordination_membership"' in q["sql"]]
    assert len(queries) == 3
