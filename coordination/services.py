"""Writes of the ``coordination`` app. Every state change goes through a function here,
whichever door it comes in by (page, API, admin action, command, task)."""

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import enums
from coordination.exceptions import InvalidTokenError
from coordination.models import (
    REVOKED_FEED_PREFIX,
    AccessEvent,
    Consent,
    ConsultationRound,
    Contact,
    ErasureRecord,
    Membership,
    Question,
    Survey,
    SurveyResponse,
    User,
    WorkerHeartbeat,
    WorkingGroup,
    new_feed_token,
    new_sign_in_key,
)
from coordination.privacy import Scrubber, email_tombstone
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
    defaults = {"title": data["title"], "sections": data["sections"]}
    if any(f.name == "language" for f in survey_model._meta.get_fields()):
        # Historical models of migrations before the field have no language.
        defaults["language"] = data.get("language", "en")
    survey, _created = survey_model.objects.update_or_create(code=data["code"], defaults=defaults)
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
    door: str = enums.Door.PAGE,
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
        access_record(
            actor=recorded_by,
            action=enums.AccessAction.CONSENT_GIVEN,
            door=door,
            contacts=[contact],
            detail=f"{purpose} ({lawful_basis}, {source})",
        )
        return Consent.objects.create(
            contact=contact,
            purpose=purpose,
            source=source,
            source_detail=source_detail,
            lawful_basis=lawful_basis,
            given_at=given_at or timezone.now(),
            recorded_by=recorded_by,
        )


# --- Audit trail of accesses to personal data ----------------------------------------------------


def access_record(
    *,
    actor,
    action: str,
    door: str,
    contacts=(),
    detail: str = "",
    count: int | None = None,
) -> int:
    """Record one access to personal data (one row per contact concerned, or one row for a
    list without a contact). ``detail`` must hold no personal data (what was exported, the
    purpose of a consent). Returns how many rows were written."""
    now = timezone.now()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    ids = [getattr(c, "pk", c) for c in contacts] or [None]
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=now,
            actor=actor,
            action=action,
            door=door,
            contact_id_ref=contact_id,
            detail=detail[:300],
            count=count,
        )
        for contact_id in ids
    )
    return len(ids)


def contact_details_shown_record(*, by, contacts, detail: str, count: int | None = None) -> int:
    """Record that a page showed ``by`` the e-mail addresses or phone numbers of
    ``contacts`` (``access_record``, door "page"); ``detail`` says which page. Nothing is
    recorded when it showed none, unless ``count`` says how many addresses of no contact it
    listed."""
    if not contacts and count is None:
        return 0
    return access_record(
        actor=by,
        action=enums.AccessAction.CONTACT_DETAILS_VIEWED,
        door=enums.Door.PAGE,
        contacts=contacts,
        detail=detail,
        count=count,
    )


def audit_trail_purge(*, now=None) -> dict[str, int]:
    """Delete access events and model-change entries older than ``AUDIT_RETENTION_DAYS``."""
    from auditlog.models import LogEntry as ChangeEntry

    limit = (now or timezone.now()) - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    return {
        "access_events": AccessEvent.objects.filter(at__lt=limit).delete()[0],
        "model_changes": ChangeEntry.objects.filter(timestamp__lt=limit).delete()[0],
    }


