"""API of action items. Thin: validate with a serializer, call one service, return the
result."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coordination.api.filters import IdFilter
from meetings import enums
from meetings.api.serializers.actions import (
    ActionCommentSerializer,
    ActionEventSerializer,
    ActionItemCreateSerializer,
    ActionItemSerializer,
    ActionStatusSerializer,
)
from meetings.api.views.agendas import call_service, require_manage
from meetings.models import ActionItem, AgendaItem, Meeting
from meetings.selectors.actions import action_item_history, action_items_visible_to
from meetings.services import actions as action_services


class ActionItemFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=enums.ActionStatus.choices)
    owner_contact = IdFilter(field_name="owner_contact_id")
    owner_organisation = IdFilter(field_name="owner_organisation_id")
    meeting = IdFilter(field_name="origin_meeting_id")
    working_group = IdFilter(field_name="origin_meeting__working_group_id")
    consultation_round = IdFilter(field_name="origin_meeting__consultation_round_id")
    due_from = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_until = filters.DateFilter(field_name="due_date", lookup_expr="lte")
    overdue = filters.BooleanFilter(method="filter_overdue")
    mine = filters.BooleanFilter(method="filter_mine")

    def filter_overdue(self, queryset, name, value):
        open_overdue = Q(
            status__in=[enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS],
            due_date__lt=timezone.localdate(),
        )
        return queryset.filter(open_overdue) if value else queryset.exclude(open_overdue)

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        contact = getattr(self.request.user, "contact", None)
        return queryset.filter(owner_contact=contact) if contact else queryset.none()


@extend_schema(tags=["action items"])
class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ActionItem.objects.none()  # for the schema; see get_queryset
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering = ["due_date", "id"]
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self):
        return action_items_visible_to(user=self.request.user)

    @extend_schema(request=ActionItemCreateSerializer, responses={201: ActionItemSerializer})
    def create(self, request):
        payload = ActionItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting = Meeting.objects.filter(pk=data.pop("meeting")).first()
        if meeting is None or not request.user.has_perm("meetings.view_meeting", meeting):
            raise serializers.ValidationError({"meeting": [_("Unknown meeting.")]})
        require_manage(request, meeting)
        agenda_item = None
        if data.get("agenda_item"):
            agenda_item = AgendaItem.objects.filter(pk=data["agenda_item"]).first()
            if agenda_item is None:
                raise serializers.ValidationError({"agenda_item": [_("Unknown agenda item.")]})
        action_item = call_service(
            action_services.action_item_create,
            meeting=meeting,
            description=data["description"],
            owner_contact=data.get("owner_contact"),
            owner_organisation=data.get("owner_organisation"),
            due_date=data.get("due_date"),
            agenda_item=agenda_item,
            user=request.user,
        )
        return Response(ActionItemSerializer(action_item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionStatusSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Change the status (the owner or the facilitators); recorded in the history."""
        action_item = self.get_object()
        if not request.user.has_perm("meetings.update_action", action_item):
            raise PermissionDenied(_("Only the owner and the facilitators may change the status."))
        payload = ActionStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action_item = call_service(
            action_services.action_item_set_status,
            action=action_item,
            status=payload.validated_data["status"],
            text=payload.validated_data.get("text", ""),
            user=request.user,
        )
        return Response(ActionItemSerializer(action_item).data)

    @extend_schema(request=ActionCommentSerializer, responses={201: ActionEventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        action_item = self.get_object()
        payload = ActionCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = call_service(
            action_services.action_item_comment,
            action=action_item,
            text=payload.validated_data["text"],
            user=request.user,
        )
        return Response(ActionEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ActionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        action_item = self.get_object()
        events = action_item_history(action=action_item)
        return Response(ActionEventSerializer(events, many=True).data)
