"""Pages of agendas, minutes and action items: permissions, bad input, query counts."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, AgendaAttachment, Minutes, MinutesExport, MinutesNote
from meetings.services import actions as action_services
from meetings.services import agendas
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.meetings.pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db


def leader_of(meeting):
    user = UserFactory()
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=user), role="chair")
    return user


def invitee_of(meeting):
    user = UserFactory()
    InvitationFactory(meeting=meeting, contact=ContactFactory(user=user), status="accepted")
    return user


def messages_of(response) -> list[str]:
    """The messages shown on the (followed) page, read back from the rendered HTML."""
    import re
    from html import unescape

    html = response.content.decode()
    return [unescape(m) for m in re.findall(r'<li class="message [^"]*">(.*?)</li>', html)]


# --- Agenda --------------------------------------------------------------------------------------


def test_agenda_edit_open_to_group_leader_and_team_only(client_for, team_user):
    meeting = MeetingFactory()
    leader, invitee, outsider = leader_of(meeting), invitee_of(meeting), UserFactory()
    url = reverse("agenda-edit", args=[meeting.pk])

    codes = [client_for(u).get(url).status_code for u in (leader, team_user, invitee, outsider)]

    assert codes == [200, 200, 403, 404]


def test_agenda_edit_round_facilitator_may_edit_a_session(client_for):
    session = RoundSessionFactory()
    user = UserFactory()
    session.consultation_round.facilitators.add(user)

    response = client_for(user).get(reverse("agenda-edit", args=[session.pk]))

    assert response.status_code == 200


def test_agenda_edit_add_item_with_negative_minutes_shows_the_error(client_for):
    meeting = MeetingFactory()
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-edit", args=[meeting.pk]),
        {"new-title": "Bad", "new-purpose": "discussion", "new-planned_minutes": "-5",
         "new-kind": "topic"},
    )  # fmt: skip

    assert response.status_code == 400
    assert response.context["form"].errors["planned_minutes"] == [
        "Ensure this value is greater than or equal to 1."
    ]
    assert meeting.agenda_items.count() == 0


def test_agenda_move_buttons_reorder_without_javascript(client_for):
    meeting = MeetingFactory()
    first = AgendaItemFactory(meeting=meeting, position=1, title="First")
    AgendaItemFactory(meeting=meeting, position=2, title="Second")
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-item-move", args=[meeting.pk, first.pk]), {"direction": "down"}
    )

    assert response.status_code == 302
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Second", "First"]


def test_agenda_reorder_endpoint_with_foreign_ids_changes_nothing(client_for):
    meeting = MeetingFactory()
    a = AgendaItemFactory(meeting=meeting, position=1, title="A")
    other = AgendaItemFactory(title="Elsewhere")
    client = client_for(leader_of(meeting))

    response = client.post(
        reverse("agenda-reorder", args=[meeting.pk]), {"order": f"{other.pk},{a.pk}"}, follow=True
    )

    assert messages_of(response) == [
        "The new order must list every item of this agenda exactly once."
    ]
    assert list(meeting.agenda_items.values_list("title", "position")) == [("A", 1)]


def test_agenda_template_and_publish_through_the_pages(client_for):
    meeting = MeetingFactory()
    client = client_for(leader_of(meeting))

    client.post(reverse("agenda-template", args=[meeting.pk]), {"template": "working_group"})
    response = client.post(reverse("agenda-publish", args=[meeting.pk]), follow=True)

    meeting.refresh_from_db()
    assert meeting.agenda_version == 1
    assert messages_of(response) == [
        "The agenda was created from the template.",
        "The agenda was published (version 1).",
    ]


def test_attachment_upload_of_an_executable_renamed_pdf_is_refused(client_for):
    item = AgendaItemFactory()
    client = client_for(leader_of(item.meeting))
    upload = SimpleUploadedFile("agenda.pdf", b"MZ\x90\x00" + b"\x00" * 100)

    response = client.post(
        reverse("agenda-attachment-add", args=[item.meeting.pk, item.pk]),
        {"file": upload},
        follow=True,
    )

    assert messages_of(response) == [
        "This file is not an accepted type. Accepted: PDF, DOCX, XLSX, PPTX and images (PNG, "
        "JPEG, GIF, WebP). The type is checked by the file's content, not its name."
    ]
    assert AgendaAttachment.objects.count() == 0


def test_attachment_download_only_for_those_who_see_the_agenda(client_for):
    item = AgendaItemFactory()
    agendas.agenda_attachment_add(
        item=item, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    agendas.agenda_publish(meeting=item.meeting)
    attachment = AgendaAttachment.objects.get()
    url = reverse("agenda-attachment", args=[item.meeting.pk, attachment.pk])

    invited = client_for(invitee_of(item.meeting)).get(url)
    outsider = client_for(UserFactory()).get(url)

    assert (invited.status_code, invited["Content-Type"]) == (200, "application/pdf")
    assert b"".join(invited.streaming_content).startswith(b"%PDF-1.4")
    assert outsider.status_code == 404


def test_agenda_page_hidden_from_invitees_until_published(client_for):
    item = AgendaItemFactory(title="Secret draft")
    client = client_for(invitee_of(item.meeting))
    url = reverse("agenda-page", args=[item.meeting.pk])

    before = client.get(url)
    agendas.agenda_publish(meeting=item.meeting)
    after = client.get(url)

    assert "Secret draft" not in before.content.decode()
    assert "Secret draft" in after.content.decode()
    assert client.get(reverse("agenda-pdf", args=[item.meeting.pk])).status_code == 200


def test_agenda_page_of_a_meeting_not_invited_to_is_not_found(client_for):
    item = AgendaItemFactory()
    agendas.agenda_publish(meeting=item.meeting)

    response = client_for(UserFactory()).get(reverse("agenda-page", args=[item.meeting.pk]))

    assert response.status_code == 404


def test_agenda_pdf_view_returns_a_readable_pdf(client_for, team_user):
    item = AgendaItemFactory(title="Budget 2027")

    response = client_for(team_user).get(reverse("agenda-pdf", args=[item.meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert "Budget 2027" in pdf_text(response.content)


def agenda_with(count: int):
    meeting = MeetingFactory()
    presenter = ContactFactory()
    for position in range(1, count + 1):
        item = AgendaItemFactory(meeting=meeting, position=position, presenter=presenter)
        agendas.agenda_attachment_add(
            item=item, upload=SimpleUploadedFile(f"{position}.pdf", b"%PDF-1.4\n%%EOF\n")
        )
    agendas.agenda_publish(meeting=meeting)
    return meeting


@pytest.mark.parametrize("url_name", ["agenda-page", "agenda-edit"])
def test_agenda_pages_query_count_is_constant(
    url_name, client_for, team_user, django_assert_max_num_queries
):
    small, large = agenda_with(1), agenda_with(5)
    client = client_for(team_user)
    client.get(reverse(url_name, args=[small.pk]))  # warm caches (session, content types)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse(url_name, args=[small.pk]))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse(url_name, args=[large.pk]))

    assert len(one) == len(five)


# --- Minutes -------------------------------------------------------------------------------------


def circulated_minutes(meeting=None):
    meeting = meeting or MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, position=1, title="Data sharing")
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="Agreed.")
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    return minutes, item


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
    owner = ContactFactory()
    day = timezone.localtime(minutes.meeting.starts_at).date()

    response = client_for(leader_of(minutes.meeting)).post(
        reverse("minutes-action-add", args=[minutes.meeting.pk]),
        {"agenda_item": item.pk, "description": "Too early", "owner_contact": owner.pk,
         "due_date": (day - dt.timedelta(days=2)).isoformat()},
        follow=True,
    )  # fmt: skip

    assert messages_of(response) == [
        f"The due date ({day - dt.timedelta(days=2)}) is before the meeting this action comes "
        f"from ({day}). Choose the meeting day or later."
    ]
    assert ActionItem.objects.count() == 0


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


# --- Action items --------------------------------------------------------------------------------


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

    assert len(response.context["actions"]) == 5
    assert len(one) == len(five), "\n".join(q["sql"][:300] for q in five.captured_queries)


def test_my_action_items_lists_only_mine(client_for, participant):
    meeting = MeetingFactory()
    mine = action_services.action_item_create(
        meeting=meeting, description="Mine", owner_contact=participant.contact
    )
    action_services.action_item_create(
        meeting=meeting, description="Theirs", owner_contact=ContactFactory()
    )

    response = client_for(participant).get(reverse("action-list"), {"scope": "mine"})

    assert [a.pk for a in response.context["actions"]] == [mine.pk]


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
        meeting=MeetingFactory(), description="@SUM(1)", owner_contact=ContactFactory()
    )

    response = client_for(team_user).get(reverse("action-export", args=["csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode("utf-8-sig").splitlines()[1].split(",")[1] == "'@SUM(1)"


def test_action_list_with_invalid_filter_is_a_400(client_for, team_user):
    response = client_for(team_user).get(reverse("action-list"), {"due_from": "not-a-date"})

    assert response.status_code == 400
    assert response.context["form"].errors["due_from"] == ["Enter a valid date."]


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("meeting-detail", [1], "/meetings/1/"),
        ("meeting-list", [], "/meetings/"),
        ("organisation-detail", [1], "/organisations/1/"),
        ("round-detail", [1], "/rounds/1/"),
        ("working-group-detail", [1], "/groups/1/"),
        ("agenda-publish", [1], "/meetings/1/agenda/publish/"),
        ("minutes-approve", [1], "/meetings/1/minutes/approve/"),
    ],
)
def test_page_url_names_are_not_shadowed_by_api_routes(name, args, path):
    assert reverse(name, args=args) == path


@pytest.mark.parametrize(
    "query",
    [{"meeting": "99999999999999999999"}, {"owner": "-1"}, {"meeting": "1.5"}],
)
def test_action_list_with_out_of_range_ids_is_a_400(client_for, team_user, query):
    response = client_for(team_user).get(reverse("action-list"), query)

    assert response.status_code == 400


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

    assert [a.pk for a in per_group.context["actions"]] == [carried.pk]
    assert [a.pk for a in per_meeting.context["actions"]] == [carried.pk]
    assert other_group.pk not in [a.pk for a in per_group.context["actions"]]


def test_agenda_item_edit_page_saves_questions_and_marks_published_agenda_changed(client_for):
    item = AgendaItemFactory(title="Old")
    agendas.agenda_publish(meeting=item.meeting)
    client = client_for(leader_of(item.meeting))
    from coordination.models import Question

    q49 = Question.objects.get(number=49)

    response = client.post(
        reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]),
        {"item-title": "New", "item-purpose": "decision", "item-planned_minutes": "25",
         "item-kind": "topic", "item-questions": [q49.pk]},
    )  # fmt: skip

    item.refresh_from_db()
    item.meeting.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.purpose, item.planned_minutes) == ("New", "decision", 25)
    assert list(item.questions.values_list("number", flat=True)) == [49]
    assert item.meeting.agenda_version == 2


def test_attachment_upload_through_the_page_and_admin_lists_it(client_for):
    import io

    from docx import Document

    item = AgendaItemFactory()
    buffer = io.BytesIO()
    Document().save(buffer)
    client = client_for(leader_of(item.meeting))

    client.post(
        reverse("agenda-attachment-add", args=[item.meeting.pk, item.pk]),
        {"file": SimpleUploadedFile("Briefing.docx", buffer.getvalue())},
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    admin_page = client_for(admin).get("/admin/meetings/agendaattachment/")

    assert list(AgendaAttachment.objects.values_list("original_name", "size")) == [
        ("Briefing.docx", len(buffer.getvalue()))
    ]
    assert "Briefing.docx" in admin_page.content.decode()


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


def test_facilitator_of_another_round_cannot_edit_or_read(client_for):
    session = RoundSessionFactory()
    AgendaItemFactory(meeting=session, position=1)
    agendas.agenda_publish(meeting=session)
    other = UserFactory(facilitator=True)
    RoundSessionFactory().consultation_round.facilitators.add(other)
    client = client_for(other)

    codes = [
        client.get(reverse(name, args=[session.pk])).status_code
        for name in ("agenda-edit", "agenda-page", "minutes-edit", "minutes-page")
    ]

    assert codes == [404, 404, 404, 404]


def test_a_drafted_invitation_does_not_open_the_agenda_or_minutes(client_for):
    minutes, _item = circulated_minutes()
    agendas.agenda_publish(meeting=minutes.meeting)
    user = UserFactory()
    InvitationFactory(meeting=minutes.meeting, contact=ContactFactory(user=user), status="drafted")
    client = client_for(user)

    codes = [
        client.get(reverse(name, args=[minutes.meeting.pk])).status_code
        for name in ("agenda-page", "minutes-page")
    ]

    assert codes == [404, 404]


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
