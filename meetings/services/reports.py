"""Writes of consultation reports: the report and its narrative sections, generation requests
(one running per report, refused by the database), the rendering itself (run by the task) and
making a version final."""

import datetime as dt
import logging
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination.models import ConsultationRound
from coordination.private_files import private_name
from meetings import enums
from meetings.formats import report as render
from meetings.models import Report, ReportJob, ReportSection, ReportVersion
from meetings.selectors import reports as data
from meetings.services.rounds import round_status_follow

logger = logging.getLogger(__name__)

# A job still queued or rendering after this long is considered dead (worker killed): it no
# longer blocks a new request. Well above django-q2's timeout × attempts.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "REPORT_JOB_STALE_SECONDS", 15 * 60))
RUNNING = (enums.ReportJobStatus.QUEUED, enums.ReportJobStatus.RENDERING)


class ReportLockedError(ValidationError):
    pass


def _default_texts(report: Report) -> dict[str, tuple[str, str, str]]:
    """key → (kind, title, pre-filled text) of the narrative sections, in the report's
    language."""
    round_ = report.consultation_round
    with translation.override(report.language):
        texts = {
            "introduction": (
                enums.ReportSectionKind.INTRODUCTION,
                _("Introduction"),
                data.project_context(report.language),
            )
        }
        for theme in round_.themes or []:
            texts[f"theme:{data.theme_key(theme)}"] = (
                enums.ReportSectionKind.THEME,
                theme,
                _("*Summary of the discussions on this theme: to be written.*"),
            )
        texts["conclusions"] = (
            enums.ReportSectionKind.CONCLUSIONS,
            _("Conclusions"),
            _("*Conclusions of the round: to be written.*"),
        )
    return texts


def report_sections_sync(*, report: Report) -> list[ReportSection]:
    """Make sure every narrative section exists (a new theme gets a pre-filled section);
    existing texts are kept as they are."""
    existing = {s.key: s for s in report.sections.all()}
    for position, (key, (kind, title, text)) in enumerate(_default_texts(report).items()):
        section = existing.get(key)
        if section is None:
            ReportSection.objects.create(
                report=report, key=key, kind=kind, title=title, position=position, text=text
            )
        elif section.position != position or section.title != title:
            section.position, section.title = position, title
            section.save(update_fields=["position", "title"])
    return list(report.sections.all())


def report_get_or_create(*, consultation_round: ConsultationRound, language: str = "") -> Report:
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            consultation_round=consultation_round,
            defaults={"language": language or settings.LANGUAGE_CODE},
        )
        if created:
            report_sections_sync(report=report)
    return report


def _refuse_if_locked(report: Report) -> None:
    if report.is_locked:
        raise ReportLockedError(
            _("The report has a final version and is locked."), code="report_locked"
        )


def _untouched(text: str, placeholder: str) -> bool:
    return text.replace("\r\n", "\n").strip() == placeholder.strip()


def report_language_set(*, report: Report, language: str) -> Report:
    """Change the report's language. A section whose text is still the pre-filled text of the
    old language gets the one of the new language; edited texts are kept. Titles follow."""
    _refuse_if_locked(report)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="invalid_language")
    with transaction.atomic():
        locked = (
            Report.objects.select_for_update()
            .select_related("consultation_round")
            .get(pk=report.pk)
        )
        if locked.language == language:
            return locked
        before = _default_texts(locked)
        locked.language = language
        locked.save(update_fields=["language", "updated_at"])
        after = _default_texts(locked)
        for section in locked.sections.select_for_update():
            untouched = section.key in before and _untouched(section.text, before[section.key][2])
            if untouched and section.key in after:
                section.text = after[section.key][2]
                section.save(update_fields=["text", "updated_at"])
        report_sections_sync(report=locked)
    report.language = locked.language
    return locked


def report_sections_update(*, report: Report, texts: dict[int, str], user) -> int:
    """Save the narrative texts (section id → Markdown). Returns how many changed."""
    _refuse_if_locked(report)
    changed = 0
    with transaction.atomic():
        for section in report.sections.select_for_update():
            if section.pk in texts and texts[section.pk] != section.text:
                section.text = texts[section.pk]
                section.updated_by = user
                section.save(update_fields=["text", "updated_by", "updated_at"])
                changed += 1
    return changed


