"""Writes of the ``coordination`` app. Every state change goes through a function here,
whichever door it comes in by (page, API, admin action, command, task)."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import enums
from coordination.models import (
    REVOKED_FEED_PREFIX,
    Consent,
    ConsultationRound,
    Contact,
    Question,
    Survey,
    User,
    WorkerHeartbeat,
    new_feed_token,
    new_sign_in_key,
)
from coordination.validators import validate_time_zone

QUESTIONNAIRE_PATH = Path(settings.BASE_DIR) / "fixtures" / "questionnaire.json"


ROUND_TRANSITIONS: dict[str, tuple[str, ...]] = {
    enums.RoundStatus.DRAFT: (enums.RoundStatus.PANEL_DRAWN,),
    enums.RoundStatus.PANEL_DRAWN: (enums.RoundStatus.INVITATIONS_SENT, enums.RoundStatus.DRAFT),
    enums.RoundStatus.INVITATIONS_SENT: (enums.RoundStatus.HELD,),
    enums.RoundStatus.HELD: (enums.RoundStatus.REPORTED,),
    enums.RoundStatus.REPORTED: (enums.RoundStatus.CLOSED,),
    enums.RoundStatus.CLOSED: (),
}


def questionnaire_load(
    *, data: dict[str, Any] | None = None, survey_model=Survey, question_model=Question
) -> Survey:
    """Create or update a questionnaire from its catalogue (idempotent). Data migrations pass
    their historical models."""
    if data is None:
        data = json.loads(QUESTIONNAIRE_PATH.read_text(encoding="utf-8"))
    survey, _created = survey_model.objects.update_or_create(
        code=data["code"], defaults={"title": data["title"], "sections": data["sections"]}
    )
    for item in data["questions"]:
        question_model.objects.update_or_create(
            survey=survey,
            number=item["number"],
            defaults={
                "section": item["section"],
                "kind": item["kind"],
                "required": item.get("required", True),
                "two_column": item.get("two_column", False),
                "text": item["text"],
                "help": item.get("help", {}),
                "options": item.get("options", []),
                "rows": item.get("rows", []),
            },
        )
    return survey


def consent_give(
    *,
    contact: Contact,
    purpose: str,
    source: str,
    given_at=None,
    lawful_basis: str = enums.LawfulBasis.CONSENT,
    source_detail: str = "",
    recorded_by=None,
) -> Consent:
    """Record a consent; an active consent for the same purpose is kept as it is."""
    with transaction.atomic():
        existing = (
            Consent.objects.select_for_update()
            .filter(contact=contact, purpose=purpose, withdrawn_at__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        return Consent.objects.create(
            contact=contact,
            purpose=purpose,
            source=source,
            source_detail=source_detail,
            lawful_basis=lawful_basis,
            given_at=given_at or timezone.now(),
            recorded_by=recorded_by,
        )


def consent_withdraw(*, contact: Contact, purpose: str, at=None) -> int:
    """Withdraw the contact's active consent for ``purpose``; returns how many were
    withdrawn (0 or 1). Takes effect immediately (e.g. the volunteer pool)."""
    return Consent.objects.filter(
        contact=contact, purpose=purpose, withdrawn_at__isnull=True
    ).update(withdrawn_at=at or timezone.now())


def contact_erase(*, contact: Contact) -> Contact:
    """Erase a contact's personal data (GDPR art. 17) while keeping the organisation's
    history: name replaced, e-mail and phone removed, log-in detached, consents withdrawn."""
    now = timezone.now()
    with transaction.atomic():
        Consent.objects.filter(contact=contact, withdrawn_at__isnull=True).update(withdrawn_at=now)
        user = contact.user
        contact.name = _("Erased contact #%(id)s") % {"id": contact.pk}
        contact.email = None
        contact.phone = ""
        contact.function = ""
        contact.is_active = False
        contact.erased_at = now
        contact.user = None
        contact.save(
            update_fields=[
                "name",
                "email",
                "phone",
                "function",
                "is_active",
                "erased_at",
                "user",
                "updated_at",
            ]
        )
        if user is not None:
            user.is_active = False
            user.email = ""
            user.first_name = ""
            user.last_name = ""
            user.sign_in_key = new_sign_in_key()
            user.save(
                update_fields=["is_active", "email", "first_name", "last_name", "sign_in_key"]
            )
    return contact


# --- Accounts of contacts and their sign-in links ---------------------------------------------


def contact_account_ensure(*, contact: Contact) -> User:
    """The contact's log-in, created the first time one is needed (a link is sent to them):
    linked to the contact, named after it, in its language, with no usable password (a
    sign-in link or "forgot password" opens it). The username is never shown."""
    if contact.user_id is not None:
        return contact.user
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.user_id is None:
            if locked.erased_at is not None or not locked.is_active or not locked.email:
                raise ValidationError(
                    _("This contact cannot be given a log-in."), code="contact_inactive"
                )
            user = User(
                username=f"contact-{locked.pk}",
                email=locked.email,
                first_name=locked.name[:150],
                preferred_language=locked.preferred_language,
            )
            user.set_unusable_password()
            user.save()
            locked.user = user
            locked.save(update_fields=["user", "updated_at"])
        contact.user = locked.user
    return contact.user


def user_sign_in_links_revoke(*, user: User) -> User:
    """Every sign-in link sent to this person stops working (new links work again)."""
    user.sign_in_key = new_sign_in_key()
    user.save(update_fields=["sign_in_key"])
    return user


def round_status_change(*, consultation_round: ConsultationRound, to: str) -> ConsultationRound:
    allowed = ROUND_TRANSITIONS[consultation_round.status]
    if to not in allowed:
        raise ValidationError(
            _("A round cannot go from “%(from)s” to “%(to)s”."),
            code="invalid_transition",
            params={
                "from": consultation_round.get_status_display(),
                "to": enums.RoundStatus(to).label,
            },
        )
    updated = ConsultationRound.objects.filter(
        pk=consultation_round.pk, status=consultation_round.status
    ).update(status=to, updated_at=timezone.now())
    if not updated:
        raise ValidationError(_("The round was changed meanwhile; reload and try again."))
    consultation_round.status = to
    return consultation_round


# --- A person's preferences and calendar addresses -------------------------------------------


def user_language_set(*, user: User, language: str) -> User:
    """Store the interface language a signed-in person chose (pages and e-mails use it)."""
    if language not in enums.InterfaceLanguage.values:
        raise ValidationError(
            {
                "preferred_language": ValidationError(
                    _("“%(value)s” is not a language of this site (choose from %(allowed)s)."),
                    code="unknown_language",
                    params={
                        "value": language,
                        "allowed": ", ".join(enums.InterfaceLanguage.values),
                    },
                )
            }
        )
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """Store the time zone in which the pages show times to this person."""
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        raise ValidationError({"time_zone": exc.error_list}) from exc
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user


def user_calendar_token_renew(*, user: User) -> User:
    """Give the person new calendar addresses; the old ones (or revoked ones) stop working."""
    user.calendar_token = new_feed_token()
    user.save(update_fields=["calendar_token"])
    return user


def user_calendar_token_revoke(*, user: User) -> User:
    """Switch the person's calendar addresses off until they renew them."""
    user.calendar_token = REVOKED_FEED_PREFIX + new_feed_token()
    user.save(update_fields=["calendar_token"])
    return user


def worker_heartbeat_record(*, name: str = "qcluster", now=None) -> WorkerHeartbeat:
    """A background worker says it is alive (its schedule runs this every minute)."""
    heartbeat, _created = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": now or timezone.now()}
    )
    return heartbeat
