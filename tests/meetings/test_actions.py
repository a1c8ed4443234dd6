import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coordination.spreadsheets import neutralise_cell, write_csv, write_xlsx
from meetings import enums
from meetings.formats.documents import action_items_csv, action_items_xlsx
from meetings.models import ActionItem, ActionItemEvent, OutboundMessage
from meetings.selectors.actions import ActionFilters, action_item_list
from meetings.services import actions as services
from meetings.tasks import action_reminders_daily
from tests.factories import ContactFactory, MeetingFactory, TeamUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def meeting_day(meeting):
    return timezone.localtime(meeting.starts_at).date()


def english_date(day: dt.date) -> str:
    """British English, as the English format module writes dates: "6 May 2027"."""
    return f"{day.day} {day:%B %Y}"


def make_action(**kwargs):
    meeting = kwargs.pop("meeting", None) or MeetingFactory()
    owner = kwargs.pop("owner_contact", None) or ContactFactory()
    defaults = {
        "description": "Send the figures",
        "owner_contact": owner,
        "due_date": meeting_day(meeting) + dt.timedelta(days=10),
    }
    return services.action_item_create(meeting=meeting, **{**defaults, **kwargs})


def test_action_item_create_records_a_created_event_and_the_owner_organisation():
    action = make_action()

    assert action.owner_organisation == action.owner_contact.organisation
    assert list(action.events.values_list("kind", "to_status")) == [("created", "open")]


def test_action_item_due_before_its_meeting_is_refused_with_a_clear_message():
    meeting = MeetingFactory()
    day = meeting_day(meeting)

    with pytest.raises(ValidationError) as error:
        make_action(meeting=meeting, due_date=day - dt.timedelta(days=1))

    assert error.value.message_dict["due_date"] == [
        f"The due date ({english_date(day - dt.timedelta(days=1))}) is before the meeting this "
        f"action comes from ({english_date(day)}). Choose the meeting day or later."
    ]
    assert ActionItem.objects.count() == 0


def test_action_item_due_on_the_meeting_day_is_allowed():
    meeting = MeetingFactory()

    action = make_action(meeting=meeting, due_date=meeting_day(meeting))

    assert action.due_date == meeting_day(meeting)


def test_action_item_without_owner_is_refused():
    with pytest.raises(ValidationError):
        services.action_item_create(meeting=MeetingFactory(), description="Orphan")

    assert ActionItem.objects.count() == 0


def test_action_item_status_changes_are_recorded_in_the_history():
    action = make_action()
    user = UserFactory()

    services.action_item_set_status(action=action, status="in_progress", user=user)
    services.action_item_set_status(action=action, status="done", user=user, text="Sent")
    services.action_item_comment(action=action, text="Thanks", user=user)

    action.refresh_from_db()
    assert action.closed_at is not None
    assert list(action.events.values_list("kind", "from_status", "to_status", "text")) == [
        ("created", "", "open", ""),
        ("status", "open", "in_progress", ""),
        ("status", "in_progress", "done", "Sent"),
        ("comment", "", "", "Thanks"),
    ]


def test_action_item_setting_the_same_status_is_refused():
    action = make_action()

    with pytest.raises(ValidationError):
        services.action_item_set_status(action=action, status="open")

    assert action.events.count() == 1


def test_action_done_token_marks_done_once_and_rejects_a_forged_token():
    action = make_action()
    token = services.action_done_token(action=action)

    _action, changed_first = services.action_item_mark_done_by_token(token=token)
    _action, changed_again = services.action_item_mark_done_by_token(token=token)
    with pytest.raises(ValidationError):
        services.action_item_mark_done_by_token(token=token[:-2] + "xx")

    assert (changed_first, changed_again) == (True, False)
    assert ActionItem.objects.get(pk=action.pk).status == "done"


def test_action_done_token_is_void_after_the_owner_changes():
    action = make_action()
    token = services.action_done_token(action=action)
    services.action_item_update(
        action=action,
        description=action.description,
        owner_contact=ContactFactory(),
        owner_organisation=None,
        due_date=action.due_date,
    )

    with pytest.raises(ValidationError):
        services.action_item_mark_done_by_token(token=token)

    assert ActionItem.objects.get(pk=action.pk).status == "open"


def test_action_reminders_on_the_due_date_then_weekly_while_overdue(
    django_capture_on_commit_callbacks,
):
    meeting = MeetingFactory()
    due = meeting_day(meeting) + dt.timedelta(days=3)
    action = make_action(
        meeting=meeting, due_date=due, owner_contact=ContactFactory(email="owner@example.org")
    )
    sent = []

    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(0, 16):
            if services.action_reminder_send(action_id=action.pk, today=due + dt.timedelta(offset)):
                sent.append(offset)

    assert sent == [0, 7, 14]
    assert (
        list(OutboundMessage.objects.filter(action_item=action).values_list("kind", "status"))
        == [("action_reminder", "sent")] * 3
    )
    assert len(mail.outbox) == 3
    assert mail.outbox[0].to == ["owner@example.org"]
    assert mail.outbox[0].subject == "Reminder: action item due today"
    assert mail.outbox[1].subject == "Reminder: action item overdue by 7 days"
    assert "/actions/done/" in mail.outbox[0].body


def test_action_reminders_skip_closed_items():
    meeting = MeetingFactory()
    action = make_action(meeting=meeting, due_date=meeting_day(meeting))
    services.action_item_set_status(action=action, status="dropped")

    sent = services.action_reminder_send(action_id=action.pk, today=meeting_day(meeting))

    assert (sent, len(mail.outbox)) == (False, 0)


