"""The minutes editor keeps everything typed: one form for attendance, notes, decisions and
action items; saves based on an older revision are merged, clashing ones refused with both
texts shown."""

import pytest
from django.urls import reverse

from coordination.exceptions import EditConflict
from meetings.models import ActionItem, Attendance, Decision, Minutes, MinutesNote
from meetings.services import minutes as minutes_services
from tests.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.helpers import messages_of
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


def draft_with_three_items():
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting, position=n, title=f"Item {n}") for n in (1, 2, 3)]
    minutes = minutes_services.minutes_start(meeting=meeting)
    return meeting, minutes, items


def editor_post(minutes, items, **extra):
    """What the editor's one form sends when loaded at the minutes' current revision."""
    minutes.refresh_from_db()
    data = {"revision": str(minutes.revision)}
    stored = dict(minutes.notes.values_list("agenda_item_id", "text"))
    for item in items:
        data[f"note-{item.pk}"] = stored.get(item.pk, "")
        data[f"base-note-{item.pk}"] = stored.get(item.pk, "")
        data[f"decision-{item.pk}"] = ""
    data.update(extra)
    return data


def test_minutes_editor_recording_a_decision_keeps_the_notes_typed_above(client_for):
    meeting, minutes, (one, two, three) = draft_with_three_items()
    data = editor_post(minutes, [one, two, three])
    data |= {f"note-{one.pk}": "Notes one", f"note-{two.pk}": "Notes two"}
    data |= {f"decision-{three.pk}": "Share the figures monthly."}

    response = client_for(leader_of(meeting)).post(
        reverse("minutes-edit", args=[meeting.pk]), data, follow=True
    )

    assert messages_of(response) == ["The minutes were saved."]
    assert dict(MinutesNote.objects.values_list("agenda_item__title", "text")) == {
        "Item 1": "Notes one",
        "Item 2": "Notes two",
    }
    assert list(Decision.objects.values_list("agenda_item__title", "text")) == [
        ("Item 3", "Share the figures monthly.")
    ]


def test_minutes_editor_adding_an_action_item_saves_notes_decisions_and_attendance(client_for):
    meeting, minutes, items = draft_with_three_items()
    contact = InvitationFactory(meeting=meeting, status="accepted").contact
    data = editor_post(minutes, items)
    data |= {f"note-{items[0].pk}": "Kept", f"decision-{items[1].pk}": "Decided"}
    data |= {f"attendance-{contact.pk}": "present", f"base-attendance-{contact.pk}": ""}
    data |= {f"action-{items[2].pk}-description": "Send the list",
             f"action-{items[2].pk}-owner_contact": str(contact.pk)}  # fmt: skip

    client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert MinutesNote.objects.get(agenda_item=items[0]).text == "Kept"
    assert list(Decision.objects.values_list("text", flat=True)) == ["Decided"]
    assert Attendance.objects.get(contact=contact).status == "present"
    action = ActionItem.objects.get()
    assert (action.description, action.origin_agenda_item, action.owner_contact) == (
        "Send the list",
        items[2],
        contact,
    )


def test_minutes_editor_invalid_action_item_writes_nothing_and_shows_the_text_again(
    client_for,
):
    meeting, minutes, items = draft_with_three_items()
    data = editor_post(minutes, items)
    data |= {f"note-{items[0].pk}": "Long notes typed for item one"}
    data |= {f"action-{items[2].pk}-due_date": "not a date"}

    response = client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert response.status_code == 400
    assert messages_of(response) == ["Nothing was saved: correct the fields marked below."]
    assert MinutesNote.objects.count() == 0
    html = response.content.decode()
    assert "Long notes typed for item one</textarea>" in html
    assert ActionItem.objects.count() == 0


def test_minutes_editor_removing_a_decision_keeps_the_notes_typed(client_for):
    meeting, minutes, items = draft_with_three_items()
    decision = minutes_services.decision_add(minutes=minutes, agenda_item=items[0], text="Old")
    data = editor_post(minutes, items)
    data |= {f"note-{items[1].pk}": "Typed before removing", "remove_decision": str(decision.pk)}

    client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert Decision.objects.count() == 0
    assert MinutesNote.objects.get(agenda_item=items[1]).text == "Typed before removing"