def login_records_purge(*, now=None) -> int:
    """Delete the lock-out's records (django-axes attempts, failures and sign-in log: user
    names, IP addresses, browsers) older than ``RETENTION_LOGIN_ATTEMPTS_DAYS``, and never
    those of a lock-out still running. Returns how many rows were deleted."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    kept = max(
        dt.timedelta(days=settings.RETENTION_LOGIN_ATTEMPTS_DAYS),
        dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0)),
    )
    limit = (now or timezone.now()) - kept
    return sum(
        model.objects.filter(attempt_time__lt=limit).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


# What else stops when a consent is withdrawn (invitations, e-mails: the ``meetings`` app) is
# done by functions other apps register here from their ``AppConfig.ready()``; each is called
# as ``handler(contact=..., purpose=..., now=...)`` in the withdrawal's transaction and returns
# counts of what it stopped.
CONSENT_WITHDRAWAL_HANDLERS: list[Callable[..., dict[str, int]]] = []


def consent_withdrawal_handler_register(handler: Callable[..., dict[str, int]]) -> None:
    if handler not in CONSENT_WITHDRAWAL_HANDLERS:
        CONSENT_WITHDRAWAL_HANDLERS.append(handler)


def consent_withdraw(
    *, contact: Contact, purpose: str, at=None, by=None, door: str = enums.Door.PAGE
) -> int:
    """Withdraw the contact's active consent for ``purpose``; returns how many were
    withdrawn (0 or 1). Processing for that purpose stops at once: the volunteer pool drops
    the contact; for working groups their memberships end; the registered handlers cancel
    what other apps hold (coming invitations and e-mails)."""
    now = at or timezone.now()
    with transaction.atomic():
        withdrawn = Consent.objects.filter(
            contact=contact, purpose=purpose, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        if not withdrawn:
            return 0
        access_record(
            actor=by,
            action=enums.AccessAction.CONSENT_WITHDRAWN,
            door=door,
            contacts=[contact],
            detail=purpose,
        )
        if purpose == enums.ConsentPurpose.WORKING_GROUP:
            memberships_end(contact=contact, at=now)
        for handler in CONSENT_WITHDRAWAL_HANDLERS:
            handler(contact=contact, purpose=purpose, now=now)
    return withdrawn


def memberships_end(*, contact: Contact, at=None) -> int:
    """End the contact's current working-group memberships today (one starting later is
    removed); returns how many ended."""
    today = timezone.localdate(at or timezone.now())
    ended = Membership.objects.filter(contact=contact, until__isnull=True, since__lte=today).update(
        until=today
    )
    return ended + Membership.objects.filter(contact=contact, until__isnull=True).delete()[0]


# --- The consents page: a signed link in every e-mail, no account needed ---------------------

CONSENT_LINK_SALT = "coordination.consents-page"


def consent_link_token(*, contact: Contact) -> str:
    return signing.dumps({"contact": contact.pk}, salt=CONSENT_LINK_SALT, compress=True)


def contact_from_consent_token(*, token: str) -> Contact:
    """The contact of a consents-page link; ``InvalidTokenError`` for a forged, expired or
    erased one (its message lazy: a link only too old is answered in its contact's
    language)."""
    refused = gettext_lazy("This link is not valid (any more).")
    try:
        data = signing.loads(
            token,
            salt=CONSENT_LINK_SALT,
            max_age=dt.timedelta(days=settings.CONSENT_LINK_MAX_AGE_DAYS),
        )
    except signing.SignatureExpired as exc:
        contact = _consent_link_contact(signing.loads(token, salt=CONSENT_LINK_SALT))
        language = contact.preferred_language if contact else ""
        raise InvalidTokenError(refused, code="expired", language=language) from exc
    except signing.BadSignature as exc:
        raise InvalidTokenError(refused, code="invalid") from exc
    contact = _consent_link_contact(data)
    if contact is None:
        raise InvalidTokenError(refused, code="revoked")
    return contact


def _consent_link_contact(data) -> Contact | None:
    pk = data.get("contact") if isinstance(data, dict) else None
    return Contact.objects.filter(pk=pk, erased_at__isnull=True).first()


# --- Erasure (GDPR art. 17) --------------------------------------------------------------------

# What other apps hold about a contact (invitations, e-mails, minutes, files: the ``meetings``
# app, which coordination never imports) is erased by functions they register here from their
# ``AppConfig.ready()``. Each eraser is called as ``eraser(contact=..., scrubber=..., now=...)``
# inside the erasure's transaction, before the contact's own fields are cleared, and returns
# counts of what it erased ({"outbox_cancelled": 2, ...}) for the erasure record.
CONTACT_ERASERS: list[Callable[..., dict[str, int]]] = []

# Every relation from a model to a contact or a log-in and how the erasure treats it, as
# "app_label.Model.field". A test compares this with the models: a new relation to a contact
# or a user fails it until the erasure (and the access export) says what becomes of it.
# Registering apps add their own (``personal_data_references_register``).
PERSONAL_DATA_REFERENCES: dict[str, str] = {
    "coordination.Contact.user": "detached; the log-in is anonymised, its sessions ended",
    "coordination.Consent.contact": "withdrawn, kept as proof",
    "coordination.Consent.recorded_by": "kept (a team member)",
    "coordination.SurveyResponse.contact": "kept; name, e-mail and phone scrubbed from answers",
    "coordination.Membership.contact": "ended",
    "coordination.ConsultationRound.facilitators": "kept (points to the anonymised log-in)",
    "coordination.ErasureRecord.contact": "the erasure record itself",
    "coordination.ErasureRecord.erased_by": "kept (a team member)",
    "coordination.SurveyImportJob.requested_by": "kept (a team member)",
    "coordination.AccessEvent.actor": "kept (points to the anonymised log-in)",
    "admin.LogEntry.user": "kept (points to the anonymised log-in); texts scrubbed",
    "authtoken.Token.user": "deleted (API access ends)",
    "auditlog.LogEntry.actor": "kept (points to the anonymised log-in); entries scrubbed",
    "authtoken.TokenProxy.user": "deleted (API access ends)",
}


def contact_eraser_register(eraser: Callable[..., dict[str, int]]) -> None:
    if eraser not in CONTACT_ERASERS:
        CONTACT_ERASERS.append(eraser)


def personal_data_references_register(references: dict[str, str]) -> None:
    PERSONAL_DATA_REFERENCES.update(references)


def _sessions_end(user: User) -> int:
    """Delete the stored sessions of ``user`` (database sessions: the default engine)."""
    from django.contrib.sessions.models import Session

    ended = []
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id", "")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _admin_log_scrub(scrubber: Scrubber, objects: list[tuple[type, int]]) -> int:
    """Scrub the administration's change log: its entries about the contact and its log-in,
    and every entry that names the person."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for model, pk in objects:
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))
    for term in scrubber.search_terms():
        condition |= Q(object_repr__icontains=term) | Q(change_message__icontains=term)
    scrubbed = 0
    for entry in LogEntry.objects.filter(condition):
        about_person = any(
            entry.content_type_id == ContentType.objects.get_for_model(m).pk
            and entry.object_id == str(pk)
            for m, pk in objects
        )
        entry.object_repr = scrubber.pseudonym if about_person else scrubber.text(entry.object_repr)
        entry.change_message = scrubber.text(entry.change_message)
        entry.save(update_fields=["object_repr", "change_message"])
        scrubbed += 1
    return scrubbed


