"""Choices shared by models, forms and serializers of the ``coordination`` app.

Codes of survey-derived attributes equal the option codes of the questionnaire catalogue
(``fixtures/questionnaire.json``): Q3 working language, Q4 area, Q5 domain, Q10 support role.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InterfaceLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    DE = "de", _("German")


class WorkingLanguage(models.TextChoices):
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    EN = "en", _("English")
    DE = "de", _("German")
    OTHER = "other", _("Other language")


class OrganisationKind(models.TextChoices):
    FEDERAL = "federal", _("Federal public service")
    REGIONAL = "regional", _("Regional public service")
    LOCAL = "local", _("Local public service")
    NGO = "ngo", _("NGO")
    INTERNATIONAL = "international", _("International organisation")
    UMBRELLA = "umbrella", _("Umbrella organisation")
    OTHER = "other", _("Other")


class Area(models.TextChoices):
    FLEMISH = "flemish", _("Flemish-speaking community")
    FRENCH = "french", _("French-speaking community")
    GERMAN = "german", _("German-speaking community")
    FEDERAL = "federal", _("National/federal level")
    BRUSSELS = "brussels", _("Brussels")
    OTHER = "other", _("Other area")


class Domain(models.TextChoices):
    MEDICAL = "medical", _("Medical services (incl. psychosocial)")
    JUSTICE = "justice", _("Justice and legal affairs")
    SOCIAL = "social", _("Social services and social orientation")
    EDUCATION = "education", _("Education")
    LABOUR = "labour", _("Labour market integration")
    FINANCIAL = "financial", _("Financial/material support")
    OTHER = "other", _("Other domain")


class SupportRole(models.TextChoices):
    FIRST_LINE = "first_line", _("First-line")
    SECONDARY = "secondary", _("Secondary")
    BOTH = "both", _("First-line and secondary")
    NONE = "none", _("No support to displaced persons")


class ConsentPurpose(models.TextChoices):
    CONSULTATION_ROUNDS = "consultation_rounds", _("Taking part in consultation rounds")
    WORKING_GROUP = "working_group", _("Working-group membership")
    NAMED_IN_REPORTS = "named_in_reports", _("Being named in reports")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent (GDPR art. 6.1.a)")
    PUBLIC_TASK = "public_task", _("Public task (GDPR art. 6.1.e)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (GDPR art. 6.1.f)")


class ConsentSource(models.TextChoices):
    SURVEY_Q56 = "survey_q56", _("Survey, question 56")
    WEB_FORM = "web_form", _("Web form")
    STAFF = "staff", _("Entered by staff")
    RSVP = "rsvp", _("Invitation answer")


class ContactSource(models.TextChoices):
    """Where a contact's data came from (GDPR art. 14.2.f)."""

    SURVEY = "survey", _("Needs-assessment survey")
    STAFF = "staff", _("Entered by the coordination team")
    DELEGATION = "delegation", _("Named by a colleague in their place")


class GovernmentLevel(models.TextChoices):
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional")
    FEDERAL = "federal", _("Federal")
    INTERNATIONAL = "international", _("International")


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    FACILITATOR = "facilitator", _("Facilitator")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PANEL_DRAWN = "panel_drawn", _("Panel drawn")
    INVITATIONS_SENT = "invitations_sent", _("Invitations sent")
    HELD = "held", pgettext_lazy("consultation round status", "Held")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    OPEN = "open", _("Open answer")
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Multiple answers")
    LIKERT = "likert", _("Scale (grid)")
    FILE = "file", _("File")


class SurveyImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("survey import status", "Running")
    DONE = "done", pgettext_lazy("survey import status", "Done")
    FAILED = "failed", _("Failed")


class Door(models.TextChoices):
    """Where a request came in: the audit trail and the erasure record say so."""

    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Administration")
    COMMAND = "command", _("Command")
    TASK = "task", _("Scheduled task")


class AccessAction(models.TextChoices):
    """What an access to personal data was (the audit trail)."""

    CONTACT_DETAILS_VIEWED = "contact_details_viewed", _("Contact details viewed")
    PERSONAL_DATA_DOWNLOADED = "personal_data_downloaded", _("Personal data downloaded")
    LIST_EXPORTED = "list_exported", _("List with personal data exported")
    NEEDS_VIEWED = "needs_viewed", _("Participation needs viewed")
    OPEN_ANSWERS_VIEWED = "open_answers_viewed", _("Open survey answers viewed")
    CONSENT_GIVEN = "consent_given", _("Consent given")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ERASED = "erased", _("Personal data erased")
    TRAIL_EXPORTED = "trail_exported", _("Audit trail exported")
