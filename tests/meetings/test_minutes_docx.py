"""The minutes in Word show Markdown as Word formatting, as the PDF does: bold, italic,
links, headings, bulleted and numbered lists."""

import io

import pytest
from django.utils.timezone import override as timezone_override
from docx import Document

from meetings.formats.documents import minutes_docx
from meetings.selectors.minutes import minutes_document
from meetings.services import minutes as minutes_services
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NOTE = """We **agreed** on the *housing* figures, see [the table](https://example.be/t).

# Next steps

- Share `Q12`
- Ask the OCMW

1. First
2. Second"""


def docx_of(note: str):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, position=1, title="Figures")
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text=note)
    content = minutes_docx(doc=minutes_document(minutes=minutes))
    return Document(io.BytesIO(content))


def paragraphs_after(document, heading: str):
    texts = list(document.paragraphs)
    start = next(i for i, p in enumerate(texts) if p.text == heading)
    return texts[start + 1 :]


def test_minutes_docx_renders_markdown_as_word_formatting():
    document = docx_of(NOTE)

    body = paragraphs_after(document, "1. Figures")
    first = body[0]
    runs = [(r.text, bool(r.bold), bool(r.italic)) for r in first.runs]
    assert runs == [
        ("We ", False, False),
        ("agreed", True, False),
        (" on the ", False, False),
        ("housing", False, True),
        (" figures, see ", False, False),
        (".", False, False),
    ]
    assert first.text == "We agreed on the housing figures, see the table."
    assert first._p.xml.count("<w:hyperlink") == 1
    assert "https://example.be/t" in [
        rel.target_ref for rel in document.part.rels.values() if rel.is_external
    ]
    assert [(p.style.name, p.text) for p in body[1:6]] == [
        ("Heading 3", "Next steps"),
        ("List Bullet", "Share Q12"),
        ("List Bullet", "Ask the OCMW"),
        ("List Number", "First"),
        ("List Number", "Second"),
    ]
    assert "**" not in "\n".join(p.text for p in document.paragraphs)


def test_minutes_docx_keeps_raw_html_as_text():
    document = docx_of("<script>alert(1)</script> plain")

    body = paragraphs_after(document, "1. Figures")
    assert body[0].text == "<script>alert(1)</script> plain"


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("en", "Thursday 6 May 2027, 10:00–12:00 (Europe/Brussels)"),
        ("fr", "jeudi 6 mai 2027, 10:00–12:00 (Europe/Brussels)"),
        ("nl", "donderdag 6 mei 2027, 10:00–12:00 (Europe/Brussels)"),
        ("de", "Donnerstag, 6. Mai 2027, 10:00–12:00 (Europe/Brussels)"),
    ],
)
def test_minutes_docx_and_markdown_date_in_the_language_of_the_export(language, when):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from meetings.formats.documents import minutes_markdown

    # 10:00 in Brussels, written while the current time zone is another one.
    start = dt.datetime(2027, 5, 6, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    meeting = MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    minutes = minutes_services.minutes_start(meeting=meeting)

    with translation.override(language), timezone_override("America/New_York"):
        document = Document(io.BytesIO(minutes_docx(doc=minutes_document(minutes=minutes))))
        markdown = minutes_markdown(doc=minutes_document(minutes=minutes))

    assert document.tables[0].rows[0].cells[1].text == when
    assert markdown.splitlines()[2].endswith(f":** {when}")
