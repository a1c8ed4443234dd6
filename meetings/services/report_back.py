"""The report back: the facilitator's "what we did with your input" text and the final report
sent to every organisation consulted in the round, each in their language, through a personal
link (no password). An organisation that does not consent to be named gets a copy rendered
from the final version's snapshot with its name withheld (in a django-q2 task)."""

import copy
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination.exceptions import InvalidTokenError
from meetings import emails
from meetings.enums import OutboxKind
from meetings.formats import report as render
from meetings.models import (
    Invitation,
    Report,
    ReportBack,
    ReportBackDelivery,
    ReportVersion,
)
from meetings.selectors.outbox import message_may_be_written
from meetings.selectors.report_back import (
    final_version_for,
    organisation_is_named,
    report_back_recipients,
)
from meetings.selectors.reports import names_redactor
from meetings.services.invitations import old_link_language

logger = logging.getLogger(__name__)

REPORT_BACK_SALT = "meetings.report_back"
REPORT_BACK_LINK_MAX_AGE = getattr(settings, "REPORT_BACK_LINK_MAX_AGE", 365 * 24 * 3600)
TEXT_MAX = 4000


class ReportBackTokenError(InvalidTokenError):
    pass


def report_back_token(*, report_back: ReportBack, invitation: Invitation) -> str:
    return signing.dumps(
        {"r": report_back.pk, "i": invitation.pk, "n": invitation.token_nonce},
        salt=REPORT_BACK_SALT,
    )


def report_back_url(*, report_back: ReportBack, invitation: Invitation) -> str:
    token = report_back_token(report_back=report_back, invitation=invitation)
    return settings.SITE_URL + reverse("report-back", args=[token])


def report_back_from_token(token: str) -> ReportBackDelivery:
    try:
        data = signing.loads(token, salt=REPORT_BACK_SALT, max_age=REPORT_BACK_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ReportBackTokenError(
            gettext_lazy("This link has expired."),
            code="expired",
            language=old_link_language(token, salt=REPORT_BACK_SALT),
        ) from exc
    except signing.BadSignature as exc:
        raise ReportBackTokenError(gettext_lazy("This link is not valid."), code="invalid") from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("r", "i")):
        raise ReportBackTokenError(gettext_lazy("This link is not valid."), code="invalid")
    delivery = (
        ReportBackDelivery.objects.select_related(
            "report_back__report__consultation_round", "contact__organisation", "version"
        )
        .filter(
            report_back_id=data["r"],
            invitation_id=data["i"],
            invitation__token_nonce=data.get("n"),
        )
        .first()
    )
    if delivery is None:
        raise ReportBackTokenError(gettext_lazy("This link was withdrawn."), code="revoked")
    return delivery


def report_back_send(*, report: Report, text: str, by) -> ReportBack:
    """Save the text and send the final report to everyone consulted who has not received it
    yet (in a task, after commit). Refused while the report has no final version."""
    text = (text or "").strip()
    if not report.versions.filter(is_final=True).exists():
        raise ValidationError(
            _("The report has no final version yet: make a version final first."),
            code="not_final",
        )
    if not text:
        raise ValidationError(
            _("Write what was done with the organisations' input."), code="required"
        )
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("Keep the text under %(max)s characters.") % {"max": TEXT_MAX}, code="long"
        )
    with transaction.atomic():
        report_back, _created = ReportBack.objects.update_or_create(
            report=report, defaults={"text": text, "sent_at": timezone.now(), "sent_by": by}
        )
    transaction.on_commit(lambda: _enqueue("meetings.tasks.report_back_deliver", report_back.pk))
    return report_back


def _enqueue(task: str, object_id: int) -> None:
    from django_q.tasks import async_task

    async_task(task, object_id, task_name=f"{task.rsplit('.', 1)[-1]}-{object_id}")


def _withheld(value, redact):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_withheld(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: _withheld(v, redact) for k, v in value.items()}
    return value


