"""The daily purge of data past its retention period (a django-q2 schedule): the bodies of
old e-mails (headers and delivery status are kept as proof), participation needs and comments
once the meeting is over, stored minutes exports, expired sessions, survey-import uploads left
behind, RSVP links of meetings long over, the lock-out's records of sign-in attempts (user
names, IP addresses), and the audit trail. Each run is recorded with what
it removed. Idempotent: a second run removes nothing more."""

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.imports.jobs import survey_import_uploads_sweep
from coordination.models import PurgeRun
from coordination.services import audit_trail_purge, login_records_purge
from meetings import enums
from meetings.models import Invitation, MinutesExport, OutboundMessage
from meetings.models.invitations import new_token_nonce
from meetings.services.invitations import participation_needs_erase

EXPIRED_TOKEN_PREFIX = "expired-"  # noqa: S105 (a marker, not a secret)
IMPORT_UPLOADS = "survey-imports"


def retention_rules() -> list[dict]:
    """The rules in force, for the page that lists them."""
    return [
        {
            "key": "outbox_bodies",
            "rule": _("Text of sent and cancelled e-mails (headers and delivery status kept)"),
            "kept": _("%(n)s days") % {"n": settings.RETENTION_OUTBOX_BODY_DAYS},
        },
        {
            "key": "participation_needs",
            "rule": _("Participation needs and invitation comments"),
            "kept": _("until the meeting is over"),
        },
        {
            "key": "minutes_exports",
            "rule": _("Stored minutes exports"),
            "kept": _("%(n)s days") % {"n": settings.RETENTION_EXPORT_DAYS},
        },
        {"key": "sessions", "rule": _("Sessions (log-ins)"), "kept": _("until they expire")},
        {
            "key": "survey_import_uploads",
            "rule": _("Survey files uploaded and not imported"),
            "kept": _("%(n)s hours") % {"n": settings.SURVEY_IMPORT_UPLOAD_HOURS},
        },
        {
            "key": "rsvp_links",
            "rule": _("Answer (RSVP) links"),
            "kept": _("%(n)s days after the meeting")
            % {"n": settings.RETENTION_RSVP_LINK_DAYS_AFTER_MEETING},
        },
        {
            "key": "login_attempts",
            "rule": _("Sign-in attempts and sign-ins (user names, IP addresses)"),
            "kept": _("%(n)s days") % {"n": settings.RETENTION_LOGIN_ATTEMPTS_DAYS},
        },
        {
            "key": "sign_in_links",
            "rule": _("Sign-in links in e-mails (they expire by themselves)"),
            "kept": _("%(n)s days after the meeting, else %(days)s days")
            % {
                "n": settings.SIGN_IN_LINK_DAYS_AFTER_MEETING,
                "days": settings.SIGN_IN_LINK_DAYS,
            },
        },
        {
            "key": "audit_trail",
            "rule": _("Audit trail (accesses and changes)"),
            "kept": _("%(n)s days") % {"n": settings.AUDIT_RETENTION_DAYS},
        },
    ]


def _outbox_bodies(now) -> int:
    limit = now - dt.timedelta(days=settings.RETENTION_OUTBOX_BODY_DAYS)
    done = (enums.OutboxStatus.SENT, enums.OutboxStatus.CANCELLED, enums.OutboxStatus.FAILED)
    return (
        OutboundMessage.objects.filter(created_at__lt=limit, status__in=done)
        .filter(~Q(body_text="") | ~Q(body_html="") | ~Q(ical=""))
        .update(body_text="", body_html="", ical="")
    )


def _minutes_exports(now) -> int:
    limit = now - dt.timedelta(days=settings.RETENTION_EXPORT_DAYS)
    expired = 0
    for export in MinutesExport.objects.filter(created_at__lt=limit).exclude(file=""):
        export.file.storage.delete(export.file.name)
        export.file = ""
        export.status = enums.ExportStatus.FAILED
        export.error = str(
            _("Deleted after %(n)s days; export again.") % {"n": settings.RETENTION_EXPORT_DAYS}
        )
        export.save(update_fields=["file", "status", "error"])
        expired += 1
    return expired


def _sessions(now) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]


def _import_uploads(now) -> int:
    """Survey uploads left behind: the import's own sweep (it keeps those of running jobs)."""
    return survey_import_uploads_sweep(now=now)


def _rsvp_links(now) -> int:
    """Revoke the RSVP links of meetings over for longer than the rule (a new nonce)."""
    limit = now - dt.timedelta(days=settings.RETENTION_RSVP_LINK_DAYS_AFTER_MEETING)
    stale = Invitation.objects.filter(meeting__ends_at__lt=limit).exclude(
        token_nonce__startswith=EXPIRED_TOKEN_PREFIX
    )
    count = 0
    for pk in list(stale.values_list("pk", flat=True)):
        Invitation.objects.filter(pk=pk).update(
            token_nonce=EXPIRED_TOKEN_PREFIX + new_token_nonce()
        )
        count += 1
    return count


def retention_purge(*, now: dt.datetime | None = None) -> PurgeRun:
    """Remove what is past its retention period, and record the run."""
    now = now or timezone.now()
    run = PurgeRun.objects.create(started_at=timezone.now())
    removed = {
        "outbox_bodies": _outbox_bodies(now),
        "participation_needs": participation_needs_erase(now=now),
        "minutes_exports": _minutes_exports(now),
        "sessions": _sessions(now),
        "survey_import_uploads": _import_uploads(now),
        "rsvp_links": _rsvp_links(now),
        "login_attempts": login_records_purge(now=now),
    }
    trail = audit_trail_purge(now=now)
    removed["audit_trail"] = trail["access_events"] + trail["model_changes"]
    run.removed = removed
    run.finished_at = timezone.now()
    run.save(update_fields=["removed", "finished_at"])
    return run
