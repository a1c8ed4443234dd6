"""Report generation: one running job per report (database), the django-q2 task, versions,
narrative sections kept across regenerations, failures, finalising, and bad input."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from coordination.models import Question
from meetings import enums
from meetings.formats import report as render
from meetings.models import Report, ReportJob, ReportSection, ReportVersion
from meetings.selectors import reports as data
from meetings.services import reports as services
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    ConsentFactory,
    ConsultationRoundFactory,
    ContactFactory,
    MinutesFactory,
    MinutesNoteFactory,
    PanelDrawFactory,
    RoundSessionFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_render(monkeypatch):
    """Replace the (slow) renderers by tiny documents: for tests of the workflow only."""
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")


def make_report(**round_kwargs) -> Report:
    consultation_round = ConsultationRoundFactory(**round_kwargs)
    return services.report_get_or_create(consultation_round=consultation_round, language="en")


def generate(report: Report, user) -> ReportJob:
    job = services.report_generate(report=report, user=user)
    return services.report_job_run(job_id=job.pk)


# --- constraints ---------------------------------------------------------------------------


def test_report_job_second_running_job_for_a_report_is_refused_by_the_database():
    report = make_report()
    ReportJob.objects.create(report=report, status=enums.ReportJobStatus.RENDERING)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(report=report, status=enums.ReportJobStatus.QUEUED)


def test_report_job_finished_jobs_do_not_block_a_new_one():
    report = make_report()
    ReportJob.objects.create(report=report, status=enums.ReportJobStatus.FAILED, error="boom")

    job = ReportJob.objects.create(report=report, status=enums.ReportJobStatus.QUEUED)

    assert job.pk is not None


def test_report_job_failed_without_reason_is_refused_by_the_database():
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(report=report, status=enums.ReportJobStatus.FAILED, error="")


def test_report_job_done_without_version_is_refused_by_the_database():
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportJob.objects.create(report=report, status=enums.ReportJobStatus.DONE)


def test_report_version_number_is_unique_per_report():
    report = make_report()
    ReportVersion.objects.create(report=report, number=1, language="en", pdf="a.pdf")

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=report, number=1, language="en", pdf="b.pdf")


def test_report_version_only_one_final_per_report():
    report = make_report()
    ReportVersion.objects.create(report=report, number=1, language="en", is_final=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=report, number=2, language="en", is_final=True)


def test_report_version_number_must_be_positive():
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=report, number=0, language="en")


def test_report_section_key_is_unique_per_report():
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportSection.objects.create(
            report=report, key="introduction", kind="introduction", title="Again"
        )


def test_report_one_per_round_is_refused_by_the_database():
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(consultation_round=report.consultation_round)


# --- generation workflow -------------------------------------------------------------------


def test_report_generate_runs_the_task_after_commit_and_stores_a_version(
    fast_render, django_capture_on_commit_callbacks
):
    user = TeamUserFactory()
    report = make_report(themes=["Data sharing"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.report_generate(report=report, user=user)

    job.refresh_from_db()
    version = job.result
    assert len(callbacks) == 1
    assert job.status == enums.ReportJobStatus.DONE
    assert (version.number, version.created_by, version.is_final) == (1, user, False)
    assert version.pdf.read() == b"%PDF-1.7 fake"
    assert version.snapshot["round"]["title"] == report.consultation_round.title
    assert [s["key"] for s in version.sections] == [
        "introduction",
        "theme:data sharing",
        "conclusions",
    ]


def test_report_generate_while_one_is_running_is_refused():
    user = TeamUserFactory()
    report = make_report()
    services.report_generate(report=report, user=user)  # queued, not run

    with pytest.raises(ValidationError) as error:
        services.report_generate(report=report, user=user)

    assert error.value.code == "already_running"
    assert ReportJob.objects.filter(report=report).count() == 1


def test_report_generate_after_a_stale_job_fails_it_and_starts_anew():
    user = TeamUserFactory()
    report = make_report()
    stale = services.report_generate(report=report, user=user)
    ReportJob.objects.filter(pk=stale.pk).update(
        requested_at=timezone.now() - dt.timedelta(hours=1)
    )

    job = services.report_generate(report=report, user=user)

    stale.refresh_from_db()
    assert stale.status == enums.ReportJobStatus.FAILED
    assert stale.error == "The generation did not finish in time."
    assert job.status == enums.ReportJobStatus.QUEUED


def test_report_job_run_twice_does_the_work_once(fast_render):
    user = TeamUserFactory()
    report = make_report()
    job = services.report_generate(report=report, user=user)

    services.report_job_run(job_id=job.pk)
    again = services.report_job_run(job_id=job.pk)

    assert again.status == enums.ReportJobStatus.DONE
    assert report.versions.count() == 1


def test_report_versions_are_numbered_and_sections_kept_across_regenerations(fast_render):
    user = TeamUserFactory()
    report = make_report(themes=["Data sharing"])
    intro = report.sections.get(key="introduction")
    services.report_sections_update(report=report, texts={intro.pk: "Our own text."}, user=user)

    first = generate(report, user).result
    report.consultation_round.themes = ["Data sharing", "Meetings"]
    report.consultation_round.save()
    second = generate(report, user).result

    assert (first.number, second.number) == (1, 2)
    assert second.sections[0]["text"] == "Our own text."
    assert [s["key"] for s in second.sections] == [
        "introduction",
        "theme:data sharing",
        "theme:meetings",
        "conclusions",
    ]
    assert first.pdf.name != second.pdf.name


def test_report_failed_render_keeps_the_previous_version_and_records_the_reason(
    fast_render, monkeypatch
):
    user = TeamUserFactory()
    report = make_report()
    first = generate(report, user).result

    def broken(**kwargs):
        raise RuntimeError("font cache unavailable")

    monkeypatch.setattr(render, "render_pdf", broken)
    job = generate(report, user)

    first.refresh_from_db()
    assert job.status == enums.ReportJobStatus.FAILED
    assert job.error == "RuntimeError: font cache unavailable"
    assert list(report.versions.values_list("number", flat=True)) == [1]
    assert first.pdf.read() == b"%PDF-1.7 fake"


def test_report_finalise_makes_a_final_version_and_locks_the_report(fast_render):
    user = TeamUserFactory()
    report = make_report()
    draft = generate(report, user).result

    job = services.report_version_finalise(version=draft, user=user)
    final = services.report_job_run(job_id=job.pk).result

    report.refresh_from_db()
    assert (final.number, final.is_final, final.based_on) == (2, True, draft)
    assert final.snapshot == draft.snapshot
    assert report.is_locked
    with pytest.raises(ValidationError):
        services.report_generate(report=report, user=user)
    with pytest.raises(ValidationError):
        services.report_sections_update(report=report, texts={}, user=user)


def test_report_language_set_refuses_an_unknown_language():
    report = make_report()

    with pytest.raises(ValidationError):
        services.report_language_set(report=report, language="xx")

    report.refresh_from_db()
    assert report.language == "en"


def _texts(report: Report) -> dict[str, tuple[str, str]]:
    return {s.key: (s.title, s.text) for s in report.sections.all()}


def test_report_language_change_replaces_untouched_placeholders_and_keeps_edited_texts():
    report = make_report(themes=["Housing", "Work"])
    user = TeamUserFactory()
    edited = report.sections.get(key="theme:housing")
    services.report_sections_update(report=report, texts={edited.pk: "Our own summary."}, user=user)

    services.report_language_set(report=report, language="fr")

    report.refresh_from_db()
    assert report.language == "fr"
    texts = _texts(report)
    assert texts["theme:housing"] == ("Housing", "Our own summary.")
    assert texts["theme:work"] == (
        "Work",
        "*Synthèse des discussions sur ce thème\u00a0: à rédiger.*",
    )
    assert texts["conclusions"] == ("Conclusions", "*Conclusions du tour\u00a0: à rédiger.*")
    assert texts["introduction"] == ("Introduction", data.project_context("fr"))


def test_report_language_change_follows_the_language_it_left():
    report = make_report(themes=["Housing"])

    services.report_language_set(report=report, language="de")
    services.report_language_set(report=report, language="fr")

    texts = _texts(report)
    assert texts["theme:housing"][1] == "*Synthèse des discussions sur ce thème\u00a0: à rédiger.*"
    assert texts["conclusions"] == ("Conclusions", "*Conclusions du tour\u00a0: à rédiger.*")


def test_report_language_change_keeps_a_placeholder_edited_by_one_character():
    report = make_report()
    conclusions = report.sections.get(key="conclusions")
    services.report_sections_update(
        report=report,
        texts={conclusions.pk: "*Conclusions of the round: to be written!*"},
        user=TeamUserFactory(),
    )

    services.report_language_set(report=report, language="nl")

    conclusions.refresh_from_db()
    assert conclusions.text == "*Conclusions of the round: to be written!*"


def test_project_context_per_language_from_the_settings(settings):
    settings.REPORT_PROJECT_CONTEXT = "Our mechanism in English."
    settings.REPORT_PROJECT_CONTEXTS = {"fr": "Notre mécanisme.", "nl": "", "de": ""}

    assert data.project_context("en") == "Our mechanism in English."
    assert data.project_context("fr") == "Notre mécanisme."
    # A language left unset takes the installation's English text.
    assert data.project_context("nl") == "Our mechanism in English."


def test_project_context_default_is_the_built_in_paragraph_in_the_report_language(settings):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    built_in = gettext_lazy(
        "This coordination mechanism brings together federal and regional public services, "
        "NGOs and international organisations that welcome people displaced from Ukraine."
    )
    settings.REPORT_PROJECT_CONTEXT = built_in
    settings.REPORT_PROJECT_CONTEXTS = {"fr": "", "nl": "", "de": ""}
    report = make_report()
    services.report_language_set(report=report, language="de")

    with translation.override("de"):
        expected = str(built_in)
    assert data.project_context("de") == expected
    assert report.sections.get(key="introduction").text == expected


# --- bad input: a clear, valid draft that says what is missing -----------------------------


def test_report_of_an_empty_round_is_a_valid_pdf_that_says_what_is_missing():
    user = TeamUserFactory()
    report = make_report(title="Empty round")

    job = generate(report, user)

    assert job.status == enums.ReportJobStatus.DONE, job.error
    reader = PdfReader(io.BytesIO(job.result.pdf.read()))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "What this draft still lacks" in text
    assert "The round has no sessions yet." in text
    assert "No survey questions are linked to the round or its agenda items." in text
    assert job.result.snapshot["missing"] == [
        "The round has no sessions yet.",
        "No survey questions are linked to the round or its agenda items.",
    ]


def test_report_data_without_minutes_survey_data_or_consent_lists_what_is_missing():
    round_ = ConsultationRoundFactory(themes=["Data sharing"])
    round_.questions.add(Question.objects.get(number=40))
    session = RoundSessionFactory(consultation_round=round_)
    PanelDrawFactory(meeting=session)
    AgendaItemFactory(meeting=session, position=1, title="Data sharing in practice")
    AttendanceFactory(meeting=session, contact=ContactFactory(organisation__name="Quiet NGO"))

    snapshot = data.report_data(consultation_round=round_, language="en")

    assert snapshot["missing"] == [
        "No minutes are recorded for the sessions.",
        "No survey responses have been imported.",
        "No participating organisation has agreed to be named in reports.",
    ]
    assert snapshot["participants"]["named"] == []
    assert snapshot["participants"]["other_count"] == 1
    assert snapshot["themes"][0]["items"][0]["minutes_status"] == ""


def test_report_data_query_count_does_not_grow_with_sessions(django_assert_num_queries):
    from tests.meetings.report_builder import build_round

    small = build_round(sessions=1, organisations=2, named=1, agenda_items=2, action_items=1)
    large = build_round(sessions=5, organisations=15, named=3, agenda_items=20, action_items=12)
    from django.core.cache import cache

    cache.clear()  # the survey statistics are cached: both reads start without them
    with CaptureQueriesContext(connection) as small_queries:
        data.report_data(consultation_round=small.consultation_round, language="en")
    cache.clear()
    with CaptureQueriesContext(connection) as large_queries:
        data.report_data(consultation_round=large.consultation_round, language="en")

    assert len(large_queries) == len(small_queries)
    assert len(small_queries) <= 28


def test_report_data_of_a_round_with_one_session_and_nothing_else():
    round_ = ConsultationRoundFactory()
    RoundSessionFactory(consultation_round=round_)

    snapshot = data.report_data(consultation_round=round_, language="en")

    assert snapshot["missing"] == [
        "No panel draw is recorded for the sessions.",
        "No attendance is recorded for the sessions.",
        "The sessions have no agenda items.",
        "No minutes are recorded for the sessions.",
        "No survey questions are linked to the round or its agenda items.",
    ]


def test_report_data_in_french_formats_dates_and_labels_in_french():
    round_ = ConsultationRoundFactory()
    RoundSessionFactory(
        consultation_round=round_,
        starts_at=timezone.make_aware(dt.datetime(2026, 3, 5, 9, 0)),
        ends_at=timezone.make_aware(dt.datetime(2026, 3, 5, 12, 30)),
    )

    snapshot = data.report_data(consultation_round=round_, language="fr")

    assert snapshot["language"] == "fr"
    assert snapshot["sessions"][0]["date"] == "5 mars 2026"
    assert snapshot["sessions"][0]["time"] == "09:00–12:30"


def test_report_job_run_leaves_a_job_being_rendered_alone(fast_render):
    report = make_report()
    job = services.report_generate(report=report, user=None)
    ReportJob.objects.filter(pk=job.pk).update(
        status=enums.ReportJobStatus.RENDERING, started_at=timezone.now()
    )

    result = services.report_job_run(job_id=job.pk)

    assert result.status == enums.ReportJobStatus.RENDERING
    assert report.versions.count() == 0


def test_report_job_run_takes_up_a_job_abandoned_by_a_killed_worker(fast_render):
    report = make_report()
    job = services.report_generate(report=report, user=None)
    ReportJob.objects.filter(pk=job.pk).update(
        status=enums.ReportJobStatus.RENDERING,
        started_at=timezone.now() - dt.timedelta(minutes=10),
    )

    result = services.report_job_run(job_id=job.pk)

    assert result.status == enums.ReportJobStatus.DONE
    assert report.versions.count() == 1


def test_report_data_withholds_names_without_consent_in_free_text():
    round_ = ConsultationRoundFactory()
    session = RoundSessionFactory(consultation_round=round_)
    quiet = ContactFactory(name="Jan Peeters", organisation__name="Quiet NGO")
    named = ContactFactory(name="Ana Named", organisation__name="Open Service")
    ConsentFactory(contact=named, purpose="named_in_reports")
    for contact in (quiet, named):
        AttendanceFactory(meeting=session, contact=contact)
    item = AgendaItemFactory(meeting=session, position=1, title="Report by quiet ngo")
    minutes = MinutesFactory(meeting=session)
    MinutesNoteFactory(
        minutes=minutes,
        agenda_item=item,
        text="Jan Peeters (Quiet NGO) and Ana Named (Open Service) agreed. Quiet NGOs differ.",
    )

    snapshot = data.report_data(consultation_round=round_, language="en")

    entry = snapshot["themes"][0]["items"][0]
    assert entry["title"] == "Report by [organisation not named]"
    assert entry["notes"] == (
        "[name withheld] ([organisation not named]) and Ana Named (Open Service) agreed. "
        "Quiet NGOs differ."
    )


def test_report_pool_is_the_volunteer_pool_of_the_pool_page():
    from coordination.models import SurveyResponse
    from coordination.selectors import needs_assessment_survey
    from meetings.selectors.reports import report_data
    from tests.factories import ConsentFactory, ConsultationRoundFactory

    volunteer = ConsentFactory().contact
    not_volunteering = ConsentFactory().contact  # consent, but said no in Q56
    for contact, q56 in ((volunteer, "yes"), (not_volunteering, "no")):
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=contact.organisation,
            form_language="fr",
            answers={"q56": q56},
        )

    data = report_data(consultation_round=ConsultationRoundFactory(), language="en")

    assert data["participants"]["pool_size"] == 1
