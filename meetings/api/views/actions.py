"""API of action items. Thin: validate with a serializer, call one service, return the
result. The list is the selector of the action-items page (``action_item_list``): with
``?meeting=`` it holds the meeting's own items and those carried over to it."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coordination.api.filters import IdFilter
from coordination.api.views import AccessRecordedMixin
from meetings import enums
from meetings.api.serializers.actions import (
    ActionItemCommentCreateSerializer,
    ActionItemCreateSerializer,
    ActionItemEventSerializer,
    ActionItemSerializer,
    ActionItemSetStatusSerializer,
)
from meetings.models import ActionItem
from meetings.rules import permission_require
from meetings.selectors.actions import (
    ActionFilters,
    action_item_history,
    action_item_list,
    action_items_visible_to,
)
from meetings.services import actions as action_services


class ActionItemFilter(filters.FilterSet):
    """The filters of the action-items page, by id, applied by its selector."""

    status = filters.ChoiceFilter(choices=enums.ActionStatus.choices)
    owner_contact = IdFilter()
    owner_organisation = IdFilter()
    meeting = IdFilter(help_text="The meeting's own action items and those carried over to it.")
    working_group = IdFilter()
    consultation_round = IdFilter()
    due_date = filters.DateFromToRangeFilter()
    overdue = filters.BooleanFilter(help_text="true: only open items past their due date.")
    mine = filters.BooleanFilter(help_text="true: only the items the user owns.")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        due = data.get("due_date")
        return action_item_list(
            user=self.request.user,
            filters=ActionFilters(
                scope="mine" if data.get("mine") else "",
                status=data.get("status") or "",
                overdue=bool(data.get("overdue")),
                owner=data.get("owner_contact"),
                organisation=data.get("owner_organisation"),
                due_from=due.start if due else None,
                due_until=due.stop if due else None,
                meeting=data.get("meeting"),
                working_group=data.get("working_group"),
                consultation_round=data.get("consultation_round"),
            ),
        )


@extend_schema(tags=["action items"])
class ActionItemViewSet(
    AccessRecordedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ActionItem.objects.none()  # for the schema; see get_queryset
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering = ["due_date", "id"]
    ordering_fields = ["due_date", "created_at", "status"]
    access_subject = "action item"

    def access_contact_ids(self, rows) -> list[int]:
        return sorted({row.owner_contact_id for row in rows if row.owner_contact_id})

    def get_queryset(self):
        return action_items_visible_to(user=self.request.user)

    @extend_schema(request=ActionItemCreateSerializer, responses={201: ActionItemSerializer})
    def create(self, request):
        payload = ActionItemCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        meeting = permission_require(request.user, "meetings.manage_meeting", data["meeting"])
        action_item = action_services.action_item_create(
            meeting=meeting,
            description=data["description"],
            owner_contact=data.get("owner_contact"),
            owner_organisation=data.get("owner_organisation"),
            due_date=data.get("due_date"),
            agenda_item=data.get("agenda_item"),
            user=request.user,
        )
        return Response(ActionItemSerializer(action_item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionItemSetStatusSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"], url_path="set-status")
    def set_status(self, request, pk=None):
        """Change the status (the owner or the facilitators); recorded in the history."""
        action_item = self.get_object()
        if not request.user.has_perm("meetings.update_action", action_item):
            raise PermissionDenied(_("Only the owner and the facilitators may change the status."))
        payload = ActionItemSetStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action_item = action_services.action_item_set_status(
            action=action_item,
            status=payload.validated_data["status"],
            text=payload.validated_data.get("text", ""),
            user=request.user,
        )
        return Response(ActionItemSerializer(action_item).data)

    @extend_schema(
        request=ActionItemCommentCreateSerializer, responses={201: ActionItemEventSerializer}
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Comment on the action item; recorded in its history."""
        action_item = self.get_object()
        payload = ActionItemCommentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = action_services.action_item_comment(
            action=action_item, text=payload.validated_data["text"], user=request.user
        )
        return Response(ActionItemEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ActionItemEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        events = action_item_history(action=self.get_object())
        return Response(ActionItemEventSerializer(events, many=True).data)
