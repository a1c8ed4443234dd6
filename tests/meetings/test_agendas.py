import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from meetings import enums
from meetings.models import ActionItemEvent, AgendaAttachment, AgendaItem
from meetings.selectors.agendas import agenda_items, agenda_pdf, agenda_pdf_cached, agenda_time_plan
from meetings.services import agendas
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ContactFactory,
    MeetingFactory,
    RoundSessionFactory,
)
from tests.meetings.pdf_helpers import assert_pdf_page_not_blank, pdf_text

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def titles(meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def test_agenda_item_create_appends_at_the_end():
    meeting = MeetingFactory()
    agendas.agenda_item_create(meeting=meeting, title="First", planned_minutes=10)

    item = agendas.agenda_item_create(meeting=meeting, title="Second", planned_minutes=10)

    assert item.position == 2
    assert titles(meeting) == ["First", "Second"]


@pytest.mark.parametrize("minutes", [-5, 0, "ten"])
def test_agenda_item_create_with_invalid_minutes_is_refused(minutes):
    meeting = MeetingFactory()

    with pytest.raises(ValidationError) as error:
        agendas.agenda_item_create(meeting=meeting, title="X", planned_minutes=minutes)

    assert "planned_minutes" in error.value.message_dict
    assert AgendaItem.objects.count() == 0


def test_agenda_item_update_with_negative_minutes_changes_nothing():
    item = AgendaItemFactory(planned_minutes=20, title="Keep")

    with pytest.raises(ValidationError):
        agendas.agenda_item_update(item=item, planned_minutes=-3, title="Changed")

    item.refresh_from_db()
    assert (item.planned_minutes, item.title) == (20, "Keep")


def test_agenda_item_move_swaps_neighbours_and_stops_at_the_ends():
    meeting = MeetingFactory()
    a, _b, c = (agendas.agenda_item_create(meeting=meeting, title=t) for t in "ABC")

    moved_up = agendas.agenda_item_move(item=c, direction="up")
    moved_top = agendas.agenda_item_move(item=a, direction="up")

    assert (moved_up, moved_top) == (True, False)
    assert titles(meeting) == ["A", "C", "B"]


def test_agenda_reorder_requires_every_item_once():
    meeting = MeetingFactory()
    a, b = (agendas.agenda_item_create(meeting=meeting, title=t) for t in "AB")

    with pytest.raises(ValidationError):
        agendas.agenda_reorder(meeting=meeting, item_ids=[a.pk, a.pk])
    agendas.agenda_reorder(meeting=meeting, item_ids=[b.pk, a.pk])

    assert titles(meeting) == ["B", "A"]


def test_agenda_item_delete_renumbers_positions():
    meeting = MeetingFactory()
    _a, b, _c = (agendas.agenda_item_create(meeting=meeting, title=t) for t in "ABC")

    agendas.agenda_item_delete(item=b)

    assert list(meeting.agenda_items.values_list("title", "position")) == [("A", 1), ("C", 2)]


def test_agenda_time_plan_warns_when_items_overrun_the_slot():
    meeting = MeetingFactory()  # two hours
    agendas.agenda_item_create(meeting=meeting, title="Long", planned_minutes=90)
    agendas.agenda_item_create(meeting=meeting, title="Longer", planned_minutes=45)
    items = list(agenda_items(meeting=meeting))

    plan = agenda_time_plan(meeting=meeting, items=items)

    assert [r.starts_at - meeting.starts_at for r in plan.rows] == [
        dt.timedelta(0),
        dt.timedelta(minutes=90),
    ]
    assert (plan.total_minutes, plan.overruns_slot, plan.overrun_minutes) == (135, True, 15)
    assert plan.overruns_limit is False


@override_settings(ROUND_SESSION_MAX_MINUTES=240)
def test_agenda_time_plan_warns_over_the_half_day_limit_of_a_round_session():
    start = MeetingFactory.build().starts_at
    meeting = RoundSessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=6))
    agendas.agenda_item_create(meeting=meeting, title="All day", planned_minutes=300)

    plan = agenda_time_plan(meeting=meeting, items=list(agenda_items(meeting=meeting)))

    assert (plan.overruns_slot, plan.overruns_limit, plan.limit_minutes) == (False, True, 240)