def test_minutes_editor_circulating_saves_the_notes_first(client_for):
    import datetime as dt

    from django.utils import timezone

    meeting, minutes, items = draft_with_three_items()
    data = editor_post(minutes, items)
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data |= {f"note-{items[0].pk}": "Last words", "then": "circulate", "comments_due": due}

    response = client_for(leader_of(meeting)).post(
        reverse("minutes-edit", args=[meeting.pk]), data, follow=True
    )

    assert messages_of(response) == ["The minutes were saved and circulated for comments."]
    minutes.refresh_from_db()
    assert minutes.status == "circulated"
    assert MinutesNote.objects.get(agenda_item=items[0]).text == "Last words"


def test_minutes_editor_saves_on_different_items_are_merged(client_for):
    meeting, minutes, items = draft_with_three_items()
    client = client_for(leader_of(meeting))
    first = editor_post(minutes, items)
    second = editor_post(minutes, items)
    first[f"note-{items[0].pk}"] = "Alice on item one"
    second[f"note-{items[1].pk}"] = "Bob on item two"

    client.post(reverse("minutes-edit", args=[meeting.pk]), first, follow=True)
    response = client.post(reverse("minutes-edit", args=[meeting.pk]), second, follow=True)

    assert messages_of(response) == [
        "Someone else saved these minutes meanwhile; their changes were kept with yours.",
        "The minutes were saved.",
    ]
    assert dict(MinutesNote.objects.values_list("agenda_item__title", "text")) == {
        "Item 1": "Alice on item one",
        "Item 2": "Bob on item two",
    }


def test_minutes_editor_second_save_of_the_same_note_is_refused_with_both_texts(client_for):
    meeting, minutes, items = draft_with_three_items()
    client = client_for(leader_of(meeting))
    first = editor_post(minutes, items)
    second = editor_post(minutes, items)
    first[f"note-{items[0].pk}"] = "Alice's wording"
    second[f"note-{items[0].pk}"] = "Bob's wording"
    second[f"note-{items[1].pk}"] = "Bob on item two"

    client.post(reverse("minutes-edit", args=[meeting.pk]), first, follow=True)
    response = client.post(reverse("minutes-edit", args=[meeting.pk]), second)

    assert response.status_code == 409
    assert messages_of(response) == [
        "Someone else saved these minutes while you were writing, and changed the same parts. "
        "Nothing was saved: compare, merge and save again."
    ]
    assert dict(MinutesNote.objects.values_list("agenda_item__title", "text")) == {
        "Item 1": "Alice's wording",
    }
    html = response.content.decode()
    assert '<span class="conflict-text">Alice&#x27;s wording</span>' in html
    assert "Bob&#x27;s wording</textarea>" in html
    assert "Bob on item two</textarea>" in html
    minutes.refresh_from_db()
    assert f'name="revision" value="{minutes.revision}"' in html
    # Saving again from the page shown (after merging) is taken.
    retry = editor_post(minutes, items)
    retry |= {f"note-{items[0].pk}": "Merged wording", f"note-{items[1].pk}": "Bob on item two"}
    client.post(reverse("minutes-edit", args=[meeting.pk]), retry)
    assert MinutesNote.objects.get(agenda_item=items[0]).text == "Merged wording"


def test_minutes_save_service_raises_a_conflict_with_the_current_revision():
    _meeting, minutes, items = draft_with_three_items()
    loaded = minutes.revision
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=items[0], text="Theirs")

    with pytest.raises(EditConflict) as raised:
        minutes_services.minutes_save(
            minutes=minutes,
            revision=loaded,
            notes={items[0].pk: "Mine"},
            bases={minutes_services.note_key(items[0].pk): ""},
        )

    assert raised.value.revision == Minutes.objects.get().revision == loaded + 1
    assert raised.value.conflicts == {minutes_services.note_key(items[0].pk): "Theirs"}


def test_minutes_editor_page_carries_revision_bases_and_the_draft_script(client_for):
    meeting, minutes, items = draft_with_three_items()
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=items[0], text="Stored")

    html = client_for(leader_of(meeting)).get(reverse("minutes-edit", args=[meeting.pk]))
    html = html.content.decode()

    assert f'name="revision" value="{minutes.revision}"' in html
    assert f'name="base-note-{items[0].pk}" value="Stored"' in html
    assert 'src="/static/meetings/unsaved.js"' in html
    assert html.count("<form ") == 3  # the editor, the language switcher and signing out


def test_minutes_exports_page_opens_for_a_facilitator_without_meetings(client_for, facilitator):
    response = client_for(facilitator).get(reverse("minutes-exports"))

    assert response.status_code == 200
    assert "You manage no working group or round with minutes yet." in response.content.decode()