def _fail_stale_jobs(report: Report) -> None:
    ReportJob.objects.filter(
        report=report, status__in=RUNNING, requested_at__lt=timezone.now() - STALE_AFTER
    ).update(
        status=enums.ReportJobStatus.FAILED,
        error=_("The generation did not finish in time."),
        finished_at=timezone.now(),
    )


def report_generate(*, report: Report, user, finalise_version: ReportVersion | None = None):
    """Queue a generation (or the final version of ``finalise_version``). A second request
    while one is queued or rendering is refused: the database allows one running job per
    report. The job runs in a django-q2 task once the transaction commits."""
    _refuse_if_locked(report)
    _fail_stale_jobs(report)
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                report=report, requested_by=user, finalise_version=finalise_version
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("A generation of this report is already running; wait for it to finish."),
            code="already_running",
        ) from exc
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from django_q.tasks import async_task

    async_task("meetings.tasks.report_render", job_id, task_name=f"report-job-{job_id}")


def report_version_finalise(*, version: ReportVersion, user) -> ReportJob:
    """Make a version final: it is rendered again from the same snapshot and texts, without
    watermark, as PDF/A-3b, as a new numbered version; the report is then locked."""
    if version.is_final:
        raise ValidationError(_("This version is already final."), code="already_final")
    return report_generate(report=version.report, user=user, finalise_version=version)


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Do the work of a job (called by the task). Idempotent: a job that is not queued any
    more (being rendered, done or failed) is left alone. A failure marks the job failed with
    its reason and leaves every earlier version as it was."""
    now = timezone.now()
    # A job left "rendering" longer than the worker timeout was killed with its worker:
    # django-q2's retry may take it up again.
    abandoned = now - dt.timedelta(seconds=settings.Q_CLUSTER.get("timeout") or 120)
    claimed = (
        ReportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=enums.ReportJobStatus.QUEUED)
            | Q(status=enums.ReportJobStatus.RENDERING, started_at__lt=abandoned)
        )
        .update(status=enums.ReportJobStatus.RENDERING, started_at=now)
    )
    if not claimed:
        return ReportJob.objects.filter(pk=job_id).first()
    job = ReportJob.objects.select_related("report__consultation_round", "finalise_version").get(
        pk=job_id
    )
    report = job.report
    started = time.monotonic()
    version = None
    try:
        source = job.finalise_version
        if source is not None:
            snapshot, sections, language = source.snapshot, source.sections, source.language
        else:
            language = report.language
            sections = [
                {"key": s.key, "kind": s.kind, "title": s.title, "text": s.text}
                for s in report_sections_sync(report=report)
            ]
            snapshot = data.report_data(
                consultation_round=report.consultation_round, language=language
            )
        is_final = source is not None
        number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        pdf = render.render_pdf(
            snapshot=snapshot, sections=sections, version=number, is_final=is_final
        )
        docx = render.render_docx(
            snapshot=snapshot, sections=sections, version=number, is_final=is_final
        )
        with transaction.atomic():
            Report.objects.select_for_update().get(pk=report.pk)
            number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version = ReportVersion(
                report=report,
                number=number,
                language=language,
                is_final=is_final,
                based_on=source,
                snapshot=snapshot,
                sections=sections,
                created_by=job.requested_by,
            )
            # An unguessable stored name; the download view names the file for the user.
            stem = f"report-v{number}-{language}{'-final' if is_final else ''}-{private_name()}"
            version.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            version.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
            version.render_seconds = round(time.monotonic() - started, 3)
            version.save()
            job.status = enums.ReportJobStatus.DONE
            job.result = version
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "result", "finished_at"])
            if is_final:
                report.locked_at = timezone.now()
                report.save(update_fields=["locked_at", "updated_at"])
                round_status_follow(consultation_round=report.consultation_round)
    except Exception as exc:  # any failure is recorded on the job, never half a version
        logger.exception("Report job %s failed", job_id)
        if version is not None:  # the transaction was rolled back: drop its files
            for file in (version.pdf, version.docx):
                if file and file.name:
                    file.storage.delete(file.name)
        reason = f"{type(exc).__name__}: {exc}"[:1000] or type(exc).__name__
        ReportJob.objects.filter(pk=job_id).update(
            status=enums.ReportJobStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job