def test_action_reminders_daily_task_sends_due_reminders(django_capture_on_commit_callbacks):
    action = make_action()
    ActionItem.objects.filter(pk=action.pk).update(due_date=timezone.localdate())

    with django_capture_on_commit_callbacks(execute=True):
        count = action_reminders_daily()
        again = action_reminders_daily()

    assert (count, again, len(mail.outbox)) == (1, 0, 1)


def test_carry_over_lists_open_items_of_earlier_meetings_of_the_same_group():
    from meetings.selectors.actions import open_action_items_for_meeting

    first = MeetingFactory()
    carried = make_action(meeting=first, description="Carried")
    done = make_action(meeting=first, description="Closed")
    services.action_item_set_status(action=done, status="done")
    make_action(meeting=MeetingFactory(starts_at=first.starts_at), description="Other group")
    later = MeetingFactory(
        working_group=first.working_group,
        starts_at=first.starts_at + dt.timedelta(days=14),
        ends_at=first.ends_at + dt.timedelta(days=14),
    )

    assert list(open_action_items_for_meeting(meeting=later)) == [carried]
    assert list(open_action_items_for_meeting(meeting=first)) == []


def test_action_item_list_filters_by_overdue_owner_and_organisation():
    team = TeamUserFactory()
    meeting = MeetingFactory()
    overdue = make_action(meeting=meeting, description="Late", due_date=meeting_day(meeting))
    ActionItem.objects.filter(pk=overdue.pk).update(due_date=timezone.localdate() - dt.timedelta(3))
    other = make_action(meeting=meeting, description="Fine")

    overdue_only = action_item_list(user=team, filters=ActionFilters(overdue=True))
    by_owner = action_item_list(user=team, filters=ActionFilters(owner=other.owner_contact_id))
    by_org = action_item_list(
        user=team, filters=ActionFilters(organisation=overdue.owner_organisation_id)
    )

    assert [a.description for a in overdue_only] == ["Late"]
    assert [a.description for a in by_owner] == ["Fine"]
    assert [a.description for a in by_org] == ["Late"]


# --- Spreadsheets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+32 2 000", "'+32 2 000"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain", "plain"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_action_items_csv_and_xlsx_neutralise_formulas():
    from openpyxl import load_workbook

    action = make_action(description='=HYPERLINK("http://evil")')
    actions = list(
        ActionItem.objects.select_related(
            "owner_contact", "owner_organisation", "origin_meeting", "origin_agenda_item"
        )
    )

    csv_text = action_items_csv(actions).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(action_items_xlsx(actions)))

    import csv

    assert list(csv.reader(io.StringIO(csv_text)))[1][:2] == [
        str(action.pk),
        '\'=HYPERLINK("http://evil")',
    ]
    sheet = workbook.active
    assert sheet.title == "Action items"
    assert sheet["B2"].value == '\'=HYPERLINK("http://evil")'
    assert sheet["B2"].data_type == "s"
    assert sheet["E2"].value.date() == action.due_date


def test_write_csv_and_xlsx_round_trip_plain_values():
    from openpyxl import load_workbook

    rows = [["a", 1], ["b", 2.5]]

    import csv

    assert list(csv.reader(io.StringIO(write_csv(rows).decode("utf-8-sig")))) == [
        ["a", "1"],
        ["b", "2.5"],
    ]
    sheet = load_workbook(io.BytesIO(write_xlsx(rows, title="S"))).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == rows


def test_action_event_kinds_cover_reviews():
    assert enums.ActionEventKind.REVIEWED == "reviewed"
    assert ActionItemEvent.objects.count() == 0


def test_schedule_action_reminders_command_is_idempotent():
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("schedule_action_reminders", "--hour", "6")
    call_command("schedule_action_reminders", "--hour", "6")

    reminders = Schedule.objects.filter(func="meetings.tasks.action_reminders_daily")
    assert list(reminders.values_list("name", "schedule_type")) == [("action-item reminders", "D")]
    assert timezone.localtime(reminders.get().next_run).hour == 6


def test_agenda_email_attachment_only_when_published():
    from meetings.emails import agenda_email_attachment
    from meetings.services import agendas
    from tests.factories import AgendaItemFactory

    item = AgendaItemFactory()
    before = agenda_email_attachment(meeting=item.meeting)
    agendas.agenda_publish(meeting=item.meeting)

    attachment = agenda_email_attachment(meeting=item.meeting)

    assert before is None
    assert attachment.mimetype == "application/pdf"
    assert attachment.filename.endswith("-agenda-v1.pdf")
    assert attachment.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("language", "offset", "line"),
    [
        ("fr", 0, "Ce point d’action arrive à échéance aujourd’hui (1er décembre 2026)\u00a0:"),
        ("de", 7, "Dieser Aktionspunkt war am 1. Dezember 2026 fällig (vor 7 Tagen):"),
        ("en", 0, "This action item is due today (1 December 2026):"),
    ],
)
def test_action_reminder_writes_the_due_date_in_the_owners_language(
    django_capture_on_commit_callbacks, language, offset, line
):
    start = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    meeting = MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    due = dt.date(2026, 12, 1)
    owner = ContactFactory(email="owner@example.org", preferred_language=language)
    action = make_action(meeting=meeting, due_date=due, owner_contact=owner)

    with django_capture_on_commit_callbacks(execute=True):
        services.action_reminder_send(action_id=action.pk, today=due + dt.timedelta(offset))

    assert line in mail.outbox[0].body.splitlines()
    assert "2026-12-01" not in mail.outbox[0].body
