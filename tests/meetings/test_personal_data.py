import datetime as dt
import json

import pytest
from django.urls import reverse

from coordination.models import Consent
from meetings.models import TimeProposal
from tests.factories import (
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_participant_downloads_everything_held_about_them(client_for, participant):
    contact = participant.contact
    ConsentFactory(contact=contact, source_detail="Q56")
    MembershipFactory(contact=contact, group__name="Data sharing")
    InvitationFactory(contact=contact, meeting__title="Session FR", comment="I will come")

    response = client_for(participant).get(reverse("my-data-download"))

    data = json.loads(response.content)
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-{contact.pk}.json"'
    )
    assert data["contact"]["email"] == "participant@example.org"
    assert [c["source_detail"] for c in data["consents"]] == ["Q56"]
    assert [g["group"] for g in data["working_groups"]] == ["Data sharing"]
    assert [(i["meeting"], i["comment"]) for i in data["invitations"]] == [
        ("Session FR", "I will come")
    ]


def test_times_proposed_from_a_calendar_are_in_the_personal_data(client_for, participant):
    invitation = InvitationFactory(contact=participant.contact, meeting__title="Session NL")
    start = dt.datetime(2027, 6, 1, 12, 0, tzinfo=dt.UTC)
    TimeProposal.objects.create(
        invitation=invitation,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        comment="After lunch, please.",
        proposed_at=start - dt.timedelta(days=20),
    )

    data = json.loads(client_for(participant).get(reverse("my-data-download")).content)

    assert data["time_proposals"] == [
        {
            "meeting": "Session NL",
            "starts_at": "2027-06-01T12:00:00+00:00",
            "ends_at": "2027-06-01T14:00:00+00:00",
            "comment": "After lunch, please.",
            "proposed_at": "2027-05-12T12:00:00+00:00",
            "status": "open",
        }
    ]


def test_participant_withdraws_a_consent_from_the_portal(client_for, participant):
    consent = ConsentFactory(contact=participant.contact)

    response = client_for(participant).post(
        reverse("my-data"), {"withdraw": consent.purpose}, follow=True
    )

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert [str(m) for m in response.context["messages"]] == [
        "Your consent for “Taking part in consultation rounds” was withdrawn."
    ]


def test_withdrawing_an_unknown_purpose_changes_nothing(client_for, participant):
    ConsentFactory(contact=participant.contact)

    client_for(participant).post(reverse("my-data"), {"withdraw": "everything"})

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_only_the_team_downloads_another_contacts_data(client_for, participant, team_user):
    other = ContactFactory(user=UserFactory())
    url = reverse("contact-data-download", args=[other.pk])

    assert client_for(participant).get(url).status_code == 403
    assert client_for(team_user).get(url).json()["contact"]["email"] == other.email


def test_meeting_times_are_shown_in_the_viewers_time_zone(client_for, participant):
    import datetime as dt
    from zoneinfo import ZoneInfo

    starts = dt.datetime(2027, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    meeting = InvitationFactory(
        contact=participant.contact,
        meeting__starts_at=starts,
        meeting__ends_at=starts + dt.timedelta(hours=2),
    ).meeting
    client = client_for(participant)

    client.post(reverse("my-data"), {"time_zone": "Europe/Kyiv"})
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()

    participant.refresh_from_db()
    assert participant.time_zone == "Europe/Kyiv"
    assert "March 2, 2027, 11 a.m. – 1 p.m. (Europe/Kyiv)" in page
    assert "March 2, 2027, 10 a.m. where the meeting takes place (Europe/Brussels)" in page


def test_an_unknown_time_zone_is_refused(client_for, participant):
    response = client_for(participant).post(
        reverse("my-data"), {"time_zone": "Mars/Olympus"}, follow=True
    )

    participant.refresh_from_db()
    assert participant.time_zone == "Europe/Brussels"
    assert [str(m) for m in response.context["messages"]] == [
        "“Mars/Olympus” is not a known time zone (e.g. Europe/Brussels)."
    ]


def test_home_marks_overdue_action_items(client_for, participant):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import ActionItemFactory

    today = timezone.localdate()
    ActionItemFactory(
        description="Late one", owner_contact=participant.contact, owner_organisation=None
    )
    late = ActionItemFactory(
        description="Late two", owner_contact=participant.contact, owner_organisation=None
    )
    type(late).objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=3))

    page = client_for(participant).get(reverse("home")).content.decode()

    assert page.count('<span class="badge status-declined">overdue</span>') == 1
