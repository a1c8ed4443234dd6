"""The generated report read back: PDF text per page (pypdf), metadata, PDF/A and tags, the
DOCX structure (python-docx). One round is built and rendered (draft and final) per module:
rendering takes seconds."""

import io
import re

import docx
import pytest
from django.db import transaction
from pypdf import PdfReader

from meetings.services import reports as services
from tests.meetings.report_builder import build_round

# The mark makes pytest-django set the test database up for the module-scoped fixture.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """Draft v1 and final v2 of a round with 3 sessions and 12 participating organisations
    (4 consenting to be named); everything rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_round(sessions=3, organisations=12, named=4, agenda_items=9)
        report = services.report_get_or_create(
            consultation_round=built.consultation_round, language="en"
        )
        job = services.report_generate(report=report, user=built.facilitator)
        services.report_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "done", job.error
        draft = job.result
        final_job = services.report_version_finalise(version=draft, user=built.facilitator)
        services.report_job_run(job_id=final_job.pk)
        final_job.refresh_from_db()
        assert final_job.status == "done", final_job.error
        final = final_job.result
        result = {
            "built": built,
            "draft_pdf": draft.pdf.read(),
            "draft_docx": draft.docx.read(),
            "final_pdf": final.pdf.read(),
            "draft_number": draft.number,
            "final_number": final.number,
            "snapshot": draft.snapshot,
        }
        result["draft_pages"] = pages_text(result["draft_pdf"])
        result["final_pages"] = pages_text(result["final_pdf"])
        transaction.set_rollback(True)
    return result


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_report_pdf_has_every_section_heading(rendered):
    text = "\n".join(rendered["draft_pages"])

    headings = [
        "1. Introduction",
        "2. Methodology",
        "2.1 Sessions",
        "2.2 How invitees were drawn",
        "2.3 Invited, accepted and attended",
        "2.4 Participants’ profile",
        "3. Survey context",
        "4. Results per theme",
        "4.1 Data sharing",
        "4.2 Coordination meetings",
        "5. Conclusions",
        "6. Next steps",
        "Annex",
        "A.1 Agendas of the sessions",
        "A.2 Participating organisations",
        "A.3 Survey questions referenced",
    ]
    lines = {line.strip() for line in text.splitlines()}
    assert [h for h in headings if h not in lines] == []


def test_report_toc_page_numbers_match_the_pages_of_the_headings(rendered):
    pages = rendered["draft_pages"]
    toc = {}
    for line in pages[1].splitlines():
        match = re.match(r"^(.+?)\s*\.{3,}\s*(\d+)$", line.strip())
        if match:
            toc[match.group(1).strip()] = int(match.group(2))

    def page_of(heading: str) -> int:
        for number, text in enumerate(pages, start=1):
            if number > 2 and heading in {line.strip() for line in text.splitlines()}:
                return number
        raise AssertionError(f"{heading} not found")

    assert len(toc) == 18
    assert {title: page_of(title) for title in toc} == toc
    assert toc["1. Introduction"] == 3


def test_report_counts_invited_accepted_attended(rendered):
    pages = rendered["draft_pages"]
    text = "\n".join(pages)

    # 12 organisations spread over 3 sessions: 4 accepted and attended each; 1 declined each.
    assert re.findall(r"^Session \d (\d+) (\d+) (\d+)$", text, re.M) == [("5", "4", "4")] * 3
    assert re.search(r"^Total 15 12 12$", text, re.M)
    assert "12 participating organisations. The pool holds 20 organisations." in text.replace(
        "\n", " "
    )


def test_report_draft_has_watermark_on_every_page_and_final_has_none(rendered):
    draft_pages = rendered["draft_pages"]
    final_pages = rendered["final_pages"]

    assert [("DRAFT" in page) for page in draft_pages] == [True] * len(draft_pages)
    assert [("DRAFT" in page) for page in final_pages] == [False] * len(final_pages)
    assert len(final_pages) == len(draft_pages)


