"""API of the volunteer pool that panels are drawn from."""

from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets

from coordination import enums, selectors
from coordination.api.views import IsTeamOrFacilitator
from coordination.services import access_record
from meetings.api.serializers.panels import VolunteerSerializer, VolunteerWithoutContactSerializer
from meetings.selectors.panels import volunteer_pool_with_load


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

    serializer_class = VolunteerSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name", "load"]
    ordering = ["name"]

    def get_queryset(self):
        return volunteer_pool_with_load()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context()
        context["pool_contacts"] = selectors.pool_contacts(page)
        context["visible_contact_ids"] = selectors.contact_ids_with_visible_details(
            user=request.user
        )
        data = VolunteerSerializer(page, many=True, context=context).data
        access_record(
            actor=request.user,
            action=enums.AccessAction.LIST_EXPORTED,
            door=enums.Door.API,
            detail="volunteer pool",
            count=len(data),
        )
        return self.get_paginated_response(data)


class VolunteerWithoutContactViewSet(viewsets.GenericViewSet, mixins.ListModelMixin):
    """Organisations that volunteered (Q56) but have no contact with consent yet: the team
    adds one and they join the pool."""

    serializer_class = VolunteerWithoutContactSerializer
    permission_classes = [IsTeamOrFacilitator]
    filterset_class = VolunteerFilter
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.volunteers_without_contact()
