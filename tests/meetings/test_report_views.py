"""Report pages: permissions (team and the round's facilitators only), progress, errors,
section editing, downloads, preview, and constant query counts."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from meetings import enums
from meetings.formats import report as render
from meetings.models import ReportJob, ReportVersion
from meetings.services import reports as services
from tests.factories import ConsultationRoundFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_render(monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")


@pytest.fixture
def round_(facilitator):
    consultation_round = ConsultationRoundFactory(title="Data round", themes=["Data sharing"])
    consultation_round.facilitators.add(facilitator)
    return consultation_round


def url(name: str, round_, **kwargs) -> str:
    return reverse(name, kwargs={"round_pk": round_.pk, **kwargs})


@pytest.mark.parametrize(
    ("who", "status"),
    [("team", 200), ("round_facilitator", 200), ("other_facilitator", 403), ("participant", 403)],
)
def test_report_overview_is_for_the_team_and_the_rounds_facilitators(
    who, status, round_, team_user, facilitator, participant, client_for
):
    users = {
        "team": team_user,
        "round_facilitator": facilitator,
        "other_facilitator": UserFactory(username="other-facilitator", facilitator=True),
        "participant": participant,
    }

    response = client_for(users[who]).get(url("round-report", round_))

    assert response.status_code == status


def test_report_overview_sends_anonymous_visitors_to_sign_in(client, round_):
    response = client.get(url("round-report", round_))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_report_pages_of_a_missing_round_are_404(client_for, team_user):
    response = client_for(team_user).get(reverse("round-report", kwargs={"round_pk": 999999}))

    assert response.status_code == 404


def test_report_download_is_refused_to_other_facilitators(client_for, round_, fast_render):
    report = services.report_get_or_create(consultation_round=round_)
    job = services.report_generate(report=report, user=None)
    services.report_job_run(job_id=job.pk)
    other = UserFactory(username="other-facilitator", facilitator=True)

    response = client_for(other).get(url("round-report-pdf", round_, number=1))

    assert response.status_code == 403


def test_report_generate_post_queues_and_the_page_refreshes_while_it_runs(
    client_for, facilitator, round_
):
    client = client_for(facilitator)

    response = client.post(url("round-report-generate", round_), {"language": "fr"}, follow=True)

    job = ReportJob.objects.get(report__consultation_round=round_)
    assert job.status == enums.ReportJobStatus.QUEUED  # on_commit never fires in this test
    assert job.report.language == "fr"
    content = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in content
    assert "The report is being generated." in content


def test_report_generate_post_twice_shows_that_one_is_running(client_for, facilitator, round_):
    client = client_for(facilitator)
    client.post(url("round-report-generate", round_), {"language": "en"})

    response = client.post(url("round-report-generate", round_), {"language": "en"}, follow=True)

    assert ReportJob.objects.filter(report__consultation_round=round_).count() == 1
    assert "A generation of this report is already running" in response.content.decode()


def test_report_generate_post_with_unknown_language_changes_nothing(
    client_for, facilitator, round_
):
    response = client_for(facilitator).post(
        url("round-report-generate", round_), {"language": "xx"}, follow=True
    )

    assert ReportJob.objects.count() == 0
    assert "Choose one of the offered languages." in response.content.decode()


def test_report_generate_end_to_end_through_the_task(
    client_for, facilitator, round_, fast_render, django_capture_on_commit_callbacks
):
    client = client_for(facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("round-report-generate", round_), {"language": "en"})
    response = client.get(url("round-report", round_))
    download = client.get(url("round-report-pdf", round_, number=1))

    content = response.content.decode()
    assert "Version 1 is ready." in content
    assert 'http-equiv="refresh"' not in content
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.7 fake"
    assert 'filename="' + round_.slug + '-report-v1.pdf"' in download["Content-Disposition"]


def test_report_failed_generation_shows_the_reason(client_for, facilitator, round_):
    report = services.report_get_or_create(consultation_round=round_)
    ReportJob.objects.create(
        report=report, status=enums.ReportJobStatus.FAILED, error="OSError: disk full"
    )

    content = client_for(facilitator).get(url("round-report", round_)).content.decode()

    assert "The generation failed; earlier versions are unchanged." in content
    assert "OSError: disk full" in content


def test_report_sections_edit_saves_the_texts(client_for, facilitator, round_):
    client = client_for(facilitator)
    report = services.report_get_or_create(consultation_round=round_)
    sections = list(report.sections.all())
    payload = {f"section_{s.pk}": s.text for s in sections}
    payload[f"section_{sections[0].pk}"] = "A new introduction.\r\n\r\n- with a list"

    response = client.post(url("round-report-sections", round_), payload, follow=True)

    sections[0].refresh_from_db()
    assert sections[0].text == "A new introduction.\n\n- with a list"
    assert sections[0].updated_by == facilitator
    assert "1 section saved." in response.content.decode()


def test_report_sections_edit_too_long_is_refused_and_changes_nothing(
    client_for, facilitator, round_
):
    client = client_for(facilitator)
    report = services.report_get_or_create(consultation_round=round_)
    intro = report.sections.get(key="introduction")
    before = intro.text

    response = client.post(
        url("round-report-sections", round_), {f"section_{intro.pk}": "x" * 20001}
    )

    intro.refresh_from_db()
    assert response.status_code == 400
    assert intro.text == before
    assert "Ensure this value has at most 20000 characters" in response.content.decode()


def test_report_preview_shows_the_current_data_with_sanitised_markdown(
    client_for, facilitator, round_
):
    report = services.report_get_or_create(consultation_round=round_)
    intro = report.sections.get(key="introduction")
    services.report_sections_update(
        report=report, texts={intro.pk: "**Bold** <script>alert(1)</script>"}, user=facilitator
    )

    response = client_for(facilitator).get(url("round-report-preview", round_))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in content
    assert "<script>alert(1)</script>" not in content
    assert "The round has no sessions yet." in content


def test_report_download_of_a_missing_file_is_404(client_for, facilitator, round_):
    report = services.report_get_or_create(consultation_round=round_)
    ReportVersion.objects.create(report=report, number=1, language="en", pdf="reports/gone.pdf")

    response = client_for(facilitator).get(url("round-report-pdf", round_, number=1))

    assert response.status_code == 404


def test_report_finalise_post_locks_the_report(
    client_for, facilitator, round_, fast_render, django_capture_on_commit_callbacks
):
    client = client_for(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("round-report-generate", round_), {"language": "en"})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("round-report-finalise", round_, number=1))
    content = client.get(url("round-report", round_)).content.decode()

    assert list(ReportVersion.objects.values_list("number", "is_final")) == [
        (2, True),
        (1, False),
    ]
    assert "The report has a final version and is locked." in content
    assert "Generate a new version" not in content


def make_versions(report, count: int) -> None:
    for number in range(1, count + 1):
        version = ReportVersion(report=report, number=number, language="en")
        version.pdf.save(f"v{number}.pdf", ContentFile(b"%PDF"), save=False)
        version.save()


@pytest.mark.parametrize("count", [1, 5])
def test_report_overview_query_count_is_constant(
    count, client_for, facilitator, round_, django_assert_num_queries
):
    client = client_for(facilitator)
    report = services.report_get_or_create(consultation_round=round_)
    make_versions(report, count)
    client.get(url("round-report", round_))  # warm the session

    with django_assert_num_queries(13):
        response = client.get(url("round-report", round_))

    assert response.content.decode().count("Make final") == count


def test_report_admin_lists_reports_with_versions_and_jobs(client_for, round_):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    report = services.report_get_or_create(consultation_round=round_)
    make_versions(report, 2)
    ReportJob.objects.create(report=report, status=enums.ReportJobStatus.FAILED, error="boom")
    client = client_for(admin_user)

    listing = client.get(reverse("admin:meetings_report_changelist"))
    change = client.get(reverse("admin:meetings_report_change", args=[report.pk]))

    assert listing.status_code == 200
    assert change.status_code == 200
    assert "boom" in change.content.decode()


def test_report_version_preview_shows_the_stored_snapshot(
    client_for, facilitator, round_, fast_render
):
    report = services.report_get_or_create(consultation_round=round_)
    job = services.report_generate(report=report, user=facilitator)
    services.report_job_run(job_id=job.pk)
    round_.title = "Renamed since"
    round_.save()

    response = client_for(facilitator).get(url("round-report-version", round_, number=1))
    missing = client_for(facilitator).get(url("round-report-version", round_, number=2))

    content = response.content.decode()
    assert '<h1 class="doc-title">Data round</h1>' in content
    assert "Stored version 1" in content
    assert missing.status_code == 404
