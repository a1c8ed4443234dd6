"""API of the directory (organisations, working groups, rounds) and the survey import."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import enums, selectors
from coordination.api.serializers import (
    ConsultationRoundSerializer,
    OrganisationSerializer,
    SurveyImportCreateSerializer,
    SurveyImportReportSerializer,
    WorkingGroupSerializer,
)
from coordination.imports.importer import survey_import
from coordination.rules import is_facilitator, is_team


class IsTeamOrFacilitator(permissions.BasePermission):
    """The directory of organisations is for the team and facilitators."""

    def has_permission(self, request, view) -> bool:
        return is_team(request.user) or is_facilitator(request.user)


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=enums.OrganisationKind.choices)
    support_role = filters.ChoiceFilter(choices=enums.SupportRole.choices)
    working_language = filters.ChoiceFilter(
        choices=enums.WorkingLanguage.choices, method="filter_json_list"
    )
    area = filters.ChoiceFilter(choices=enums.Area.choices, method="filter_json_list")
    domain = filters.ChoiceFilter(choices=enums.Domain.choices, method="filter_json_list")
    name = filters.CharFilter(field_name="name", lookup_expr="icontains")

    FIELDS = {"working_language": "working_languages", "area": "areas", "domain": "domains"}

    def filter_json_list(self, queryset, name, value):
        field = self.FIELDS[name]
        return selectors.with_json_text(queryset, field).filter(
            selectors.json_list_contains(field, value)
        )


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class WorkingGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkingGroupSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["is_active"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user)


class ConsultationRoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsultationRoundSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["status"]
    ordering_fields = ["title", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)


class IsTeam(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.has_perm("coordination.import_survey"))


class SurveyImportView(APIView):
    """Import a survey export (the same service as the command and the upload page)."""

    permission_classes = [IsTeam]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=SurveyImportCreateSerializer,
        responses={200: SurveyImportReportSerializer, 422: SurveyImportReportSerializer},
        description=(
            "Returns the import report. 200: imported (or checked, with dry_run). 400: the "
            "request or the file cannot be read (the error's attr is file). 422: rows were "
            "rejected and, the import being all-or-nothing, nothing was written (send "
            "partial=true to keep the good rows); the report lists the problems."
        ),
    )
    def post(self, request):
        form = SurveyImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        mapping = data.get("mapping")
        mapping_name = mapping.name if mapping else ""
        if mapping and data.get("mapping_format"):
            mapping_name = f"mapping.{data['mapping_format']}"
        report = survey_import(
            data=upload.read(),
            filename=upload.name,
            language=data.get("language") or "",
            mapping=mapping.read() if mapping else None,
            mapping_filename=mapping_name,
            dry_run=data["dry_run"],
            partial=data["partial"],
            user=request.user,
        )
        if report.file_error:
            raise serializers.ValidationError({"file": [report.file_error]}, code="unreadable")
        rejected = report.rejected and not report.partial and not report.dry_run
        return Response(report.as_dict(), status=422 if rejected else 200)
