from django_filters import rest_framework as filters
from rest_framework import permissions, viewsets

from coordination import enums, selectors
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
