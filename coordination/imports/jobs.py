"""The survey import in the background: the page and the API store the upload, record a
``SurveyImportJob`` and a django-q2 task runs ``survey_import`` for it; the page follows its
progress. The command ``import_survey`` calls ``survey_import`` directly."""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination import enums
from coordination.imports.importer import survey_import
from coordination.models import SurveyImportJob
from coordination.privacy import Scrubber, file_text
from coordination.private_files import private_name

logger = logging.getLogger(__name__)

UPLOAD_DIRECTORY = "survey-imports"
RUNNING = (enums.SurveyImportStatus.QUEUED, enums.SurveyImportStatus.RUNNING)


def _store(upload: File, kind: str) -> str:
    upload.seek(0)
    return default_storage.save(f"{UPLOAD_DIRECTORY}/{kind}-{private_name()}", upload)


def survey_import_job_create(
    *,
    upload: File,
    filename: str,
    user,
    language: str = "",
    mapping: File | None = None,
    mapping_filename: str = "",
    partial: bool = False,
    dry_run: bool = False,
    awaits_confirmation: bool = False,
) -> SurveyImportJob:
    """Store the upload (and mapping file) and queue the import; it runs once the
    transaction commits. ``awaits_confirmation``: a check from the page, whose upload is kept
    for :func:`survey_import_job_confirm`; it replaces the user's earlier checks still waiting
    for a confirmation (their uploads are deleted)."""
    if awaits_confirmation and user is not None:
        earlier = SurveyImportJob.objects.filter(
            requested_by=user,
            awaits_confirmation=True,
            status=enums.SurveyImportStatus.DONE,
            confirmation__isnull=True,
        ).values_list("upload", "mapping")
        _uploads_delete([name for pair in earlier for name in pair])
    job = SurveyImportJob(
        filename=filename[:255],
        language=language,
        mapping_filename=mapping_filename[:255] if mapping is not None else "",
        partial=partial,
        dry_run=dry_run or awaits_confirmation,
        awaits_confirmation=awaits_confirmation,
        interface_language=translation.get_language() or settings.LANGUAGE_CODE,
        requested_by=user,
    )
    job.upload.name = _store(upload, "export")
    if mapping is not None:
        job.mapping.name = _store(mapping, "mapping")
    try:
        with transaction.atomic():
            job.save()
    except Exception:
        _files_delete([job.upload.name, job.mapping.name])
        raise
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from django_q.tasks import async_task

    async_task("coordination.tasks.survey_import_run", job_id, task_name=f"survey-import-{job_id}")


def survey_import_job_is_pending(job: SurveyImportJob) -> bool:
    """Whether a checked file can still be confirmed: the check is done and readable, its
    upload is still there, nothing confirmed it yet, and confirming would write something."""
    report = job.report or {}
    return bool(
        job.awaits_confirmation
        and job.status == enums.SurveyImportStatus.DONE
        and job.upload
        and not report.get("file_error")
        and not (report.get("rejected") and not job.partial)
        and not SurveyImportJob.objects.filter(checked=job).exists()
    )


def survey_import_job_confirm(
    *, job: SurveyImportJob, user, organisation_choices: dict[str, str]
) -> SurveyImportJob:
    """Import the checked file of ``job`` for real, with the team's answers to its hints.
    A check is confirmed once (the database refuses a second confirmation)."""
    if not survey_import_job_is_pending(job):
        raise ValidationError(
            _("This import is no longer pending; upload the file again."), code="not_pending"
        )
    confirmation = SurveyImportJob(
        checked=job,
        filename=job.filename,
        language=(job.report or {}).get("language") or job.language,
        mapping_filename=job.mapping_filename,
        partial=job.partial,
        organisation_choices=dict(organisation_choices),
        interface_language=translation.get_language() or job.interface_language,
        requested_by=user,
    )
    confirmation.upload.name = job.upload.name
    confirmation.mapping.name = job.mapping.name
    try:
        with transaction.atomic():
            confirmation.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("This import is no longer pending; upload the file again."), code="not_pending"
        ) from exc
    transaction.on_commit(lambda: _enqueue(confirmation.pk))
    return confirmation


def survey_import_job_discard(*, job: SurveyImportJob) -> None:
    """Cancel a checked file: its upload is deleted, nothing was written."""
    _uploads_delete([job.upload.name, job.mapping.name])


def _read(name: str) -> bytes | None:
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def _files_delete(names) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _uploads_delete(names) -> None:
    """Delete stored uploads and forget them on every job that names them."""
    names = [n for n in names if n]
    _files_delete(names)
    if names:
        SurveyImportJob.objects.filter(upload__in=names).update(upload="")
        SurveyImportJob.objects.filter(mapping__in=names).update(mapping="")


def _progress_key(job_id: int) -> str:
    return f"survey-import-progress:{job_id}"