def test_report_names_only_consenting_organisations(rendered):
    built = rendered["built"]
    for pages in (rendered["draft_pages"], rendered["final_pages"]):
        text = "\n".join(pages)
        assert [name for name in built.unnamed if name in text] == []
        assert [name for name in built.named if name in text] == built.named
        assert "8 other organisations (not named in reports)" in text
    document = docx.Document(io.BytesIO(rendered["draft_docx"]))
    docx_text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert [name for name in built.unnamed if name in docx_text] == []


def test_report_has_no_personal_names_except_facilitators(rendered):
    text = "\n".join(rendered["draft_pages"])

    assert "Person 0" not in text
    assert "Fiona Facilitator" in text
    assert "[name withheld] ([organisation not named]) presented the survey." in text.replace(
        "\n", " "
    )


def test_report_pdf_metadata_and_variants(rendered):
    draft = PdfReader(io.BytesIO(rendered["draft_pdf"]))
    final = PdfReader(io.BytesIO(rendered["final_pdf"]))

    assert draft.metadata.title == "Data coordination round – Consultation report"
    assert draft.metadata.author == "Coordinator"
    assert draft.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in draft.trailer["/Root"]  # tagged (PDF/UA-1)
    assert b"pdfuaid:part" in draft.trailer["/Root"]["/Metadata"].get_data()
    xmp = final.trailer["/Root"]["/Metadata"].get_data()
    assert re.search(rb"pdfaid:part[^0-9]{1,4}3", xmp)
    assert re.search(rb"pdfaid:conformance[^A-Z]{1,4}B", xmp)


def test_report_charts_are_searchable_text_with_alt_text(rendered):
    pages = rendered["draft_pages"]
    survey_text = "\n".join(pages)
    html_alt = rendered["snapshot"]["survey"]["questions"]

    # Axis and option labels of the charts are text in the PDF (SVG with real fonts).
    assert "Duplication of existing coordination" in survey_text
    assert "Very important" in survey_text
    assert [q["number"] for q in html_alt] == [28, 38, 39, 40, 46, 48]


def test_report_results_mark_draft_minutes(rendered):
    text = "\n".join(rendered["draft_pages"]).replace("\n", " ")

    # Session 1's minutes are approved, sessions 2 and 3 are drafts (6 of the 9 items).
    assert text.count("From minutes not yet approved (draft).") == 6
    assert "Decision: Decision on item 1" in text


def test_report_docx_has_the_same_structure(rendered):
    document = docx.Document(io.BytesIO(rendered["draft_docx"]))

    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Head")
    ]
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == [
        "Contents",
        "1. Introduction",
        "2. Methodology",
        "3. Survey context",
        "4. Results per theme",
        "5. Conclusions",
        "6. Next steps",
        "Annex",
    ]
    assert document.core_properties.title == "Data coordination round"
    assert document.core_properties.language == "en"
    assert document.sections[0].header.paragraphs[0].text == "DRAFT · Data coordination round"
    pictures = document.inline_shapes
    assert len(pictures) == 5 + 6  # profile dimensions + survey charts
    assert all(p._inline.docPr.get("descr") for p in pictures)
    counts = document.tables[2]
    assert [c.text for c in counts.rows[-1].cells] == ["Total", "15", "12", "12"]


def test_report_every_chart_is_a_tagged_figure_with_alt_text(rendered):
    reader = PdfReader(io.BytesIO(rendered["draft_pdf"]))
    figures = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])

    # 5 profile dimensions, then Q28 (two columns), Q38 (Likert), Q39 (yes/no), Q40, Q46, Q48.
    assert [alt.split(":")[0] for alt in figures] == ["Grouped horizontal bar chart"] * 6 + [
        "Stacked bar chart",
        "Pie chart",
        "Horizontal bar chart",
        "Horizontal bar chart",
        "Horizontal bar chart",
    ]
    assert figures[7].startswith("Pie chart: Q39. Would your organization be willing")


def test_report_pages_have_running_header_and_page_x_of_y_footer(rendered):
    pages = rendered["draft_pages"]
    total = len(pages)

    footers = [f"Page {n} of {total}" in text for n, text in enumerate(pages, start=1)]
    headers = ["Data coordination round" in text.splitlines()[-2:] for text in pages]

    assert footers == [False] + [True] * (total - 1)  # none on the title page
    assert headers == [False] + [True] * (total - 1)
