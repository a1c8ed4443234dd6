from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination import enums, selectors, services
from coordination.api import serializers
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
    serializer_class = serializers.OrganisationSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.organisation_list(user=self.request.user)


class WorkingGroupViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.WorkingGroupSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["is_active"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.working_group_list(user=self.request.user)


class ConsultationRoundViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ConsultationRoundSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_fields = ["status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)


# --- Issue 3: survey import and volunteer pool -------------------------------------------------


class IsTeam(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.has_perm("coordination.import_survey"))


class SurveyImportView(APIView):
    """Import a survey export (the same service as the command and the upload page)."""

    permission_classes = [IsTeam]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=serializers.SurveyImportRequestSerializer,
        responses={
            200: serializers.SurveyImportReportSerializer,
            400: OpenApiResponse(description="Invalid request or unreadable file."),
            422: serializers.SurveyImportReportSerializer,
        },
        description=(
            "Returns the import report. 200: imported (or checked, with dry_run). 400: the "
            "request or the file cannot be read. 422: rows were rejected and, the import being "
            "all-or-nothing, nothing was written (send partial=true to keep the good rows)."
        ),
    )
    def post(self, request):
        form = serializers.SurveyImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        upload = data["file"]
        mapping = data.get("mapping")
        mapping_name = mapping.name if mapping else ""
        if mapping and data.get("mapping_format"):
            mapping_name = f"mapping.{data['mapping_format']}"
        report = services.survey_import(
            data=upload.read(),
            filename=upload.name,
            language=data.get("language") or "",
            mapping=mapping.read() if mapping else None,
            mapping_filename=mapping_name,
            dry_run=data["dry_run"],
            partial=data["partial"],
            user=request.user,
        )
        body = report.as_dict()
        if report.file_error:
            return Response({"detail": report.file_error, **body}, status=400)
        if report.rejected and not report.partial and not report.dry_run:
            return Response(body, status=422)
        return Response(body, status=200)


class VolunteerFilter(filters.FilterSet):
    working_language = filters.ChoiceFilter(
        choices=enums.WorkingLanguage.choices, method="filter_pool"
    )
    area = filters.ChoiceFilter(choices=enums.Area.choices, method="filter_pool")
    domain = filters.ChoiceFilter(choices=enums.Domain.choices, method="filter_pool")
    target_public = filters.CharFilter(method="filter_pool", max_length=40)
    support_role = filters.ChoiceFilter(choices=enums.SupportRole.choices, method="filter_pool")
    shares_data = filters.ChoiceFilter(choices=[("yes", "yes"), ("no", "no")], method="filter_pool")
    active_engagement = filters.ChoiceFilter(
        choices=[(c, c) for c in ("definitely_yes", "yes", "no", "definitely_no")],
        method="filter_pool",
    )
    meeting_interest = filters.ChoiceFilter(
        choices=[("yes", "yes"), ("no", "no")], method="filter_pool"
    )

    def filter_pool(self, queryset, name, value):
        return selectors.pool_filter(queryset, {name: value})


class VolunteerPoolViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """The volunteer pool (Q56 yes, a contact with consent) with the consultation load of the
    last 12 months."""

    serializer_class = serializers.VolunteerSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name", "load"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.volunteer_pool()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        context["pool_contacts"] = selectors.pool_contacts(page)
        context["visible_contact_ids"] = selectors.contact_ids_with_visible_details(
            user=request.user
        )
        data = serializers.VolunteerSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


class VolunteerWithoutContactViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Organisations that volunteered (Q56) but have no contact with consent yet: the team
    adds one and they join the pool."""

    serializer_class = serializers.VolunteerWithoutContactSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.volunteers_without_contact()