def _change_history_scrub(scrubber: Scrubber, objects: list[tuple[type, int]], user) -> int:
    """Scrub django-auditlog's entries about the person's records (contact, log-in, consents,
    memberships) and every entry naming them; the log-in's own e-mail as an actor goes."""
    from auditlog.models import LogEntry as ChangeEntry
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for model, pk in objects:
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk=str(pk))
    for term in scrubber.search_terms():
        condition |= Q(object_repr__icontains=term) | Q(changes_text__icontains=term)
    if user is not None:
        ChangeEntry.objects.filter(actor=user).update(actor_email="")
    scrubbed = 0
    for entry in ChangeEntry.objects.filter(condition):
        entry.object_repr = scrubber.text(entry.object_repr)
        entry.changes_text = scrubber.text(entry.changes_text)
        entry.changes = scrubber.json(entry.changes)
        entry.serialized_data = scrubber.json(entry.serialized_data)
        entry.additional_data = scrubber.json(entry.additional_data)
        entry.save(
            update_fields=[
                "object_repr",
                "changes_text",
                "changes",
                "serialized_data",
                "additional_data",
            ]
        )
        scrubbed += 1
    return scrubbed


def _task_history_scrub(scrubber: Scrubber) -> int:
    """Delete the finished tasks whose arguments or results name the person (the queue's
    history; tasks take ids, so this is rare)."""
    from django_q.models import Task

    doomed = [
        t.pk
        for t in Task.objects.all().iterator()
        if scrubber.finds(repr((t.name, t.args, t.kwargs, t.result)))
    ]
    Task.objects.filter(pk__in=doomed).delete()
    return len(doomed)


