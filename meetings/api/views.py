from django_filters import rest_framework as filters
from rest_framework import viewsets

from meetings import enums, selectors
from meetings.api import serializers


class MeetingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=enums.MeetingStatus.choices)
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    working_group = filters.CharFilter(field_name="working_group__slug")
    consultation_round = filters.CharFilter(field_name="consultation_round__slug")


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings the requesting user may see (see ``meetings.rules``)."""

    serializer_class = serializers.MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at"]
    ordering = ["starts_at"]

    def get_queryset(self):
        return selectors.meetings_visible_to(user=self.request.user)