def _progress_record(job_id: int, done: int, total: int) -> None:
    # Inside the import's transaction the job's row would stay invisible to the page until
    # the end: the figures go through the cache (shared by every process with REDIS_URL).
    cache.set(_progress_key(job_id), (done, total), timeout=24 * 3600)
    if not connection.in_atomic_block:
        SurveyImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)


def survey_import_job_progress(job: SurveyImportJob) -> tuple[int, int]:
    """(rows done, rows in the file) of a job: recorded on the job, or, while it runs, the
    figures its task last gave."""
    if job.is_running:
        figures = cache.get(_progress_key(job.pk))
        if figures is not None:
            return figures[0], figures[1]
    return job.rows_done, job.rows_total


def survey_import_job_run(*, job_id: int) -> SurveyImportJob | None:
    """Do the work of a job (called by the task). Idempotent: a job that is not queued any
    more is left alone, unless it was left running longer than the worker's timeout (its
    worker was killed; django-q2 hands the task out again). A failure marks the job failed
    with its reason and writes nothing (the import is one transaction)."""
    now = timezone.now()
    abandoned = now - dt.timedelta(seconds=settings.Q_CLUSTER.get("timeout") or 120)
    claimed = (
        SurveyImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=enums.SurveyImportStatus.QUEUED)
            | Q(status=enums.SurveyImportStatus.RUNNING, started_at__lt=abandoned)
        )
        .update(status=enums.SurveyImportStatus.RUNNING, started_at=now)
    )
    job = SurveyImportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if not claimed or job is None:
        return job
    language = job.interface_language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            data = _read(job.upload.name)
            if data is None:
                raise FileNotFoundError(_("The uploaded file is gone; upload it again."))
            report = survey_import(
                data=data,
                filename=job.filename,
                language=job.language,
                mapping=_read(job.mapping.name) if job.mapping else None,
                mapping_filename=job.mapping_filename,
                dry_run=job.dry_run,
                partial=job.partial,
                organisation_choices=job.organisation_choices or None,
                user=job.requested_by,
                progress=lambda done, total: _progress_record(job_id, done, total),
            )
        _done, total = survey_import_job_progress(job)
        job.report = report.as_dict()
        job.rows_total = total
        job.rows_done = total
        job.status = enums.SurveyImportStatus.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["report", "rows_done", "rows_total", "status", "finished_at"])
        cache.delete(_progress_key(job_id))
        if not survey_import_job_is_pending(job):  # nothing can confirm it: done with it
            _uploads_delete([job.upload.name, job.mapping.name])
    except Exception as exc:  # recorded on the job; the sweep deletes the upload later
        logger.exception("Survey import job %s failed", job_id)
        with translation.override(language):
            if isinstance(exc, FileNotFoundError):
                reason = str(exc)
            else:
                reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
        SurveyImportJob.objects.filter(pk=job_id).update(
            status=enums.SurveyImportStatus.FAILED, error=reason[:1000], finished_at=timezone.now()
        )
        cache.delete(_progress_key(job_id))
    job.refresh_from_db()
    return job


def survey_import_uploads_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads left behind (a check never confirmed, a job that failed, a file no
    job names) older than ``SURVEY_IMPORT_UPLOAD_HOURS``; those of queued or running jobs are
    kept. Returns the number of files deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.SURVEY_IMPORT_UPLOAD_HOURS)
    try:
        _directories, files = default_storage.listdir(UPLOAD_DIRECTORY)
    except FileNotFoundError:
        return 0
    in_use = set()
    for upload, mapping in SurveyImportJob.objects.filter(status__in=RUNNING).values_list(
        "upload", "mapping"
    ):
        in_use.update({upload, mapping})
    old = []
    for filename in files:
        name = f"{UPLOAD_DIRECTORY}/{filename}"
        if name not in in_use and default_storage.get_modified_time(name) < cutoff:
            old.append(name)
    _uploads_delete(old)
    return len(old)


def survey_import_jobs_erase(*, scrubber: Scrubber) -> dict[str, int]:
    """At a person's erasure: the uploads (and mapping files) that name them are deleted — a
    check waiting for its confirmation asks for the file again — and the jobs' reports and
    file names name the pseudonym instead."""
    deleted = scrubbed = 0
    for job in SurveyImportJob.objects.all().iterator():
        names = [name for name in (job.upload.name, job.mapping.name) if name]
        if any(scrubber.finds(file_text(_read(name) or b"")) for name in names):
            _uploads_delete(names)
            deleted += 1
        changes = {}
        if scrubber.finds(job.report):
            changes["report"] = scrubber.json(job.report)
        if scrubber.finds(job.filename):
            changes["filename"] = scrubber.text(job.filename)[:255]
        if changes:
            SurveyImportJob.objects.filter(pk=job.pk).update(**changes)
            scrubbed += 1
    return {"survey_import_files_deleted": deleted, "survey_import_jobs_scrubbed": scrubbed}
