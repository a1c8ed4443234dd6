"""The survey import: one function (``survey_import``) behind the management command,
the upload page and the API endpoint."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models, transaction
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import enums
from coordination.imports.answers import (
    CONTACT_OTHER_ORGANISATION,
    DUPLICATE_ROW,
    INVALID_DATE,
    INVALID_EMAIL,
    MISSING_ORGANISATION,
    UNKNOWN_MERGE_TARGET,
    Problem,
    parse_export,
)
from coordination.imports.columns import (
    KEEP_APART,
    LANGUAGES,
    load_mapping,
    load_organisation_choices,
)
from coordination.imports.readers import ExportFileError
from coordination.models import (
    Consent,
    Contact,
    Organisation,
    Survey,
    SurveyResponse,
    normalise_name,
)
from coordination.privacy import email_tombstone
from coordination.selectors import (
    erased_email_hashes,
    needs_assessment_survey,
    survey_data_changed,
)

WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "hotmail.com",
        "hotmail.be",
        "hotmail.fr",
        "outlook.com",
        "outlook.be",
        "live.com",
        "live.be",
        "yahoo.com",
        "yahoo.fr",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "skynet.be",
        "telenet.be",
        "proximus.be",
        "gmx.com",
        "orange.fr",
    }
)


# Question number → (organisation field, the codes it accepts).
SURVEY_TO_ORGANISATION = {
    3: ("working_languages", frozenset(enums.WorkingLanguage.values)),
    4: ("areas", frozenset(enums.Area.values)),
    5: ("domains", frozenset(enums.Domain.values)),
}


SUPPORT_ROLE_FROM_Q10 = {
    "first_line": "first_line",
    "secondary": "secondary",
    "both": "both",
    "no": "none",
}


@dataclass
class ImportReport:
    """What an import did (or, for a dry run or a rejected file, would have done)."""

    filename: str = ""
    language: str = ""
    dry_run: bool = False
    partial: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    consents: int = 0
    contacts_created: int = 0
    organisations_created: int = 0
    problems: list = field(default_factory=list)
    file_error: str = ""
    ignored_columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # per row: number, organisation, outcome
    hints: list = field(default_factory=list)  # OrganisationHint, for the team to resolve
    # Rows whose respondent's data were erased: the answers are imported, the person is not.
    erased_people_skipped: list = field(default_factory=list)

    @property
    def committed(self) -> bool:
        """Whether the database now holds the result."""
        if self.dry_run or self.file_error:
            return False
        return self.partial or self.rejected == 0

    @property
    def ok(self) -> bool:
        return not self.file_error and self.rejected == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "language": self.language,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "committed": self.committed,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "consents": self.consents,
            "contacts_created": self.contacts_created,
            "organisations_created": self.organisations_created,
            "file_error": self.file_error,
            "ignored_columns": self.ignored_columns,
            "problems": [
                {
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "reason": p.reason,
                    "message": p.message,
                }
                for p in self.problems
            ],
            "rows": self.rows,
            "erased_people_skipped": self.erased_people_skipped,
            "hints": [
                {
                    "row": h.row,
                    "organisation": h.organisation,
                    "domain": h.domain,
                    "candidates": h.candidates,
                }
                for h in self.hints
            ],
        }


@dataclass
class OrganisationHint:
    """A new organisation whose respondent's e-mail domain other organisations use: perhaps
    the same organisation under another name. Imported as new unless the team merges it."""

    row: int
    organisation: str
    domain: str
    candidates: list[str]


class _RowRejected(Exception):
    pass


def _parse_datetime(value, language: str):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        from dateutil import parser as date_parser

        text = str(value).strip()
        iso_like = re.match(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}", text)
        try:
            moment = date_parser.parse(
                text, dayfirst=not iso_like and language in ("fr", "nl"), fuzzy=False
            )
        except (ValueError, OverflowError) as exc:
            raise ValueError(text) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def survey_catalogue(survey: Survey) -> dict[int, dict]:
    return {
        q.number: {
            "number": q.number,
            "kind": q.kind,
            "two_column": q.two_column,
            "text": q.text,
            "options": q.options,
            "rows": q.rows,
        }
        for q in survey.questions.all()
    }


def survey_import(
    *,
    data: bytes,
    filename: str = "",
    language: str = "",
    mapping: bytes | str | None = None,
    mapping_filename: str = "",
    dry_run: bool = False,
    partial: bool = False,
    survey: Survey | None = None,
    organisation_choices: dict[str, str] | None = None,
    user=None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import one survey export (see ``coordination.imports.answers`` for the shapes read).

    Creates or updates organisations, respondents' contacts, survey responses and the Q56
    consents. All-or-nothing unless ``partial``; ``dry_run`` computes the same report inside a
    transaction that is rolled back. Re-importing the same file changes nothing.

    ``organisation_choices`` (name in the file → existing organisation's name to merge into, or
    ``KEEP_APART``) resolve the report's hints; they add to, and win over, the choices of the
    mapping file's ``organisations`` table.

    ``progress(rows_done, rows_total)``, if given, is called once the file is read (before the
    transaction starts), every ``PROGRESS_EVERY`` rows and when every row is resolved."""

    report = ImportReport(filename=filename, dry_run=dry_run, partial=partial)
    if language and language not in LANGUAGES:
        report.file_error = _("Unknown form language “%(language)s”: use fr, nl or en.") % {
            "language": language
        }
        return report
    survey = survey or needs_assessment_survey()
    catalogue = survey_catalogue(survey)
    try:
        mapping_table = load_mapping(mapping, mapping_filename) if mapping is not None else None
        choices = load_organisation_choices(mapping, mapping_filename) if mapping else {}
        parsed = parse_export(
            data, filename=filename, catalogue=catalogue, language=language, mapping=mapping_table
        )
    except ExportFileError as exc:
        report.file_error = str(exc)
        return report
    report.language = parsed.language
    report.ignored_columns = parsed.ignored_columns

    headers = {c.meta or (f"q{c.number}" if not c.part else ""): c.header for c in parsed.columns}
    total = len(parsed.rows)
    if progress is not None:
        progress(0, total)
    with transaction.atomic():
        choices.update(
            {normalise_name(name): target for name, target in (organisation_choices or {}).items()}
        )
        importer = _SurveyImporter(
            survey=survey,
            language=parsed.language,
            report=report,
            headers=headers,
            choices=choices,
        )
        importer.preload(parsed.rows)
        for done, row in enumerate(parsed.rows, start=1):
            importer.import_row(row)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        if dry_run or not report.rejected or partial:
            importer.write()
        if dry_run or (report.rejected and not partial):
            transaction.set_rollback(True)
        else:
            if report.created + report.updated:
                survey_id = survey.pk
                transaction.on_commit(lambda: survey_data_changed(survey_id=survey_id))
            if report.created + report.updated >= ANALYZE_AFTER_ROWS:
                transaction.on_commit(_refresh_statistics)
    return report


