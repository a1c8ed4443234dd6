"""Minutes pages: reading, commenting, the editor, the workflow buttons and the exports."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, Minutes, MinutesExport, MinutesNote
from meetings.services import actions as action_services
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import messages_of
from tests.meetings.builders import circulated_minutes, invitee_of, leader_of

pytestmark = pytest.mark.django_db


def minutes_with_items(count: int):
    meeting = MeetingFactory()
    minutes = minutes_services.minutes_start(meeting=meeting)
    for position in range(1, count + 1):
        item = AgendaItemFactory(meeting=meeting, position=position)
        minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="**n**")
        minutes_services.decision_add(minutes=minutes, agenda_item=item, text="d")
        contact = InvitationFactory(meeting=meeting).contact
        minutes_services.minutes_attendance_set(meeting=meeting, statuses={contact: "present"})
        action_services.action_item_create(
            meeting=meeting, description="a", owner_contact=contact, agenda_item=item
        )
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    return meeting


def test_minutes_page_participants_see_circulated_but_not_draft(client_for):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, position=1)
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="Draft words")
    client = client_for(invitee_of(meeting))
    url = reverse("minutes-page", args=[meeting.pk])

    draft = client.get(url)
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=2)
    )
    circulated = client.get(url)

    assert "Draft words" not in draft.content.decode()
    assert "No minutes have been shared" in draft.content.decode()
    assert "Draft words" in circulated.content.decode()
    assert client.get(reverse("minutes-export", args=[meeting.pk, "md"])).status_code == 200


def test_minutes_draft_export_is_not_found_for_participants(client_for):
    meeting = MeetingFactory()
    minutes_services.minutes_start(meeting=meeting)

    response = client_for(invitee_of(meeting)).get(
        reverse("minutes-export", args=[meeting.pk, "pdf"])
    )

    assert response.status_code == 404


def test_minutes_page_of_a_meeting_not_invited_to_is_not_found(client_for):
    minutes, _item = circulated_minutes()

    response = client_for(UserFactory()).get(reverse("minutes-page", args=[minutes.meeting.pk]))

    assert response.status_code == 404


def test_minutes_edit_refused_to_participants(client_for):
    minutes, _item = circulated_minutes()

    response = client_for(invitee_of(minutes.meeting)).get(
        reverse("minutes-edit", args=[minutes.meeting.pk])
    )

    assert response.status_code == 403


def test_minutes_comment_by_an_invitee_per_item(client_for):
    minutes, item = circulated_minutes()
    user = invitee_of(minutes.meeting)

    client_for(user).post(
        reverse("minutes-comment", args=[minutes.meeting.pk, minutes.pk]),
        {"agenda_item": item.pk, "text": "Please add the date."},
    )

    assert list(minutes.comments.values_list("author", "agenda_item", "text")) == [
        (user.pk, item.pk, "Please add the date.")
    ]


def test_minutes_editing_approved_minutes_through_the_page_changes_nothing(client_for):
    minutes, item = circulated_minutes()
    leader = leader_of(minutes.meeting)
    minutes_services.minutes_approve(minutes=minutes, user=leader)

    response = client_for(leader).post(
        reverse("minutes-edit", args=[minutes.meeting.pk]),
        {f"note-{item.pk}": "Rewritten history"},
        follow=True,
    )

    assert messages_of(response)[0].startswith("These minutes were approved and are locked.")
    assert MinutesNote.objects.get().text == "Agreed."


def test_minutes_approving_twice_through_the_page_is_refused(client_for):
    minutes, _item = circulated_minutes()
    client = client_for(leader_of(minutes.meeting))
    url = reverse("minutes-approve", args=[minutes.meeting.pk])

    client.post(url)
    response = client.post(url, follow=True)

    assert messages_of(response) == [
        "The minutes were approved and are now locked.",
        "These minutes are already approved.",
    ]
    assert Minutes.objects.get().status == "approved"


def test_minutes_action_due_before_the_meeting_via_page_is_refused(client_for):
    minutes, item = circulated_minutes()
    owner = InvitationFactory(meeting=minutes.meeting, status="accepted").contact
    day = timezone.localtime(minutes.meeting.starts_at).date()
    early = day - dt.timedelta(days=2)

    response = client_for(leader_of(minutes.meeting)).post(
        reverse("minutes-action-add", args=[minutes.meeting.pk]),
        {"agenda_item": item.pk, "description": "Too early", "owner_contact": owner.pk,
         "due_date": (day - dt.timedelta(days=2)).isoformat()},
        follow=True,
    )  # fmt: skip

    assert messages_of(response) == [
        f"The due date ({early.day} {early:%B %Y}) is before the meeting this action comes "
        f"from ({day.day} {day:%B %Y}). Choose the meeting day or later."
    ]
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize("url_name", ["minutes-page", "minutes-edit"])
def test_minutes_pages_query_count_is_constant(url_name, client_for, team_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = minutes_with_items(1), minutes_with_items(5)
    client = client_for(team_user)
    client.get(reverse(url_name, args=[small.pk]))

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name, args=[small.pk])).status_code == 200
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse(url_name, args=[large.pk])).status_code == 200

    assert len(one) == len(five)


def test_minutes_comment_with_an_out_of_range_item_changes_nothing(client_for):
    minutes, _item = circulated_minutes()
    user = invitee_of(minutes.meeting)

    response = client_for(user).post(
        reverse("minutes-comment", args=[minutes.meeting.pk, minutes.pk]),
        {"agenda_item": "99999999999999999999", "text": "x"},
        follow=True,
    )

    assert messages_of(response) == ["Write a comment."]
    assert minutes.comments.count() == 0


def test_minutes_previous_approved_at_the_next_meetings_approval_item(client_for):
    from meetings.services import agendas as agenda_services

    minutes, _item = circulated_minutes()
    earlier = minutes.meeting
    later = MeetingFactory(
        working_group=earlier.working_group,
        starts_at=earlier.starts_at + dt.timedelta(days=30),
        ends_at=earlier.ends_at + dt.timedelta(days=30),
    )
    agenda_services.agenda_from_template(meeting=later, template="working_group")
    client = client_for(leader_of(later))
    minutes_services.minutes_start(meeting=later)

    page = client.get(reverse("minutes-edit", args=[later.pk]))
    response = client.post(
        reverse("minutes-approve", args=[later.pk]), {"previous": "1"}, follow=True
    )

    assert "Approve the previous minutes" in page.content.decode()
    assert messages_of(response) == ["The minutes were approved and are now locked."]
    minutes.refresh_from_db()
    assert (minutes.status, minutes.approved_at_meeting) == ("approved", later)


def test_minutes_earlier_versions_stay_readable_after_a_correction(client_for):
    minutes, item = circulated_minutes()
    leader = leader_of(minutes.meeting)
    minutes_services.minutes_approve(minutes=minutes, user=leader)
    client = client_for(leader)
    client.post(reverse("minutes-correct", args=[minutes.meeting.pk]), {"reason": "Typo"})
    client.post(
        reverse("minutes-edit", args=[minutes.meeting.pk]), {f"note-{item.pk}": "Corrected."}
    )
    invitee = client_for(invitee_of(minutes.meeting))

    version_one = invitee.get(reverse("minutes-page", args=[minutes.meeting.pk]), {"version": 1})
    latest_for_invitee = invitee.get(reverse("minutes-page", args=[minutes.meeting.pk]))
    draft_for_leader = client.get(reverse("minutes-page", args=[minutes.meeting.pk]))

    assert "Agreed." in version_one.content.decode()
    # The correction is a draft: invitees still read the approved version 1.
    assert latest_for_invitee.context["minutes"].version == 1
    assert draft_for_leader.context["minutes"].version == 2
    assert "Corrected." in draft_for_leader.content.decode()
    assert "Typo" in draft_for_leader.content.decode()


def test_minutes_multi_meeting_export_page_builds_a_zip(
    client_for, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    minutes, _item = circulated_minutes()
    leader = leader_of(minutes.meeting)
    client = client_for(leader)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("minutes-exports"),
            {"scope": f"group:{minutes.meeting.working_group_id}", "format": "zip"},
            follow=True,
        )
    shown_status = response.context["exports"][0].status
    export = MinutesExport.objects.get()
    download = client.get(reverse("minutes-export-download", args=[export.pk]))

    assert (shown_status, export.status) == ("pending", "ready")
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(n.rsplit(".", 1)[1] for n in names) == ["docx", "md", "pdf"]


def test_minutes_export_page_refused_to_participants(client_for):
    minutes, _item = circulated_minutes()

    response = client_for(invitee_of(minutes.meeting)).get(reverse("minutes-exports"))

    assert response.status_code == 403
