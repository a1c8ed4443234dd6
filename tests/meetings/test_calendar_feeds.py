"""Downloads and subscription feeds: permission, contents (read by vobject), conditional GET,
regenerate and revoke."""

import datetime as dt

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone

from meetings import enums
from meetings.enums import InvitationStatus
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _user_with_contact(**kwargs):
    user = UserFactory(**kwargs)
    ContactFactory(user=user, email=f"{user.username}@example.org")
    return user


def test_invite_ics_download_is_permission_checked(client_for):
    meeting = MeetingFactory()
    stranger = _user_with_contact()

    allowed = client_for(TeamUserFactory()).get(reverse("meeting-ics", args=[meeting.pk]))
    refused = client_for(stranger).get(reverse("meeting-ics", args=[meeting.pk]))

    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = vobject.readOne(allowed.content.decode())
    assert "method" not in parsed.contents
    assert parsed.vevent.uid.value == meeting.ical_uid
    assert refused.status_code == 404


def test_personal_feed_has_accepted_tentative_and_recently_cancelled(client):
    user = _user_with_contact()
    contact = user.contact
    accepted = InvitationFactory(contact=contact, status=InvitationStatus.ACCEPTED).meeting
    tentative = InvitationFactory(contact=contact, status=InvitationStatus.TENTATIVE).meeting
    InvitationFactory(contact=contact, status=InvitationStatus.DECLINED)
    InvitationFactory(contact=contact, status=InvitationStatus.SENT)
    cancelled = InvitationFactory(
        contact=contact,
        status=InvitationStatus.ACCEPTED,
        meeting__status=enums.MeetingStatus.CANCELLED,
    ).meeting

    response = client.get(reverse("calendar-feed", args=[user.calendar_token]))

    parsed = vobject.readOne(response.content.decode())
    events = {e.uid.value: e.status.value for e in parsed.vevent_list}
    assert response.status_code == 200
    assert "method" not in parsed.contents
    assert events == {
        accepted.ical_uid: "TENTATIVE",
        tentative.ical_uid: "TENTATIVE",
        cancelled.ical_uid: "CANCELLED",
    }
    attendee = parsed.vevent_list[0].attendee
    assert attendee.value == f"mailto:{contact.email}"


def test_personal_feed_drops_meetings_cancelled_more_than_30_days_ago(client):
    from meetings.models import Meeting

    user = _user_with_contact()
    meeting = InvitationFactory(
        contact=user.contact,
        status=InvitationStatus.ACCEPTED,
        meeting__status=enums.MeetingStatus.CANCELLED,
    ).meeting
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now() - dt.timedelta(days=31))

    response = client.get(reverse("calendar-feed", args=[user.calendar_token]))

    assert "vevent" not in vobject.readOne(response.content.decode()).contents


def test_feed_answers_conditional_get_with_304(client):
    user = _user_with_contact()
    InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    url = reverse("calendar-feed", args=[user.calendar_token])
    first = client.get(url)

    by_etag = client.get(url, headers={"if-none-match": first["ETag"]})
    by_date = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert first.status_code == 200
    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert by_date.status_code == 304


def test_feed_etag_changes_when_a_meeting_changes(client):
    user = _user_with_contact()
    invitation = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    url = reverse("calendar-feed", args=[user.calendar_token])
    first = client.get(url)
    meeting = invitation.meeting
    meeting.location = "Somewhere else 12, Brussels"
    meeting.save()

    second = client.get(url, headers={"if-none-match": first["ETag"]})

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_feed_with_unknown_token_is_404(client):
    assert client.get(reverse("calendar-feed", args=["nope"])).status_code == 404


def test_regenerate_and_revoke_the_feed_links(client_for):
    user = _user_with_contact()
    old = user.calendar_token
    client = client_for(user)

    client.post(reverse("calendar-settings"), {"action": "regenerate"})
    user.refresh_from_db()
    renewed = user.calendar_token
    client.post(reverse("calendar-settings"), {"action": "revoke"})
    user.refresh_from_db()

    assert renewed != old
    assert client.get(reverse("calendar-feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[renewed])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[user.calendar_token])).status_code == 404
    page = client.get(reverse("calendar-settings"))
    assert page.context["active"] is False


def test_switching_revoked_links_on_again_gives_a_new_working_address(client_for):
    user = _user_with_contact()
    first = user.calendar_token
    client = client_for(user)

    client.post(reverse("calendar-settings"), {"action": "revoke"}, follow=True)
    user.refresh_from_db()
    revoked = user.calendar_token
    response = client.post(reverse("calendar-settings"), {"action": "regenerate"}, follow=True)
    user.refresh_from_db()

    assert [str(m) for m in response.context["messages"]] == [
        "Your calendar links were renewed; the old ones no longer work."
    ]
    assert response.context["active"] is True
    assert response.context["feed_url"] == (
        "http://testserver" + reverse("calendar-feed", args=[user.calendar_token])
    )
    assert client.get(reverse("calendar-feed", args=[first])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[revoked])).status_code == 404
    assert client.get(reverse("calendar-feed", args=[user.calendar_token])).status_code == 200


def test_group_feed_is_for_current_members_only(client):
    member = _user_with_contact()
    membership = MembershipFactory(contact=member.contact)
    meeting = MeetingFactory(working_group=membership.group, recurrence_rule="FREQ=WEEKLY;COUNT=3")
    outsider = _user_with_contact()

    ok = client.get(
        reverse("calendar-group-feed", args=[member.calendar_token, membership.group.slug])
    )
    refused = client.get(
        reverse("calendar-group-feed", args=[outsider.calendar_token, membership.group.slug])
    )

    parsed = vobject.readOne(ok.content.decode())
    assert ok.status_code == 200
    assert parsed.vevent.uid.value == meeting.ical_uid
    assert parsed.vevent.rrule.value == "FREQ=WEEKLY;COUNT=3"
    assert parsed.vevent.valarm.trigger.value == dt.timedelta(days=-1)
    assert refused.status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_personal_feed_query_count_is_constant(rows, client, django_assert_num_queries):
    user = _user_with_contact()
    for _ in range(rows):
        InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)

    with django_assert_num_queries(4):
        response = client.get(reverse("calendar-feed", args=[user.calendar_token]))

    assert response.status_code == 200