ANALYZE_AFTER_ROWS = 200
PROGRESS_EVERY = 250


IMPORTED_TABLES = (Organisation, Contact, Consent, SurveyResponse)


def _refresh_statistics() -> None:
    """After a large import, refresh PostgreSQL's planner statistics: with the stale ones the
    pool query is planned as nested loops (seconds instead of milliseconds for 5,000 rows)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in IMPORTED_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


class _RowPlan:
    """What one accepted row will write."""

    def __init__(self):
        self.new_organisation = False
        self.organisation_fields: set[str] = set()
        self.new_contact: Contact | None = None
        self.response: SurveyResponse | None = None
        self.response_fields: list[str] = []
        self.consent: Consent | None = None
        self.withdraw_contact: Contact | None = None


class _SurveyImporter:
    """Resolves every row in memory against data loaded up front (a handful of queries,
    whatever the row count), then writes in bulk: fast and all inside one transaction."""

    def __init__(
        self,
        *,
        survey: Survey,
        language: str,
        report: ImportReport,
        headers: dict,
        choices: dict[str, str],
    ):
        self.survey = survey
        self.choices = choices
        self.language = language
        self.report = report
        self.headers = headers
        self.seen_ids: dict[str, int] = {}
        self.seen_organisations: dict[str, int] = {}
        self.plans: list[_RowPlan] = []
        self.now = timezone.now()

    # -- loading ---------------------------------------------------------------------------

    def preload(self, rows) -> None:
        self.by_key: dict[str, Organisation] = {}
        self.by_domain: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.all():
            self._register_organisation(organisation)
        emails = {str(r.meta.get("email", "")).strip().lower() for r in rows} - {""}
        self.contacts_by_email: dict[str, Contact] = {}
        self.erased_hashes = erased_email_hashes()
        self.contacts_by_name: dict[tuple[int, str], Contact] = {}
        if emails:
            for contact in Contact.objects.filter(email__in=emails).select_related("organisation"):
                self.contacts_by_email[contact.email] = contact
        names = {str(r.meta.get("name", "")).strip()[:200] for r in rows} - {""}
        if names:
            for contact in Contact.objects.filter(name__in=names):
                self.contacts_by_name.setdefault((contact.organisation_id, contact.name), contact)
        self.responses = {
            r.organisation_id: r for r in SurveyResponse.objects.filter(survey=self.survey)
        }
        contact_ids = [c.pk for c in self.contacts_by_email.values()]
        contact_ids += [c.pk for c in self.contacts_by_name.values()]
        self.consents: dict[int, list[Consent]] = {}
        for consent in Consent.objects.filter(
            contact_id__in=contact_ids, purpose=enums.ConsentPurpose.CONSULTATION_ROUNDS
        ):
            self.consents.setdefault(consent.contact_id, []).append(consent)

    def _register_organisation(self, organisation: Organisation) -> None:
        self.by_key[organisation.name_key] = organisation
        if organisation.email_domain:
            self.by_domain.setdefault(organisation.email_domain.lower(), []).append(organisation)

    # -- resolving -------------------------------------------------------------------------

    def problem(self, row, column: str, value, reason: str, message: str):
        column = self.headers.get(column, column)
        self.report.problems.append(Problem(row.row, column, str(value)[:200], reason, message))

    def import_row(self, row) -> None:
        outcome = {"row": row.row, "organisation": "", "outcome": "rejected"}
        self.report.rows.append(outcome)
        problems_before = len(self.report.problems)
        self.report.problems.extend(row.problems)
        name = str(row.answers.get("q1", "")).strip()
        outcome["organisation"] = name
        name_key = normalise_name(name) if name else ""
        if not name_key:
            self.problem(
                row,
                "q1",
                name,
                MISSING_ORGANISATION,
                _("The organisation name is missing."),
            )
        external_id = str(row.meta.get("id", "")).strip()
        if external_id and external_id in self.seen_ids:
            self.problem(
                row,
                "id",
                external_id,
                DUPLICATE_ROW,
                _("Response ID already on row %(row)s.") % {"row": self.seen_ids[external_id]},
            )
        elif external_id:
            self.seen_ids[external_id] = row.row
        email = str(row.meta.get("email", "")).strip().lower()
        if email in ("anonymous", "anonyme", "anoniem"):
            email = ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.problem(row, "email", email, INVALID_EMAIL, _("Not a valid e-mail address."))
        times = {}
        for key in ("started_at", "submitted_at"):
            try:
                times[key] = _parse_datetime(row.meta.get(key), self.language)
            except ValueError:
                self.problem(row, key, row.meta.get(key), INVALID_DATE, _("Not a date and time."))
        if len(self.report.problems) > problems_before:
            self.report.rejected += 1
            return
        try:
            result = self._plan(row, name, name_key, email, external_id, times)
        except _RowRejected:
            self.report.rejected += 1
            return
        outcome["outcome"] = result
        setattr(self.report, result, getattr(self.report, result) + 1)

    def _match_organisation(self, row, name: str, key: str, email: str):
        """The organisation a row answers for: the one of the same name, else the one the
        team chose for this name (merge), else a new one. A shared e-mail domain is never a
        reason to refuse a row (a city and its public centre for social welfare, one federal
        service's departments, an umbrella platform share theirs): it becomes a hint.
        ``key``: the name normalised."""
        by_name = self.by_key.get(key)
        if by_name is not None:
            return by_name, False
        domain = email.rsplit("@", 1)[-1] if "@" in email else ""
        if domain in WEBMAIL_DOMAINS:
            domain = ""
        if key in self.choices:
            target = self.choices[key]
            if target == KEEP_APART:
                return self._new_organisation(name, key, domain), True
            merged = self.by_key.get(normalise_name(target))
            if merged is None:
                self.problem(
                    row,
                    "q1",
                    name,
                    UNKNOWN_MERGE_TARGET,
                    _("The mapping merges this organisation into “%(target)s”, which is unknown.")
                    % {"target": target},
                )
                raise _RowRejected
            return merged, False
        organisation = self._new_organisation(name, key, domain)
        sharing = self.by_domain.get(domain, []) if domain else []
        if sharing:
            self.report.hints.append(
                OrganisationHint(
                    row=row.row,
                    organisation=name,
                    domain=domain,
                    candidates=sorted(o.name for o in sharing),
                )
            )
        return organisation, True

    def _new_organisation(self, name: str, key: str, domain: str) -> Organisation:
        return Organisation(name=name[:255], name_key=key, email_domain=domain)

    def _plan(self, row, name: str, key: str, email: str, external_id: str, times) -> str:
        answers = row.answers
        plan = _RowPlan()
        organisation, plan.new_organisation = self._match_organisation(row, name, key, email)
        if organisation.name_key in self.seen_organisations:
            self.problem(
                row,
                "q1",
                name,
                DUPLICATE_ROW,
                _("Row %(row)s already answered for this organisation.")
                % {"row": self.seen_organisations[organisation.name_key]},
            )
            raise _RowRejected

        contact = None
        person = str(row.meta.get("name", "")).strip()[:200]
        if email and self.erased_hashes and email_tombstone(email) in self.erased_hashes:
            # The respondent's data were erased: never recreate them (nor their consent).
            self.report.erased_people_skipped.append(row.row)
            email = person = ""
        if email:
            contact = self.contacts_by_email.get(email)
            if (
                contact is not None
                and contact.organisation is not organisation
                and (organisation.pk is None or contact.organisation_id != organisation.pk)
            ):
                self.problem(
                    row,
                    "email",
                    email,
                    CONTACT_OTHER_ORGANISATION,
                    _("This e-mail belongs to a contact of “%(other)s”.")
                    % {"other": contact.organisation.name},
                )
                raise _RowRejected
            if contact is None:
                contact = Contact(
                    organisation=organisation,
                    name=person or email.split("@")[0][:200],
                    email=email,
                    preferred_language=self.language,
                    source=enums.ContactSource.SURVEY,
                    lawful_basis=settings.SURVEY_Q56_LAWFUL_BASIS,
                )
                plan.new_contact = contact
        elif person:
            if organisation.pk is not None:
                contact = self.contacts_by_name.get((organisation.pk, person))
            else:
                contact = self.contacts_by_name.get((id(organisation), person))
            if contact is None:
                contact = Contact(
                    organisation=organisation,
                    name=person,
                    preferred_language=self.language,
                    source=enums.ContactSource.SURVEY,
                    lawful_basis=settings.SURVEY_Q56_LAWFUL_BASIS,
                )
                plan.new_contact = contact

        # Accepted: register what this row adds so that later rows see it.
        self.seen_organisations[organisation.name_key] = row.row
        if plan.new_organisation:
            self._register_organisation(organisation)
            self.report.organisations_created += 1
        if plan.new_contact is not None:
            if email:
                self.contacts_by_email[email] = contact
            else:
                self.contacts_by_name[(organisation.pk or id(organisation), person)] = contact
            self.report.contacts_created += 1
        plan.organisation_fields = self._update_organisation(organisation, answers)

        metadata = {k: str(v) for k, v in row.meta.items() if k not in ("email", "name")}
        values = {
            "contact": contact,
            "external_id": external_id[:100],
            "form_language": self.language,
            "started_at": times.get("started_at"),
            "submitted_at": times.get("submitted_at"),
            "answers": answers,
            "metadata": metadata,
        }
        response = self.responses.get(organisation.pk) if organisation.pk else None
        if response is None:
            plan.response = SurveyResponse(survey=self.survey, organisation=organisation, **values)
            result = "created"
        else:
            changed = []
            for field_name, value in values.items():
                if field_name == "contact":
                    same = (value is None and response.contact_id is None) or (
                        value is not None
                        and value.pk is not None
                        and value.pk == response.contact_id
                    )
                else:
                    same = getattr(response, field_name) == value
                if not same:
                    setattr(response, field_name, value)
                    changed.append(field_name)
            if changed:
                response.updated_at = self.now
                plan.response = response
                plan.response_fields = changed
                result = "updated"
            else:
                result = "unchanged"
        plan.organisation = organisation
        if contact is not None:
            self.source_detail = _survey_source_detail(self.survey, external_id)
            self._plan_consent(plan, contact, answers.get("q56"), times.get("submitted_at"))
            plan.contact = contact
        self.plans.append(plan)
        return result

    def _update_organisation(self, organisation: Organisation, answers: dict) -> set[str]:
        changed = set()
        for number, (field_name, choices) in SURVEY_TO_ORGANISATION.items():
            value = answers.get(f"q{number}")
            if isinstance(value, list):
                codes = [c for c in value if c in choices]
                if codes != getattr(organisation, field_name):
                    setattr(organisation, field_name, codes)
                    changed.add(field_name)
        publics = answers.get("q7")
        if isinstance(publics, list) and publics != organisation.target_publics:
            organisation.target_publics = publics
            changed.add("target_publics")
        role = SUPPORT_ROLE_FROM_Q10.get(answers.get("q10") or "")
        if role and role != organisation.support_role:
            organisation.support_role = role
            changed.add("support_role")
        department = str(answers.get("q2") or "")[:255]
        if department and department != organisation.department:
            organisation.department = department
            changed.add("department")
        return changed

    def _plan_consent(self, plan: _RowPlan, contact: Contact, q56, submitted_at) -> None:
        existing = self.consents.get(contact.pk, []) if contact.pk else []
        source = enums.ConsentSource.SURVEY_Q56
        if q56 == "yes":
            given_at = submitted_at or self.now
            if any(c.withdrawn_at is None for c in existing):
                return  # an active consent is kept as it is
            # Never revive a consent withdrawn since: not the one this response gave, not one
            # withdrawn after the response was completed, and, without a completion time,
            # not any consent the survey gave.
            for consent in existing:
                if consent.source != source:
                    continue
                if consent.given_at == given_at or submitted_at is None:
                    return
                if consent.withdrawn_at and consent.withdrawn_at >= given_at:
                    return
            # The organisation's agreement to be contacted, not a person's consent.
            plan.consent = Consent(
                contact=contact,
                purpose=enums.ConsentPurpose.CONSULTATION_ROUNDS,
                lawful_basis=settings.SURVEY_Q56_LAWFUL_BASIS,
                source=source,
                source_detail=self.source_detail,
                given_at=given_at,
            )
            self.report.consents += 1
        elif q56 == "no" and any(c.source == source and c.withdrawn_at is None for c in existing):
            # A corrected file saying "no" withdraws the consent this survey gave.
            plan.withdraw_contact = contact

    # -- writing ---------------------------------------------------------------------------

    def write(self) -> None:
        plans = self.plans
        new_organisations = [p.organisation for p in plans if p.new_organisation]
        Organisation.objects.bulk_create(new_organisations, batch_size=500)
        changed_organisations = [
            p.organisation for p in plans if not p.new_organisation and p.organisation_fields
        ]
        fields = set().union(*(p.organisation_fields for p in plans if not p.new_organisation))
        if changed_organisations:
            for organisation in changed_organisations:
                organisation.updated_at = self.now
            Organisation.objects.bulk_update(
                changed_organisations, [*sorted(fields), "updated_at"], batch_size=500
            )
        new_contacts = [p.new_contact for p in plans if p.new_contact is not None]
        for contact in new_contacts:
            contact.organisation = contact.organisation  # pick up the new primary key
            contact.name_key = normalise_name(contact.name)  # bulk_create does not save
        Contact.objects.bulk_create(new_contacts, batch_size=500)
        new_responses = []
        updated_responses = []
        response_fields: set[str] = set()
        for plan in plans:
            if plan.response is None:
                continue
            plan.response.organisation = plan.response.organisation
            if plan.response.contact is not None:
                plan.response.contact = plan.response.contact
            if plan.response.pk is None:
                new_responses.append(plan.response)
            else:
                updated_responses.append(plan.response)
                response_fields.update(plan.response_fields)
        SurveyResponse.objects.bulk_create(new_responses, batch_size=500)
        if updated_responses:
            SurveyResponse.objects.bulk_update(
                updated_responses, [*sorted(response_fields), "updated_at"], batch_size=500
            )
        consents = [p.consent for p in plans if p.consent is not None]
        for consent in consents:
            consent.contact = consent.contact
        Consent.objects.bulk_create(consents, batch_size=500)
        withdraw = [p.withdraw_contact.pk for p in plans if p.withdraw_contact is not None]
        if withdraw:
            Consent.objects.filter(
                contact_id__in=withdraw,
                purpose=enums.ConsentPurpose.CONSULTATION_ROUNDS,
                source=enums.ConsentSource.SURVEY_Q56,
                withdrawn_at__isnull=True,
            ).update(withdrawn_at=Greatest(models.F("given_at"), models.Value(self.now)))


def _survey_source_detail(survey: Survey, external_id: str) -> str:
    if not external_id:
        return ""
    return f"{survey.code} #{external_id}"[:255]
