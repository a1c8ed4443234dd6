import io

import pytest
from pypdf import PdfReader

from tests.factories import ConsultationRoundFactory, RoundSessionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_facilitator_edits_generates_and_downloads_a_report(page, login, tmp_path):
    facilitator = UserFactory(username="fiona", facilitator=True)
    consultation_round = ConsultationRoundFactory(title="Round on data", themes=["Data sharing"])
    consultation_round.facilitators.add(facilitator)
    RoundSessionFactory(consultation_round=consultation_round, title="Session FR")
    login(facilitator)

    page.goto(f"/rounds/{consultation_round.pk}/")
    page.click("text=Consultation report")
    page.click("text=Edit the narrative sections")
    page.fill("textarea >> nth=0", "Our introduction for the **report**.")
    page.click("button:has-text('Save')")
    page.select_option("#id_language", "en")
    page.click("button:has-text('Generate a new version')")  # django-q2 runs inline in tests
    page.screenshot(path=str(tmp_path / "report-overview.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("text=Download the PDF")
    path = download_info.value.path()

    reader = PdfReader(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert page.locator(".report-status .badge").inner_text() == "Done"
    assert download_info.value.suggested_filename == f"{consultation_round.slug}-report-v1.pdf"
    assert "Our introduction for the report." in text.replace("\n", " ")
    assert "Session FR" in text
