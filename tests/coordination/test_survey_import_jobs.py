"""The survey import in the background: progress while it runs, one run per job whatever
the retries, a clear failure, and the uploads left behind deleted after a while."""

import csv
import datetime as dt
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from coordination import tasks
from coordination.imports import jobs
from coordination.imports.importer import survey_import
from coordination.models import SurveyImportJob, SurveyResponse
from tests.factories import TeamUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A MEDIA_ROOT of each test's own: the sweep sees only the files the test made."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


HEADER = ["ID", "Completion time", "Email", "Name", "1. Name of your organization", "56. Co?"]


def export_of(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(1, count + 1):
        writer.writerow([n, "2022-11-03 10:00", f"p{n}@org{n}.be", f"P{n}", f"Org {n}", "Yes"])
    return buffer.getvalue().encode()


def test_progress_is_given_every_few_hundred_rows_and_changes_no_result():
    data = export_of(600)
    calls = []

    with_progress = survey_import(
        data=data, filename="e.csv", dry_run=True, progress=lambda *figures: calls.append(figures)
    )
    without = survey_import(data=data, filename="e.csv", dry_run=True)

    assert calls == [(0, 600), (250, 600), (500, 600), (600, 600)]
    assert with_progress.as_dict() == without.as_dict()
    assert with_progress.created == 600


def test_progress_of_an_unreadable_file_is_never_given():
    calls = []

    report = survey_import(data=b"just,text\r\n", filename="x.csv", progress=calls.append)

    assert (calls, report.file_error.startswith("No question columns found")) == ([], True)


def queued_job(data: bytes, **options) -> SurveyImportJob:
    return jobs.survey_import_job_create(
        upload=ContentFile(data),
        filename="export.csv",
        user=TeamUserFactory(username="importer"),
        **options,
    )


def test_job_runs_once_even_when_its_task_is_handed_out_twice():
    job = queued_job(export_of(3))

    first = tasks.survey_import_run(job.pk)
    second = tasks.survey_import_run(job.pk)

    job.refresh_from_db()
    assert (first, second) == ("done", "done")
    assert (job.rows_done, job.rows_total, job.report["created"]) == (3, 3, 3)
    assert SurveyResponse.objects.count() == 3
    assert job.upload.name == ""


def test_job_whose_upload_is_gone_fails_with_the_reason_and_writes_nothing():
    job = queued_job(export_of(2))
    default_storage.delete(job.upload.name)

    status = tasks.survey_import_run(job.pk)

    job.refresh_from_db()
    assert (status, job.error) == ("failed", "The uploaded file is gone; upload it again.")
    assert job.finished_at is not None
    assert SurveyResponse.objects.count() == 0


def test_check_from_the_page_keeps_its_upload_for_the_confirmation():
    job = queued_job(export_of(2), awaits_confirmation=True)

    tasks.survey_import_run(job.pk)

    job.refresh_from_db()
    assert (job.dry_run, job.status, job.report["created"]) == (True, "done", 2)
    assert default_storage.exists(job.upload.name)
    assert jobs.survey_import_job_is_pending(job) is True
    assert SurveyResponse.objects.count() == 0


def stored(name: str, hours_old: float) -> str:
    path = default_storage.save(f"survey-imports/{name}", ContentFile(b"ID,Email\r\n"))
    moment = (timezone.now() - dt.timedelta(hours=hours_old)).timestamp()
    os.utime(default_storage.path(path), (moment, moment))
    return path


def test_sweep_deletes_uploads_left_behind_and_keeps_recent_and_running_ones(media):
    orphan = stored("export-orphan", hours_old=30)
    failed_upload = stored("export-failed", hours_old=25)
    failed = SurveyImportJob.objects.create(
        filename="f.csv", upload=failed_upload, status="failed", error="ValueError: broken"
    )
    unconfirmed_upload = stored("export-unconfirmed", hours_old=26)
    unconfirmed = SurveyImportJob.objects.create(
        filename="u.csv",
        upload=unconfirmed_upload,
        dry_run=True,
        awaits_confirmation=True,
        status="done",
        report={"created": 1},
    )
    recent = stored("export-recent", hours_old=2)
    running = stored("export-running", hours_old=40)
    SurveyImportJob.objects.create(filename="r.csv", upload=running, status="running")

    deleted = tasks.survey_import_uploads_sweep()

    left = sorted(os.listdir(media / "survey-imports"))
    failed.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert deleted == 3
    assert [orphan, failed_upload, unconfirmed_upload, recent, running] == [
        "survey-imports/export-orphan",
        "survey-imports/export-failed",
        "survey-imports/export-unconfirmed",
        "survey-imports/export-recent",
        "survey-imports/export-running",
    ]
    assert left == ["export-recent", "export-running"]
    assert (failed.upload.name, unconfirmed.upload.name) == ("", "")
    assert jobs.survey_import_job_is_pending(unconfirmed) is False


def test_sweep_age_is_configurable(settings):
    settings.SURVEY_IMPORT_UPLOAD_HOURS = 1
    two_hours = stored("export-two-hours", hours_old=2)
    half_hour = stored("export-half-hour", hours_old=0.5)

    deleted = jobs.survey_import_uploads_sweep()

    assert deleted == 1
    assert (default_storage.exists(two_hours), default_storage.exists(half_hour)) == (False, True)


def test_sweep_is_scheduled_every_hour():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="coordination.tasks.survey_import_uploads_sweep")

    assert (schedule.schedule_type, schedule.repeats) == ("H", -1)


def test_new_check_from_the_page_replaces_the_users_unconfirmed_one():
    first = queued_job(export_of(2), awaits_confirmation=True)
    tasks.survey_import_run(first.pk)
    first_upload = SurveyImportJob.objects.get(pk=first.pk).upload.name

    second = jobs.survey_import_job_create(
        upload=ContentFile(export_of(1)),
        filename="export.csv",
        user=first.requested_by,
        awaits_confirmation=True,
    )

    first.refresh_from_db()
    assert (first.upload.name, default_storage.exists(first_upload)) == ("", False)
    assert jobs.survey_import_job_is_pending(first) is False
    assert default_storage.exists(second.upload.name) is True


def test_report_is_written_in_the_language_of_whoever_asked():
    with translation.override("fr"):
        job = queued_job(b"just,text\r\n")

    tasks.survey_import_run(job.pk)

    job.refresh_from_db()
    assert job.interface_language == "fr"
    with translation.override("fr"):
        expected = survey_import(data=b"just,text\r\n", filename="export.csv").file_error
    assert job.report["file_error"] == expected
    assert expected != survey_import(data=b"just,text\r\n", filename="export.csv").file_error
