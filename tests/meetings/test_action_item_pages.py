"""Action-item pages: lists, filters, status changes, the e-mail link and the exports."""

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem
from meetings.services import actions as action_services
from tests.factories import (
    ActionItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.meetings.builders import invitee_of, leader_of

pytestmark = pytest.mark.django_db


def test_action_list_query_count_is_constant(client_for, team_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(team_user)
    meeting = MeetingFactory()
    action_services.action_item_create(
        meeting=meeting, description="x", owner_contact=ContactFactory()
    )
    client.get(reverse("action-list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("action-list"))
    for _n in range(4):
        other = MeetingFactory()
        action = action_services.action_item_create(
            meeting=other, description="y", owner_contact=ContactFactory()
        )
        action_services.action_items_mark_reviewed(meeting=other, actions=[action])
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("action-list"))

    assert len(response.context["rows"]) == 5
    assert len(one) == len(five), "\n".join(q["sql"][:300] for q in five.captured_queries)


def test_action_list_row_shows_owner_due_date_status_origin_and_reviews(client_for, team_user):
    origin = MeetingFactory(title="Housing group", starts_at=timezone.now() - dt.timedelta(days=9))
    owner = ContactFactory(name="Anna Peeters")
    action = action_services.action_item_create(
        meeting=origin,
        description="Send the shelter figures " + "in detail " * 20,
        owner_contact=owner,
        owner_organisation=owner.organisation,
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    first, second = MeetingFactory(title="June review"), MeetingFactory(title="July review")
    action_services.action_items_mark_reviewed(meeting=first, actions=[action])
    action_services.action_items_mark_reviewed(meeting=second, actions=[action])
    unowned_action = ActionItemFactory(origin_meeting=origin, description="Book", due_date=None)

    response = client_for(team_user).get(reverse("action-list"))

    rows = {row["pk"]: row for row in response.context["rows"]}
    owned, unowned = rows[action.pk], rows[unowned_action.pk]
    assert owned["description"] == ("Send the shelter figures " + "in detail " * 20)[:119] + "…"
    assert (owned["contact_name"], owned["contact_url"]) == (
        "Anna Peeters",
        f"?status=open&owner={owner.pk}",
    )
    assert (owned["organisation_name"], owned["organisation_url"]) == (
        owner.organisation.name,
        f"?status=open&organisation={owner.organisation_id}",
    )
    assert (owned["overdue"], owned["status"], owned["status_label"]) == (True, "open", "Open")
    assert owned["meeting_url"] == reverse("meeting-detail", args=[origin.pk])
    assert (owned["meeting_title"], owned["reviewed_at"]) == (
        "Housing group",
        "June review, July review",
    )
    assert owned["url"] == reverse("action-detail", args=[action.pk])
    assert (unowned["contact_name"], unowned["contact_url"], unowned["due"]) == ("", "", "–")
    assert unowned["organisation_name"] == unowned_action.owner_organisation.name
    assert (unowned["overdue"], unowned["reviewed_at"]) == (False, "–")
    assert "Anna Peeters" in response.text and "June review, July review" in response.text


def test_my_action_items_lists_only_mine(client_for, participant):
    meeting = MeetingFactory()
    mine = action_services.action_item_create(
        meeting=meeting, description="Mine", owner_contact=participant.contact
    )
    action_services.action_item_create(
        meeting=meeting, description="Theirs", owner_contact=ContactFactory()
    )

    response = client_for(participant).get(reverse("action-list"), {"scope": "mine"})

    assert [a["pk"] for a in response.context["rows"]] == [mine.pk]


def test_action_owner_marks_done_in_the_portal_but_others_cannot(client_for, participant):
    meeting = MeetingFactory()
    action = action_services.action_item_create(
        meeting=meeting, description="Mine", owner_contact=participant.contact
    )
    other = invitee_of(meeting)

    refused = client_for(other).post(reverse("action-status", args=[action.pk]), {"status": "done"})
    done = client_for(participant).post(
        reverse("action-status", args=[action.pk]), {"status": "done"}
    )

    assert (refused.status_code, done.status_code) == (403, 302)
    assert ActionItem.objects.get(pk=action.pk).status == "done"


def test_action_done_link_confirms_then_marks_done(client):
    action = action_services.action_item_create(
        meeting=MeetingFactory(), description="Send", owner_contact=ContactFactory()
    )
    url = reverse("action-done-token", args=[action_services.action_done_token(action=action)])

    shown = client.get(url)
    status_after_get = ActionItem.objects.get(pk=action.pk).status
    posted = client.post(url)

    assert (shown.status_code, status_after_get) == (200, "open")
    assert "Thank you: the action item is marked as done." in posted.content.decode()
    assert ActionItem.objects.get(pk=action.pk).status == "done"


def test_action_done_link_with_a_forged_token_is_refused(client):
    response = client.post(reverse("action-done-token", args=["forged:token"]))

    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()


def test_action_export_csv_neutralises_formulas(client_for, team_user):
    action_services.action_item_create(
        meeting=MeetingFactory(), description="Budget;=1+1;@SUM(1)", owner_contact=ContactFactory()
    )

    response = client_for(team_user).get(reverse("action-export", args=["csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[1].split(",")[1] == "\"Budget;'=1+1;'@SUM(1)\""
    assert list(csv.reader(io.StringIO(text)))[1][1] == "Budget;'=1+1;'@SUM(1)"


def test_action_list_with_invalid_filter_is_a_400(client_for, team_user):
    response = client_for(team_user).get(reverse("action-list"), {"due_from": "not-a-date"})

    assert response.status_code == 400
    assert response.context["form"].errors["due_from"] == ["Enter a valid date."]


@pytest.mark.parametrize(
    "query",
    [{"meeting": "99999999999999999999"}, {"owner": "-1"}, {"meeting": "1.5"}],
)
def test_action_list_with_out_of_range_ids_is_a_400(client_for, team_user, query):
    response = client_for(team_user).get(reverse("action-list"), query)

    assert response.status_code == 400


def test_action_list_per_group_and_per_meeting_with_carry_over(client_for, team_user):
    first = MeetingFactory()
    carried = action_services.action_item_create(
        meeting=first, description="Carried", owner_contact=ContactFactory()
    )
    other_group = action_services.action_item_create(
        meeting=MeetingFactory(), description="Other group", owner_contact=ContactFactory()
    )
    later = MeetingFactory(
        working_group=first.working_group,
        starts_at=first.starts_at + dt.timedelta(days=14),
        ends_at=first.ends_at + dt.timedelta(days=14),
    )
    client = client_for(team_user)

    per_group = client.get(reverse("action-list"), {"working_group": first.working_group_id})
    per_meeting = client.get(reverse("action-list"), {"meeting": later.pk})

    assert [a["pk"] for a in per_group.context["rows"]] == [carried.pk]
    assert [a["pk"] for a in per_meeting.context["rows"]] == [carried.pk]
    assert other_group.pk not in [a["pk"] for a in per_group.context["rows"]]


def test_action_of_my_organisation_opens_but_only_its_owner_may_change_it(client_for):
    colleague_user = UserFactory()
    owner = ContactFactory()
    ContactFactory(user=colleague_user, organisation=owner.organisation)
    action = action_services.action_item_create(
        meeting=MeetingFactory(), description="Org task", owner_contact=owner
    )
    client = client_for(colleague_user)

    page = client.get(reverse("action-detail", args=[action.pk]))
    change = client.post(reverse("action-status", args=[action.pk]), {"status": "done"})

    assert (page.status_code, change.status_code) == (200, 403)
    assert ActionItem.objects.get(pk=action.pk).status == "open"


def test_facilitator_edits_an_action_item_and_bad_dates_change_nothing(client_for, participant):
    meeting = MeetingFactory()
    owner = ContactFactory()
    action = action_services.action_item_create(
        meeting=meeting, description="Draft the agreement", owner_contact=owner
    )
    url = reverse("action-edit", args=[action.pk])
    facilitator = client_for(leader_of(meeting))
    day = timezone.localtime(meeting.starts_at).date()

    saved = facilitator.post(
        url,
        {"description": "Draft the data-sharing agreement", "owner_contact": owner.pk,
         "due_date": (day + dt.timedelta(days=10)).isoformat()},
    )  # fmt: skip
    refused = facilitator.post(
        url,
        {"description": "Too early", "owner_contact": owner.pk,
         "due_date": (day - dt.timedelta(days=1)).isoformat()},
    )  # fmt: skip
    by_participant = client_for(participant).get(url)

    action.refresh_from_db()
    assert saved.status_code == 302
    assert refused.status_code == 400
    assert (action.description, action.due_date) == (
        "Draft the data-sharing agreement",
        day + dt.timedelta(days=10),
    )
    assert by_participant.status_code == 404


def _options(html: str, name: str) -> list[tuple[str, str]]:
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def _suggested(html: str, name: str) -> tuple[str, list[str]]:
    """The value of the owner field ``name`` and what the datalist it names suggests."""
    soup = BeautifulSoup(html, "html.parser")
    field = soup.find("input", attrs={"name": name})
    suggestions = soup.find("datalist", id=field["list"])
    return field["value"], [option["value"] for option in suggestions.find_all("option")]


def test_action_edit_offers_the_meetings_people_as_owners_never_the_directory(client_for):
    meeting = MeetingFactory()
    invitee = InvitationFactory(meeting=meeting, status="accepted", contact__name="Invitee").contact
    InvitationFactory(meeting=meeting, status="drafted", contact__name="Drafted")
    member = MembershipFactory(group=meeting.working_group, contact__name="Member").contact
    former = ContactFactory(name="Former owner")
    outsider = ContactFactory(name="Outsider")
    action = action_services.action_item_create(
        meeting=meeting, description="Draft the agreement", owner_contact=former
    )
    leader = leader_of(meeting)
    client = client_for(leader)
    url = reverse("action-edit", args=[action.pk])

    page = client.get(url).content.decode()
    by_number = client.post(url, {"description": "Hand over", "owner_contact": outsider.pk})
    by_name = client.post(url, {"description": "Hand over", "owner_contact": "Outsider"})

    people = sorted([former, invitee, member, leader.contact], key=lambda c: (c.name, c.pk))
    organisations = sorted({c.organisation for c in people}, key=lambda o: (o.name, o.pk))
    assert _suggested(page, "owner_contact") == (
        f"Former owner ({former.organisation.name}) #{former.pk}",
        [f"{c.name} ({c.organisation.name}) #{c.pk}" for c in people],
    )
    assert _suggested(page, "owner_organisation") == (
        f"{former.organisation.name} #{former.organisation_id}",
        [f"{o.name} #{o.pk}" for o in organisations],
    )
    assert by_number.status_code == by_name.status_code == 400
    assert f"Contact #{outsider.pk} cannot be chosen here." in by_number.content.decode()
    assert "No contact matches “Outsider”." in by_name.content.decode()
    assert ActionItem.objects.get(pk=action.pk).owner_contact == former


def test_action_filter_offers_no_list_of_every_owner(client_for, team_user):
    owners = [ContactFactory(name=f"Owner {n}") for n in range(5)]
    for owner in owners:
        ActionItemFactory(owner_contact=owner, owner_organisation=owner.organisation)
    client = client_for(team_user)

    unfiltered = client.get(reverse("action-list")).content.decode()
    chosen = client.get(
        reverse("action-list"), {"owner": owners[2].pk, "status": "open"}
    ).content.decode()

    assert _options(unfiltered, "owner") == [("", "Anyone")]
    assert _options(unfiltered, "organisation") == [("", "Any")]
    assert _options(chosen, "owner") == [("", "Anyone"), (str(owners[2].pk), str(owners[2]))]
    assert f'href="?status=open&amp;owner={owners[2].pk}">Owner 2</a>' in chosen
    assert chosen.count("Owner ") == 2  # the chosen option and its one row
