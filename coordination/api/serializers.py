"""Serializers of the directory: organisations, contacts, working groups, rounds, and
the survey import."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.imports.jobs import survey_import_job_progress
from coordination.imports.readers import ExportFileError, ImportLimits
from coordination.models import (
    ConsultationRound,
    Contact,
    Organisation,
    SurveyImportJob,
    WorkingGroup,
)


class ContactSerializer(serializers.ModelSerializer):
    """A contact whose details the requesting user may see (the selector filters them)."""

    class Meta:
        model = Contact
        fields = ["id", "name", "email", "phone", "function", "preferred_language"]

    def to_representation(self, contact):
        """The fields of ``Meta.fields`` read straight from the contact: the same values as
        the generic field-by-field walk, at a fraction of its cost on a list."""
        return {
            "id": contact.pk,
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "function": contact.function,
            "preferred_language": contact.preferred_language,
        }


CONTACT = ContactSerializer(read_only=True)


class OrganisationSerializer(serializers.ModelSerializer):
    contact_count = serializers.IntegerField(read_only=True)
    # One nested serializer for the whole list (its fields built once, not per organisation).
    contacts = ContactSerializer(source="visible_contacts", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "department",
            "kind",
            "working_languages",
            "areas",
            "domains",
            "target_publics",
            "support_role",
            "contact_count",
            "contacts",
        ]

    def to_representation(self, organisation):
        """The fields of ``Meta.fields`` read straight from the organisation and its visible
        contacts (see ``ContactSerializer.to_representation``), without building the
        serializer's fields for every answer."""
        contact = CONTACT
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "department": organisation.department,
            "kind": organisation.kind,
            "working_languages": organisation.working_languages,
            "areas": organisation.areas,
            "domains": organisation.domains,
            "target_publics": organisation.target_publics,
            "support_role": organisation.support_role,
            "contact_count": organisation.contact_count,
            "contacts": [contact.to_representation(c) for c in organisation.visible_contacts],
        }


class MemberSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    name = serializers.CharField(source="contact.name")
    organisation = serializers.CharField(source="contact.organisation.name")
    role = serializers.CharField()
    since = serializers.DateField()


class WorkingGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    members = MemberSerializer(source="current_memberships", many=True, read_only=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "name",
            "slug",
            "mandate",
            "levels",
            "languages",
            "is_active",
            "member_count",
            "members",
        ]


class ConsultationRoundSerializer(serializers.ModelSerializer):
    facilitators = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationRound
        fields = [
            "id",
            "title",
            "slug",
            "purpose",
            "themes",
            "questions",
            "status",
            "capacity_per_session",
            "facilitators",
        ]

    def get_facilitators(self, consultation_round) -> list[str]:
        return [u.get_full_name() or u.username for u in consultation_round.facilitators.all()]

    def get_questions(self, consultation_round) -> list[int]:
        return sorted(q.number for q in consultation_round.questions.all())


class SurveyImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The XLSX or CSV export.")
    language = serializers.ChoiceField(
        choices=["fr", "nl", "en"],
        required=False,
        allow_blank=True,
        help_text="Form language; told from the headers when left out.",
    )
    mapping = serializers.FileField(
        required=False, help_text="TOML or YAML mapping: column header → question."
    )
    mapping_format = serializers.ChoiceField(
        choices=["toml", "yaml"], required=False, help_text="Format of the mapping file."
    )
    dry_run = serializers.BooleanField(required=False, default=False)
    partial = serializers.BooleanField(required=False, default=False)

    def validate_file(self, upload):
        try:
            ImportLimits.from_settings().file_size_check(upload.size)
        except ExportFileError as exc:
            raise serializers.ValidationError(str(exc), code="too_large") from exc
        return upload

    def validate_mapping(self, upload):
        if upload is not None and upload.size > 1024 * 1024:
            raise serializers.ValidationError("The mapping file is larger than 1 MB.")
        return upload


class SurveyImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    value = serializers.CharField()
    reason = serializers.CharField()
    message = serializers.CharField()


class SurveyImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    organisation = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged", "rejected"])


class SurveyImportHintSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    organisation = serializers.CharField()
    domain = serializers.CharField()
    candidates = serializers.ListField(child=serializers.CharField())


class SurveyImportReportSerializer(serializers.Serializer):
    filename = serializers.CharField()
    language = serializers.CharField()
    dry_run = serializers.BooleanField()
    partial = serializers.BooleanField()
    committed = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    consents = serializers.IntegerField()
    contacts_created = serializers.IntegerField()
    organisations_created = serializers.IntegerField()
    file_error = serializers.CharField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    problems = SurveyImportProblemSerializer(many=True)
    rows = SurveyImportRowSerializer(many=True)
    hints = SurveyImportHintSerializer(many=True)
    erased_people_skipped = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Rows whose respondent's data were erased: answers imported, person not.",
    )


class SurveyImportJobSerializer(serializers.ModelSerializer):
    """An import running in the background: its status, progress and, once done, report."""

    id = serializers.UUIDField(source="token", read_only=True)
    url = serializers.SerializerMethodField()
    rows_done = serializers.SerializerMethodField()
    rows_total = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = SurveyImportJob
        fields = [
            "id",
            "url",
            "status",
            "dry_run",
            "partial",
            "filename",
            "rows_done",
            "rows_total",
            "requested_at",
            "started_at",
            "finished_at",
            "error",
            "report",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        path = reverse("survey-import-job-api", kwargs={"token": job.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def _progress(self, job) -> tuple[int, int]:
        return survey_import_job_progress(job)

    def get_rows_done(self, job) -> int:
        return self._progress(job)[0]

    def get_rows_total(self, job) -> int:
        return self._progress(job)[1]

    @extend_schema_field(SurveyImportReportSerializer(allow_null=True))
    def get_report(self, job):
        return job.report