def test_agenda_from_template_round_session_has_five_items_in_the_slot():
    meeting = RoundSessionFactory()

    agendas.agenda_from_template(meeting=meeting, template=enums.AgendaTemplate.ROUND_SESSION)

    assert titles(meeting) == [
        "Welcome and purpose of the session",
        "Survey findings on the theme",
        "Discussion in groups",
        "Solutions and priorities",
        "Next steps",
    ]
    assert sum(meeting.agenda_items.values_list("planned_minutes", flat=True)) == 195


def test_agenda_from_template_working_group_marks_special_items():
    meeting = MeetingFactory(language="fr")

    agendas.agenda_from_template(meeting=meeting, template=enums.AgendaTemplate.WORKING_GROUP)

    assert list(meeting.agenda_items.values_list("kind", flat=True)) == [
        "minutes_approval", "action_review", "topic", "topic", "topic",
    ]  # fmt: skip
    assert meeting.agenda_items.exclude(title_alt="").count() == 5


def test_agenda_from_template_on_a_non_empty_agenda_is_refused():
    item = AgendaItemFactory(title="Existing")

    with pytest.raises(ValidationError):
        agendas.agenda_from_template(meeting=item.meeting, template="working_group")

    assert titles(item.meeting) == ["Existing"]


def test_agenda_copy_previous_copies_items_of_the_same_group():
    previous = MeetingFactory()
    AgendaItemFactory(meeting=previous, position=1, title="Data sharing", planned_minutes=30)
    AgendaItemFactory(meeting=previous, position=2, title="AOB", planned_minutes=5)
    later = MeetingFactory(
        working_group=previous.working_group,
        starts_at=previous.starts_at + dt.timedelta(days=30),
        ends_at=previous.ends_at + dt.timedelta(days=30),
    )
    MeetingFactory(starts_at=previous.starts_at + dt.timedelta(days=10))  # another group

    agendas.agenda_copy_previous(meeting=later)

    assert list(later.agenda_items.values_list("title", "planned_minutes")) == [
        ("Data sharing", 30),
        ("AOB", 5),
    ]


def test_agenda_copy_previous_without_an_earlier_meeting_is_refused():
    meeting = MeetingFactory()

    with pytest.raises(ValidationError) as error:
        agendas.agenda_copy_previous(meeting=meeting)

    assert error.value.messages == ["There is no earlier meeting of this group or round to copy."]


def test_agenda_publish_fills_open_action_items_and_records_reviews():
    first = MeetingFactory()
    owner = ContactFactory(name="Eva Owner")
    open_action = ActionItemFactory(
        origin_meeting=first,
        description="Send the figures",
        owner_contact=owner,
        owner_organisation=owner.organisation,
        due_date=dt.date(2030, 1, 31),
    )
    ActionItemFactory(origin_meeting=first, status="done", closed_at=first.starts_at)
    second = MeetingFactory(
        working_group=first.working_group,
        starts_at=first.starts_at + dt.timedelta(days=30),
        ends_at=first.ends_at + dt.timedelta(days=30),
    )
    agendas.agenda_from_template(meeting=second, template="working_group")

    published = agendas.agenda_publish(meeting=second)
    agendas.agenda_publish(meeting=second)  # republishing does not duplicate the review

    review = second.agenda_items.get(kind="action_review")
    assert review.description == (
        f"- Send the figures — Eva Owner ({owner.organisation}), due 31 January 2030 (Open)"
    )
    assert published.agenda_version == 1
    assert list(
        ActionItemEvent.objects.filter(kind="reviewed").values_list("action_item", "meeting")
    ) == [(open_action.pk, second.pk)]


def test_agenda_change_after_publication_raises_the_version():
    meeting = MeetingFactory()
    item = agendas.agenda_item_create(meeting=meeting, title="Topic")
    agendas.agenda_publish(meeting=meeting)
    first_stamp = meeting.__class__.objects.get(pk=meeting.pk).agenda_published_at

    agendas.agenda_item_update(item=item, title="Topic, revised")

    meeting.refresh_from_db()
    assert meeting.agenda_version == 2
    assert meeting.agenda_published_at >= first_stamp


def test_agenda_publish_empty_is_refused():
    meeting = MeetingFactory()

    with pytest.raises(ValidationError):
        agendas.agenda_publish(meeting=meeting)

    meeting.refresh_from_db()
    assert (meeting.agenda_version, meeting.agenda_published_at) == (0, None)


