"""Downloads and subscription feeds: permission, contents (read by vobject), conditional GET,
regenerate and revoke."""

import datetime as dt

import pytest
import vobject
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from coordination.models import Contact
from coordination.services import contact_erase
from meetings import enums
from meetings.enums import InvitationStatus
from meetings.models import Invitation, Meeting
from meetings.services import agendas as agenda_services
from meetings.services import invitations as invitation_services
from meetings.services import scheduling
from meetings.services.polls import time_poll_choose
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    UserFactory,
)
from tests.helpers import one_slot_poll

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


def _backdate(invitation, hours=1):
    """As if the feed had last changed an hour ago (HTTP dates have whole seconds)."""
    past = timezone.now() - dt.timedelta(hours=hours)
    Invitation.objects.filter(pk=invitation.pk).update(updated_at=past)
    Meeting.objects.filter(pk=invitation.meeting_id).update(updated_at=past)
    Contact.objects.filter(pk=invitation.contact_id).update(updated_at=past)


def _uids(response) -> list[str]:
    parsed = vobject.readOne(response.content.decode())
    return [event.uid.value for event in parsed.contents.get("vevent", [])]


def test_feed_last_modified_moves_when_the_invitee_declines(client):
    user = _user_with_contact()
    kept = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    leaving = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    _backdate(kept)
    _backdate(leaving)
    url = reverse("calendar-feed", args=[user.calendar_token])
    first = client.get(url)

    invitation_services.invitation_answer(invitation=leaving, answer=InvitationStatus.DECLINED)
    polled = client.get(url, headers={"if-modified-since": first["Last-Modified"]})

    assert _uids(first) == [kept.meeting.ical_uid, leaving.meeting.ical_uid]
    assert polled.status_code == 200
    assert _uids(polled) == [kept.meeting.ical_uid]
    assert parse_http_date(polled["Last-Modified"]) > parse_http_date(first["Last-Modified"])


def test_feed_compares_a_weak_etag_weakly_and_changes_it_when_a_meeting_leaves(client):
    user = _user_with_contact()
    kept = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    leaving = InvitationFactory(contact=user.contact, status=InvitationStatus.TENTATIVE)
    url = reverse("calendar-feed", args=[user.calendar_token])
    first = client.get(url)
    weak = f"W/{first['ETag']}"  # as a gzip proxy hands it back

    unchanged = client.get(url, headers={"if-none-match": weak})
    invitation_services.invitation_answer(invitation=leaving, answer=InvitationStatus.DECLINED)
    changed = client.get(url, headers={"if-none-match": weak})

    assert first["ETag"].startswith('"')
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert unchanged["ETag"] == first["ETag"]
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert _uids(changed) == [kept.meeting.ical_uid]


def test_feed_of_a_published_agenda_is_new_even_without_a_new_sequence(client):
    user = _user_with_contact()
    invitation = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    _backdate(invitation)
    url = reverse("calendar-feed", args=[user.calendar_token])
    first = client.get(url)

    agenda_services.agenda_item_create(meeting=invitation.meeting, title="Housing in Liège")
    agenda_services.agenda_publish(meeting=invitation.meeting)  # unpublished items stay inside
    second = client.get(url, headers={"if-none-match": first["ETag"]})

    assert second.status_code == 200
    assert (
        "1. Housing in Liège" in vobject.readOne(second.content.decode()).vevent.description.value
    )


def test_feed_names_no_one_whose_data_were_erased_even_from_its_cache(client):
    user = _user_with_contact()
    invitation = InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    _backdate(invitation)
    person = ContactFactory(name="Anneleen Verhaegen")
    agenda_services.agenda_item_create(
        meeting=invitation.meeting, title="Housing plan, presented by Anneleen Verhaegen"
    )
    agenda_services.agenda_publish(meeting=invitation.meeting)
    url = reverse("calendar-feed", args=[user.calendar_token])
    before = client.get(url)  # its events and document are now cached

    contact_erase(contact=person, by=TeamUserFactory())
    after = client.get(url, headers={"if-none-match": before["ETag"]})

    assert "Anneleen Verhaegen" in before.content.decode()
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    description = vobject.readOne(after.content.decode()).vevent.description.value
    assert "Verhaegen" not in after.content.decode()
    assert description.startswith("Agenda:\n1. Housing plan, presented by ")