def _user_anonymise(user: User, *, number: int) -> int:
    """The log-in stays (comments and changes keep pointing to it) but names nobody and can
    no longer be used: pseudonymous user name, no e-mail, no password, no rights, no
    calendar addresses; its sessions end."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):  # the log-in lock-out's records
        model.objects.filter(username__in=[user.username, user.email]).delete()
    username = f"participant-{number}"
    if User.objects.filter(username=username).exclude(pk=user.pk).exists():
        username = f"participant-{number}-{user.pk}"
    user.username = username
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.calendar_token = REVOKED_FEED_PREFIX + new_feed_token()
    user.sign_in_key = new_sign_in_key()  # every sign-in link sent to them stops working
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    if apps.is_installed("rest_framework.authtoken"):
        from rest_framework.authtoken.models import Token

        Token.objects.filter(user=user).delete()
    return _sessions_end(user)


def contact_erase(*, contact: Contact, by=None, door: str = enums.Door.COMMAND) -> Contact:
    """Erase a contact's personal data everywhere (GDPR art. 17) while keeping the
    organisation's history: the name becomes a stable pseudonym ("Participant 7"), also in
    every text that named the person (minutes, e-mails kept as proof, reports); e-mail and
    phone are removed; the log-in is anonymised and its sessions end; consents are withdrawn;
    the registered erasers of other apps do their part. A tombstone (the keyed hash of the
    address) makes later survey imports skip the person. Refused for an erased contact."""
    from auditlog.context import disable_auditlog

    from coordination.imports.jobs import survey_import_jobs_erase

    now = timezone.now()
    # The erasure's own changes are not change-logged (they would carry the old values);
    # the access trail records the erasure.
    with transaction.atomic(), disable_auditlog():
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=contact.pk)
        )
        if contact.erased_at is not None:
            raise ValidationError(
                _("The personal data of this contact were already erased."), code="erased"
            )
        user = contact.user
        # The full name, and the surname alone ("Ms Peeters"); never the first name alone,
        # which would also rename other people of that first name.
        words = contact.name.split()
        names = [contact.name] + ([" ".join(words[1:])] if len(words) > 1 else [])
        emails = [contact.email or ""]
        if user is not None:
            names += [user.get_full_name(), user.username]
            emails.append(user.email)
        record = ErasureRecord.objects.create(
            contact=contact,
            pseudonym="",
            email_hash=email_tombstone(contact.email) if contact.email else "",
            erased_at=now,
            erased_by=by if getattr(by, "is_authenticated", False) else None,
            door=door,
        )
        with translation.override(settings.LANGUAGE_CODE):
            new_name = _("Participant %(number)s") % {"number": record.pk}
            record.pseudonym = _("Participant %(number)s (%(organisation)s)") % {
                "number": record.pk,
                "organisation": contact.organisation.name,
            }
        scrubber = Scrubber(
            names=[n for n in names if n],
            emails=[e for e in emails if e],
            phones=[contact.phone],
            pseudonym=record.pseudonym,
        )
        summary: dict[str, int] = {}
        for eraser in CONTACT_ERASERS:
            for key, count in eraser(contact=contact, scrubber=scrubber, now=now).items():
                summary[key] = summary.get(key, 0) + count

        summary["consents_withdrawn"] = Consent.objects.filter(
            contact=contact, withdrawn_at__isnull=True
        ).update(withdrawn_at=now)
        summary["memberships_ended"] = memberships_end(contact=contact, at=now)
        responses = 0
        for response in SurveyResponse.objects.filter(contact=contact):
            response.answers = scrubber.json(response.answers)
            response.metadata = scrubber.json(response.metadata)
            response.save(update_fields=["answers", "metadata", "updated_at"])
            responses += 1
        summary["survey_responses_scrubbed"] = responses
        summary |= survey_import_jobs_erase(scrubber=scrubber)
        if user is not None:
            summary["sessions_ended"] = _user_anonymise(user, number=record.pk)
        summary["admin_log_entries_scrubbed"] = _admin_log_scrub(
            scrubber, [(Contact, contact.pk)] + ([(User, user.pk)] if user else [])
        )
        summary["task_records_deleted"] = _task_history_scrub(scrubber)
        own_records = [(Contact, contact.pk)] + ([(User, user.pk)] if user else [])
        own_records += [(Consent, pk) for pk in contact.consents.values_list("pk", flat=True)]
        own_records += [(Membership, pk) for pk in contact.memberships.values_list("pk", flat=True)]
        summary["change_history_entries_scrubbed"] = _change_history_scrub(
            scrubber, own_records, user
        )
        access_record(
            actor=by,
            action=enums.AccessAction.ERASED,
            door=door,
            contacts=[contact],
            detail=record.pseudonym,
        )

        contact.name = new_name
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
        record.summary = dict(sorted(summary.items()))
        record.save(update_fields=["pseudonym", "summary"])
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


def _interface_language_checked(language: str) -> str:
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
    return language


def user_language_set(*, user: User, language: str) -> User:
    """Store the interface language a signed-in person chose: their pages use it, and so do
    the e-mails sent to them, also as a participant: the language of the contact behind the
    log-in follows (a change in its history)."""
    _interface_language_checked(language)
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        contact = (
            Contact.objects.select_for_update()
            .filter(user=user)
            .exclude(preferred_language=language)
            .first()
        )
        if contact is not None:
            contact.preferred_language = language
            contact.save(update_fields=["preferred_language", "updated_at"])
    return user


def contact_language_set(*, contact: Contact, language: str) -> Contact:
    """Store the language a contact chose for the e-mails sent to them (and the pages their
    links open), from the consents page every e-mail links to; their log-in, if they have
    one, follows. The change is in the contact's history. An erased contact is refused."""
    _interface_language_checked(language)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        if locked.erased_at is not None:
            raise ValidationError(_("This contact's data was erased."), code="erased")
        if locked.preferred_language != language:
            locked.preferred_language = language
            locked.save(update_fields=["preferred_language", "updated_at"])
        if locked.user_id is not None:
            User.objects.filter(pk=locked.user_id).update(preferred_language=language)
    contact.preferred_language = language
    return contact


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