# --- Attachments ------------------------------------------------------------------------------


def test_attachment_add_accepts_a_real_docx_and_records_its_type():
    item = AgendaItemFactory()
    upload = SimpleUploadedFile("Note.docx", docx_bytes())

    attachment = agendas.agenda_attachment_add(item=item, upload=upload)

    assert attachment.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert attachment.original_name == "Note.docx"
    assert attachment.file.name.endswith(".docx")
    with attachment.file.open("rb") as stored:
        assert zipfile.ZipFile(stored).testzip() is None


def test_attachment_add_accepts_a_png_image():
    item = AgendaItemFactory()

    attachment = agendas.agenda_attachment_add(
        item=item, upload=SimpleUploadedFile("chart.png", png_bytes())
    )

    assert attachment.content_type == "image/png"


def test_attachment_add_refuses_an_executable_renamed_pdf():
    item = AgendaItemFactory()
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)

    with pytest.raises(ValidationError) as error:
        agendas.agenda_attachment_add(item=item, upload=upload)

    assert error.value.code == "type"
    assert AgendaAttachment.objects.count() == 0


def test_attachment_add_refuses_a_zip_that_is_not_an_office_document():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    upload = SimpleUploadedFile("slides.pptx", buffer.getvalue())

    with pytest.raises(ValidationError) as error:
        agendas.agenda_attachment_add(item=AgendaItemFactory(), upload=upload)

    assert error.value.code == "type"


def test_attachment_add_refuses_an_oversize_file(settings):
    item = AgendaItemFactory()
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError) as error:
        agendas.agenda_attachment_add(item=item, upload=upload)

    assert error.value.code == "too_large"
    assert AgendaAttachment.objects.count() == 0


def test_attachment_add_refuses_content_that_contradicts_the_extension():
    upload = SimpleUploadedFile("minutes.docx", b"%PDF-1.7\n%%EOF\n")

    with pytest.raises(ValidationError) as error:
        agendas.agenda_attachment_add(item=AgendaItemFactory(), upload=upload)

    assert error.value.messages == ["The file's content is PDF but its name ends in “.docx”."]


# --- PDF ----------------------------------------------------------------------------------------


def test_agenda_pdf_reads_back_with_header_items_and_page_numbers():
    from meetings.selectors.agendas import agenda_pdf

    meeting = MeetingFactory(title="Working group on housing")
    agendas.agenda_from_template(meeting=meeting, template="working_group")
    agendas.agenda_publish(meeting=meeting)

    pdf = agenda_pdf(meeting=meeting)

    text = pdf_text(pdf)
    assert "Agenda: Working group on housing" in text
    assert "Review of open action items" in text
    assert "Page 1 of 1" in text
    assert "Agenda version 1" in text
    assert_pdf_page_not_blank(pdf)


def test_agenda_pdf_bilingual_sets_french_and_dutch_side_by_side():
    from meetings.selectors.agendas import agenda_pdf

    meeting = MeetingFactory(language="fr")
    agendas.agenda_item_create(
        meeting=meeting, title="Accueil des participants", title_alt="Onthaal van de deelnemers"
    )

    text = pdf_text(agenda_pdf(meeting=meeting, bilingual=True))

    assert "Français" in text and "Nederlands" in text
    assert "Accueil des participants" in text
    assert "Onthaal van de deelnemers" in text


def test_agenda_pdf_cached_follows_each_new_version(monkeypatch):
    from meetings.selectors import agendas as agenda_selectors

    meeting = MeetingFactory()
    item = agendas.agenda_item_create(meeting=meeting, title="First title")
    agendas.agenda_publish(meeting=meeting)
    calls = []
    real = agenda_pdf
    monkeypatch.setattr(agenda_selectors, "agenda_pdf", lambda **kw: calls.append(1) or real(**kw))

    first = agenda_pdf_cached(meeting=meeting)
    again = agenda_pdf_cached(meeting=meeting)
    agendas.agenda_item_update(item=item, title="Second title")
    changed = agenda_pdf_cached(meeting=meeting)

    assert first == again
    assert len(calls) == 2
    assert "Second title" in pdf_text(changed)