def test_feed_rebuilt_from_cached_events_is_the_same_as_a_fresh_one(client):
    user = _user_with_contact()
    series = MeetingFactory(recurrence_rule="FREQ=WEEKLY;COUNT=4")
    _moved(series, 2)
    InvitationFactory(contact=user.contact, meeting=series, status=InvitationStatus.ACCEPTED)
    other = InvitationFactory(contact=user.contact, status=InvitationStatus.TENTATIVE)
    url = reverse("calendar-feed", args=[user.calendar_token])
    cache.clear()
    client.get(url)

    scheduling.meeting_update(meeting=other.meeting, by=None, location="Rue Haute 2, Bruxelles")
    partly_cached = client.get(url)
    cache.clear()
    fresh = client.get(url)

    parsed = vobject.readOne(fresh.content.decode())
    assert partly_cached.content == fresh.content
    assert partly_cached["ETag"] == fresh["ETag"]
    assert [e.uid.value for e in parsed.vevent_list].count(series.ical_uid) == 3
    assert [hasattr(e, "recurrence_id") for e in parsed.vevent_list[:3]] == [False, True, True]
    assert parsed.vevent_list[3].location.value == "Rue Haute 2, Bruxelles"


def _moved(series, count: int) -> list:
    """``count`` moved occurrences of a weekly series (one hour later each)."""
    return [
        MeetingFactory(
            working_group=series.working_group,
            recurrence_parent=series,
            recurrence_id=series.starts_at + dt.timedelta(weeks=week),
            starts_at=series.starts_at + dt.timedelta(weeks=week, hours=1),
            ends_at=series.ends_at + dt.timedelta(weeks=week, hours=1),
            title=series.title,
            overridden_fields=["starts_at"],
        )
        for week in range(1, count + 1)
    ]


@pytest.mark.parametrize("rows", [1, 5])
def test_personal_feed_query_count_is_constant(rows, client, django_assert_num_queries):
    user = _user_with_contact()
    for _ in range(rows):
        InvitationFactory(contact=user.contact, status=InvitationStatus.ACCEPTED)
    url = reverse("calendar-feed", args=[user.calendar_token])
    cache.clear()

    # the subscriber, the feed's stamp, each meeting's version; then the invitations and
    # meetings not cached, their agenda items and moved occurrences
    with django_assert_num_queries(6):
        built = client.get(url)
    # the subscriber, the feed's stamp (the document is cached under it)
    with django_assert_num_queries(2):
        cached = client.get(url)
    with django_assert_num_queries(2):
        not_modified = client.get(url, headers={"if-none-match": cached["ETag"]})

    assert (built.status_code, cached.status_code, not_modified.status_code) == (200, 200, 304)
    assert len(_uids(built)) == rows


@pytest.mark.parametrize("moved", [1, 5])
def test_feed_query_count_is_constant_in_moved_occurrences(
    moved, client, django_assert_num_queries
):
    user = _user_with_contact()
    membership = MembershipFactory(contact=user.contact)
    series = MeetingFactory(working_group=membership.group, recurrence_rule="FREQ=WEEKLY;COUNT=8")
    _moved(series, moved)
    InvitationFactory(contact=user.contact, meeting=series, status=InvitationStatus.ACCEPTED)
    personal = reverse("calendar-feed", args=[user.calendar_token])
    group = reverse("calendar-group-feed", args=[user.calendar_token, membership.group.slug])
    cache.clear()

    # the subscriber, the stamp, the versions, the meetings (invitations), agenda items,
    # moved occurrences, their agenda items, the dates the subscriber declined on their own
    with django_assert_num_queries(8):
        personal_feed = client.get(personal)
    # the subscriber, the group, the membership (permission), the stamp, the versions,
    # meetings, agenda items, moved occurrences, their agenda items
    with django_assert_num_queries(9):
        group_feed = client.get(group)
    with django_assert_num_queries(2):
        client.get(personal)

    assert _uids(personal_feed) == [series.ical_uid] * (1 + moved)
    assert _uids(group_feed) == [series.ical_uid] * (1 + moved)


def test_group_feed_leaves_out_a_meeting_until_its_time_poll_chooses_the_slot(client):
    member = _user_with_contact()
    membership = MembershipFactory(contact=member.contact)
    fixed = MeetingFactory(working_group=membership.group)
    polled = MeetingFactory(working_group=membership.group)
    team = TeamUserFactory()
    poll, starts = one_slot_poll(polled, by=team)
    url = reverse("calendar-group-feed", args=[member.calendar_token, membership.group.slug])

    while_open = client.get(url)
    time_poll_choose(poll=poll, slot=poll.slots.get(), by=team)
    chosen = client.get(url, headers={"if-none-match": while_open["ETag"]})

    assert _uids(while_open) == [fixed.ical_uid]
    assert chosen.status_code == 200
    events = {e.uid.value: e for e in vobject.readOne(chosen.content.decode()).vevent_list}
    assert set(events) == {fixed.ical_uid, polled.ical_uid}
    assert events[polled.ical_uid].dtstart.value == starts