# --- Consultation rounds and working-group memberships, from pages --------------------------

MAX_THEMES = 30


def _clean_themes(themes) -> list[str]:
    cleaned, seen = [], set()
    for theme in themes or []:
        text = " ".join(str(theme).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text[:200])
    if len(cleaned) > MAX_THEMES:
        raise ValidationError({"themes": _("Give at most %(max)s themes.") % {"max": MAX_THEMES}})
    return cleaned


def _unique_slug(title: str, *, exclude_pk=None) -> str:
    from django.utils.text import slugify

    base = (slugify(title) or "round")[:180]
    slug, number = base, 1
    taken = ConsultationRound.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _check_round_fields(*, title: str, capacity_per_session) -> None:
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the round a title.")})
    if not isinstance(capacity_per_session, int) or capacity_per_session < 1:
        raise ValidationError(
            {"capacity_per_session": _("The capacity per session must be at least 1.")}
        )


@transaction.atomic
def round_create(
    *,
    title: str,
    themes: list[str],
    capacity_per_session: int,
    purpose: str = "",
    questions=(),
    facilitators=(),
) -> ConsultationRound:
    """A new round, as a draft: its sessions are added next."""
    _check_round_fields(title=title, capacity_per_session=capacity_per_session)
    consultation_round = ConsultationRound.objects.create(
        title=title.strip(),
        slug=_unique_slug(title),
        purpose=(purpose or "").strip(),
        themes=_clean_themes(themes),
        capacity_per_session=capacity_per_session,
    )
    consultation_round.questions.set(questions)
    consultation_round.facilitators.set(facilitators)
    return consultation_round


ROUND_FIELDS = ("title", "purpose", "themes", "capacity_per_session")


@transaction.atomic
def round_update(
    *, consultation_round: ConsultationRound, questions=None, facilitators=None, **changes
) -> ConsultationRound:
    """Change a round's description, what its status still allows (see
    ``rules.round_refusals``): nothing once closed, the capacity only while a draft."""
    from coordination.rules import ROUND_CAPACITY, ROUND_EDIT, round_require

    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    locked = ConsultationRound.objects.select_for_update().get(pk=consultation_round.pk)
    round_require(locked, ROUND_EDIT)
    if (
        "capacity_per_session" in changes
        and changes["capacity_per_session"] != locked.capacity_per_session
    ):
        round_require(locked, ROUND_CAPACITY)
    title = changes.get("title", locked.title)
    capacity = changes.get("capacity_per_session", locked.capacity_per_session)
    _check_round_fields(title=title, capacity_per_session=capacity)
    if "title" in changes:
        changes["title"] = title.strip()
    if "purpose" in changes:
        changes["purpose"] = (changes["purpose"] or "").strip()
    if "themes" in changes:
        changes["themes"] = _clean_themes(changes["themes"])
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*changes, "updated_at"])
    if questions is not None:
        locked.questions.set(questions)
    if facilitators is not None:
        locked.facilitators.set(facilitators)
    for name in [*changes, "updated_at"]:
        setattr(consultation_round, name, getattr(locked, name))
    return locked


@transaction.atomic
def membership_add(*, group: WorkingGroup, contact: Contact, role: str, since=None) -> Membership:
    """Make ``contact`` a current member of ``group`` (one current membership each)."""
    if role not in enums.MembershipRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if contact.erased_at is not None or not contact.is_active:
        raise ValidationError({"contact": _("This contact is no longer active.")})
    if Membership.objects.filter(group=group, contact=contact, until__isnull=True).exists():
        raise ValidationError(
            {"contact": _("%(name)s is already a member of this group.") % {"name": contact.name}}
        )
    return Membership.objects.create(
        group=group, contact=contact, role=role, since=since or timezone.localdate()
    )


@transaction.atomic
def membership_role_set(*, membership: Membership, role: str) -> Membership:
    if role not in enums.MembershipRole.values:
        raise ValidationError({"role": _("Choose a role.")})
    if membership.until is not None:
        raise ValidationError(_("This membership has ended."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, until=None) -> Membership:
    """End a membership (kept for the group's history); today unless said otherwise."""
    if membership.until is not None:
        raise ValidationError(_("This membership has ended already."))
    until = until or timezone.localdate()
    if until < membership.since:
        raise ValidationError({"until": _("A membership cannot end before it started.")})
    membership.until = until
    membership.save(update_fields=["until"])
    return membership
