"""The who and why: organisations, their contacts and consents, the survey, working groups
and consultation rounds. Invariants live in database constraints; workflows in services."""

import secrets
import unicodedata
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination import dates, enums
from coordination.validators import ChoiceListValidator, validate_time_zone


def normalise_name(value: str) -> str:
    """The matching key of a name: case, accents, punctuation and blanks ignored."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in letters.casefold())
    return " ".join(words.split())


def with_name_key(instance, save_kwargs: dict) -> dict:
    """Set ``instance.name_key`` from its name before a save, and save it whenever the name
    is (``save_kwargs``, with ``update_fields`` completed)."""
    instance.name_key = normalise_name(instance.name)
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "name" in update_fields:
        save_kwargs = {**save_kwargs, "update_fields": {*update_fields, "name_key"}}
    return save_kwargs


# A revoked calendar token keeps its (unique) column filled but starts with this prefix: no
# feed address ever matches it, and renewing the links replaces it with a fresh token.
REVOKED_FEED_PREFIX = "revoked-"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def new_sign_in_key() -> str:
    return secrets.token_hex(8)


class User(AbstractUser):
    """A log-in. Team members are staff; facilitators are in the "facilitators" group;
    participants are linked to a Contact."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=enums.InterfaceLanguage.choices,
        default=enums.InterfaceLanguage.EN,
    )
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_feed_token
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
        help_text=_("Times on the pages are shown in this time zone."),
    )
    sign_in_key = models.CharField(
        _("sign-in link key"),
        max_length=32,
        default=new_sign_in_key,
        help_text=_("Part of every sign-in link sent to this person; a new value revokes them."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def calendar_feed_active(self) -> bool:
        """Whether the personal and group calendar addresses work (not revoked)."""
        return not self.calendar_token.startswith(REVOKED_FEED_PREFIX)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Organisation(TimeStamped):
    name = models.CharField(_("name"), max_length=255)
    name_key = models.CharField(_("matching key"), max_length=255, editable=False)
    department = models.CharField(_("department/service"), max_length=255, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=enums.OrganisationKind.choices, default="other"
    )
    working_languages = models.JSONField(
        _("working languages"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(enums.WorkingLanguage)],
    )
    areas = models.JSONField(
        _("areas of activity"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(enums.Area)],
    )
    domains = models.JSONField(
        _("domains"), default=list, blank=True, validators=[ChoiceListValidator(enums.Domain)]
    )
    target_publics = models.JSONField(_("target publics"), default=list, blank=True)
    support_role = models.CharField(
        _("support role towards displaced persons"),
        max_length=20,
        choices=enums.SupportRole.choices,
        blank=True,
    )
    email_domain = models.CharField(
        _("e-mail domain"),
        max_length=255,
        blank=True,
        help_text=_("Used to match survey responses to this organisation."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="organisation_by_name")]
        constraints = [
            models.UniqueConstraint(fields=["name_key"], name="organisation_name_key_unique"),
            models.CheckConstraint(condition=~Q(name_key=""), name="organisation_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The key is derived data kept beside the name so that the database can enforce
        # case- and accent-insensitive uniqueness on SQLite and PostgreSQL alike.
        super().save(*args, **with_name_key(self, kwargs))


class Contact(TimeStamped):
    """A person at an organisation. E-mail and phone are personal data: see ``rules.py``."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("log-in"),
    )
    name = models.CharField(_("name"), max_length=200)
    # The name with case, accents and punctuation ignored, for finding a contact by what is
    # typed ("helene" finds "Hélène" on SQLite as on PostgreSQL); kept by ``save``.
    name_key = models.CharField(_("search key"), max_length=200, editable=False, default="")
    # NULL, not "", for "no e-mail": the unique constraint must let many contacts lack one.
    email = models.EmailField(_("e-mail"), max_length=254, null=True, blank=True)  # noqa: DJ001
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=2,
        choices=enums.InterfaceLanguage.choices,
        default=enums.InterfaceLanguage.EN,
    )
    function = models.CharField(_("role/function"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    source = models.CharField(
        _("source of the data"),
        max_length=20,
        choices=enums.ContactSource.choices,
        default=enums.ContactSource.STAFF,
    )
    lawful_basis = models.CharField(
        _("lawful basis for holding the contact"),
        max_length=30,
        choices=enums.LawfulBasis.choices,
        default=enums.LawfulBasis.LEGITIMATE_INTEREST,
        help_text=_("A person's consents for particular purposes are recorded separately."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="contact_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(email__isnull=True) | Q(email=Lower("email")),
                name="contact_email_lowercase",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | Q(email__isnull=True, phone=""),
                name="contact_erased_has_no_details",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def save(self, *args, **kwargs):
        super().save(*args, **with_name_key(self, kwargs))


class Consent(models.Model):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="consents", verbose_name=_("contact")
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=enums.ConsentPurpose.choices)
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=30,
        choices=enums.LawfulBasis.choices,
        default=enums.LawfulBasis.CONSENT,
    )
    source = models.CharField(_("source"), max_length=20, choices=enums.ConsentSource.choices)
    source_detail = models.CharField(_("source detail"), max_length=255, blank=True)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact}: {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def translated(labels: dict, language: str, form_language=None) -> str:
    """A per-language label (``{"en": …, "fr": …}``) in ``language``; missing there, in the
    form's language (a value, or a callable read only when needed), then English, then any."""
    if labels.get(language):
        return labels[language]
    fallback = form_language() if callable(form_language) else form_language
    for candidate in (fallback, "en"):
        if candidate and labels.get(candidate):
            return labels[candidate]
    return next((text for text in labels.values() if text), "")


class Survey(models.Model):
    """A questionnaire as data (the needs assessment of Annex I is loaded by a migration)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    language = models.CharField(
        _("language of the form"),
        max_length=2,
        choices=enums.InterfaceLanguage.choices,
        default=enums.InterfaceLanguage.EN,
        help_text=_("The language the questionnaire was written in: a label missing in "
                    "another language is shown in this one."),
    )  # fmt: skip
    title = models.JSONField(_("title"), help_text=_("Per language: {'en': ..., 'fr': ...}"))
    sections = models.JSONField(_("sections"), default=list)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title.get("en") or self.code


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    section = models.PositiveSmallIntegerField(_("section"))
    kind = models.CharField(_("kind"), max_length=10, choices=enums.QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    two_column = models.BooleanField(
        _("two columns"),
        default=False,
        help_text=_("Answered for all beneficiaries and for displaced people from Ukraine."),
    )
    text = models.JSONField(_("text"))
    help = models.JSONField(_("help"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="question_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="question_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.label()}"

    def label(self, language: str = "en") -> str:
        """The question in ``language``, else in its survey's language, else in English."""
        return translated(self.text, language, lambda: self.survey.language)

    @property
    def key(self) -> str:
        """The key of this question in ``SurveyResponse.answers``."""
        return f"q{self.number}"


class SurveyResponse(TimeStamped):
    """One organisation's answers. ``answers`` is keyed ``"q<number>"``; a closed answer is an
    option code (or list of codes), an open answer text, a two-column answer
    ``{"all": ..., "ukraine": ...}``, a Likert grid ``{row: scale code}``; free text of
    "other" options sits under ``"q<number>_other"``."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="survey_responses",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("respondent"),
    )
    external_id = models.CharField(_("response ID in the export"), max_length=100, blank=True)
    form_language = models.CharField(
        _("form language"), max_length=2, choices=enums.InterfaceLanguage.choices
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    metadata = models.JSONField(_("export metadata"), default=dict, blank=True)
    # Q56 ("yes": volunteers for consultation rounds), kept by the database from the answers
    # whichever way they are written (import, erasure's scrubbing, admin), so the pool reads
    # an indexed column instead of decoding every answer set.
    volunteers = models.GeneratedField(
        expression=models.Case(
            models.When(Q(answers__q56="yes"), then=models.Value(True)),
            default=models.Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("volunteers for consultation rounds"),
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["organisation__name"]
        # The stamp of a survey's responses (count, latest change) is read from the index.
        indexes = [
            models.Index(fields=["survey", "updated_at"], name="survey_response_stamp"),
            # The volunteers (Q56): the pool reads their organisations from this index alone.
            models.Index(
                fields=["organisation"],
                condition=Q(volunteers=True),
                name="survey_response_volunteers",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "organisation"], name="survey_response_one_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.form_language})"

    def answer(self, number: int):
        return self.answers.get(f"q{number}")

    @property
    def volunteered(self) -> bool:
        return self.answer(56) == "yes"


class WorkingGroup(TimeStamped):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    mandate = models.TextField(_("mandate"), help_text=_("A clear mission statement."))
    levels = models.JSONField(
        _("levels involved"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(enums.GovernmentLevel)],
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        validators=[ChoiceListValidator(enums.WorkingLanguage)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("working group"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("contact")
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=enums.MembershipRole.choices,
        default=enums.MembershipRole.MEMBER,
    )
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "contact"],
                condition=Q(until__isnull=True),
                name="membership_one_current_per_contact",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")),
                name="membership_until_after_since",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} – {self.group} ({self.get_role_display()})"


class ConsultationRound(TimeStamped):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    purpose = models.TextField(_("purpose"), blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    questions = models.ManyToManyField(
        Question, blank=True, related_name="rounds", verbose_name=_("survey questions taken up")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.RoundStatus.choices,
        default=enums.RoundStatus.DRAFT,
    )
    capacity_per_session = models.PositiveSmallIntegerField(
        _("capacity per session"), default=15, validators=[MinValueValidator(1)]
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_rounds",
        verbose_name=_("facilitators"),
    )

    class Meta:
        verbose_name = pgettext_lazy("consultation", "consultation round")
        verbose_name_plural = pgettext_lazy("consultation", "consultation rounds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_session__gte=1), name="round_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkerHeartbeat(models.Model):
    """The last moment a background worker (``manage.py qcluster``) ran its scheduled
    heartbeat task: ``/readyz`` reports the workers as down when it is too old."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name}: {self.seen_at.isoformat()}"


class SurveyImportJob(models.Model):
    """One run of the survey import in the background: a check (dry run) or an import, its
    progress and its report. The upload is kept under an unguessable name in
    ``MEDIA_ROOT/survey-imports/`` until the import is done, the check is cancelled, or the
    scheduled sweep deletes what was left behind (``SURVEY_IMPORT_UPLOAD_HOURS``)."""

    token = models.UUIDField(_("public identifier"), unique=True, default=uuid.uuid4)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.SurveyImportStatus.choices,
        default=enums.SurveyImportStatus.QUEUED,
    )
    dry_run = models.BooleanField(_("check only"), default=False)
    awaits_confirmation = models.BooleanField(
        _("awaits confirmation"),
        default=False,
        help_text=_("A check from the import page: its upload is kept for the confirmation."),
    )
    checked = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmation",
        verbose_name=_("check it confirms"),
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    upload = models.FileField(_("uploaded file"), max_length=255, blank=True)
    mapping = models.FileField(_("mapping file"), max_length=255, blank=True)
    mapping_filename = models.CharField(_("mapping file name"), max_length=255, blank=True)
    language = models.CharField(_("form language"), max_length=2, blank=True)
    partial = models.BooleanField(_("keep the good rows"), default=False)
    organisation_choices = models.JSONField(_("organisation choices"), default=dict, blank=True)
    interface_language = models.CharField(_("language of the report"), max_length=10, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""),
                name="survey_import_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(report__isnull=False),
                name="survey_import_done_has_report",
            ),
            models.CheckConstraint(
                condition=Q(checked__isnull=True) | Q(dry_run=False),
                name="survey_import_confirmation_writes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (enums.SurveyImportStatus.QUEUED, enums.SurveyImportStatus.RUNNING)


class ErasureRecord(models.Model):
    """What an erasure did and when: the contact's stable pseudonym (used in minutes and
    reports from then on), the keyed hash of the erased e-mail address (the tombstone that
    makes a later survey import skip the person) and the counts of what was erased. It holds
    no clear personal data."""

    contact = models.OneToOneField(
        Contact,
        on_delete=models.PROTECT,
        related_name="erasure",
        verbose_name=_("contact"),
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=300)
    email_hash = models.CharField(
        _("keyed hash of the e-mail address"), max_length=64, blank=True, db_index=True
    )
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    door = models.CharField(_("door"), max_length=10, choices=enums.Door.choices)
    summary = models.JSONField(_("what was erased"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return self.pseudonym


class AccessEvent(models.Model):
    """One access to personal data (the audit trail): who, when, what, from which door, about
    which contact. It names the contact by id only (their pseudonym once erased), never by
    e-mail; ``detail`` says what was exported or changed, without personal data."""

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=30, choices=enums.AccessAction.choices)
    door = models.CharField(_("door"), max_length=10, choices=enums.Door.choices)
    contact_id_ref = models.PositiveIntegerField(_("contact"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("records"), null=True, blank=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{dates.short_datetime(self.at)} {self.get_action_display()}"


class PurgeRun(models.Model):
    """One run of the daily purge of data past its retention period: when, and what it
    removed (counts per rule)."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    removed = models.JSONField(_("removed"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention purge")
        verbose_name_plural = _("retention purges")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return dates.short_datetime(self.started_at)