def report_pdf_without(*, version: ReportVersion, organisation_name: str) -> bytes:
    """The final version rendered again from its snapshot and texts, with the organisation's
    name withheld as the report withholds those who do not consent to be named."""
    snapshot = copy.deepcopy(version.snapshot)
    sections = copy.deepcopy(version.sections)
    with translation.override(version.language):
        redact = names_redactor(organisations=[organisation_name], people=[])
        participants = snapshot.get("participants") or {}
        named = participants.get("named") or []
        kept = [name for name in named if name.casefold() != organisation_name.casefold()]
        if len(kept) != len(named):
            participants["named"] = kept
            participants["other_count"] = (
                participants.get("other_count", 0) + len(named) - len(kept)
            )
        snapshot = _withheld(snapshot, redact)
        sections = _withheld(sections, redact)
        return render.render_pdf(
            snapshot=snapshot, sections=sections, version=version.number, is_final=True
        )


def _message_enqueue(*, delivery: ReportBackDelivery):
    report_back = delivery.report_back
    invitation = delivery.invitation
    language = delivery.contact.preferred_language or "en"
    with translation.override(language):
        context = {
            "contact": delivery.contact,
            "round": report_back.report.consultation_round,
            "text": report_back.text,
            "report_back_url": report_back_url(report_back=report_back, invitation=invitation),
        }
        return emails.outbox_write(
            about={"invitation": invitation},
            to_email=delivery.contact.email,
            kind=OutboxKind.REPORT_BACK,
            sequence=report_back.report_id,
            template="report_back",
            context=context,
            language=language,
        )


def report_back_deliver(*, report_back_id: int) -> int:
    """Send the report to each recipient who has not had it (called by the task; running it
    twice sends nothing twice: one delivery per contact, one outbox message per key)."""
    report_back = ReportBack.objects.select_related("report__consultation_round").get(
        pk=report_back_id
    )
    report = report_back.report
    done = set(report_back.deliveries.values_list("contact_id", flat=True))
    count = 0
    copies: dict[tuple[int, int], bytes] = {}
    for recipient in report_back_recipients(report=report):
        if recipient.contact.pk in done:
            continue
        if not message_may_be_written(
            about={"invitation": recipient.invitation},
            to_email=recipient.contact.email,
            kind=OutboxKind.REPORT_BACK,
        ):
            continue
        language = recipient.contact.preferred_language or report.language
        version = final_version_for(report=report, language=language)
        delivery = ReportBackDelivery(
            report_back=report_back,
            contact=recipient.contact,
            invitation=recipient.invitation,
            version=version,
            language=version.language,
            names_organisation=recipient.named,
        )
        if not recipient.named:
            key = (version.pk, recipient.contact.organisation_id)
            if key not in copies:  # one rendering per organisation and version
                copies[key] = report_pdf_without(
                    version=ReportVersion.objects.get(pk=version.pk),
                    organisation_name=recipient.contact.organisation.name,
                )
            pdf = copies[key]
            delivery.pdf.save(
                f"report-v{version.number}-{version.language}-{recipient.contact.pk}.pdf",
                ContentFile(pdf),
                save=False,
            )
        try:
            with transaction.atomic():
                delivery.save()
                count += bool(_message_enqueue(delivery=delivery))
        except IntegrityError:  # delivered meanwhile by another run
            if delivery.pdf:
                delivery.pdf.storage.delete(delivery.pdf.name)
            continue
    logger.info("Report back %s sent to %s contacts", report_back_id, count)
    return count


def report_back_unnamed_copy(*, delivery_id: int) -> ReportBackDelivery:
    """After the organisation withdrew its consent to be named: render the copy without its
    name (called by the task). Does nothing when the copy exists or the consent holds."""
    delivery = ReportBackDelivery.objects.select_related("contact__organisation", "version").get(
        pk=delivery_id
    )
    organisation = delivery.contact.organisation
    if not delivery.names_organisation or organisation_is_named(organisation):
        return delivery
    pdf = report_pdf_without(version=delivery.version, organisation_name=organisation.name)
    with transaction.atomic():
        locked = ReportBackDelivery.objects.select_for_update().get(pk=delivery_id)
        if locked.names_organisation:
            locked.pdf.save(
                f"report-v{delivery.version.number}-{delivery.language}-{delivery.contact_id}.pdf",
                ContentFile(pdf),
                save=False,
            )
            locked.names_organisation = False
            locked.save(update_fields=["pdf", "names_organisation"])
    return locked


def report_back_unnamed_copy_request(*, delivery: ReportBackDelivery) -> None:
    transaction.on_commit(lambda: _enqueue("meetings.tasks.report_back_unnamed_copy", delivery.pk))
