"""API of agendas. Thin: validate with a serializer, call
one service, return the result. Service ValidationErrors become 400 responses."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from coordination.api.filters import IdFilter
from coordination.models import Question
from meetings.api.serializers.agendas import (
    AgendaItemCreateSerializer,
    AgendaItemSerializer,
    AgendaItemUpdateSerializer,
    AgendaSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    MoveSerializer,
    ReorderSerializer,
    TemplateSerializer,
)
from meetings.models import AgendaAttachment, AgendaItem, Meeting
from meetings.selectors.agendas import agenda_time_plan
from meetings.selectors.scheduling import meetings_managed_by, meetings_visible_to
from meetings.services import agendas as agenda_services


def call_service(function, **kwargs):
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise serializers.ValidationError(detail) from None


def require_manage(request, meeting: Meeting) -> None:
    if not request.user.has_perm("meetings.manage_meeting", meeting):
        raise PermissionDenied(
            _("Only the facilitators of this group or round and the team may do this.")
        )


def visible_meeting_or_404(request, pk) -> Meeting:
    return get_object_or_404(meetings_visible_to(user=request.user), pk=pk)


def agenda_items_queryset():
    return AgendaItem.objects.select_related("meeting").prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("number")),
        Prefetch("attachments", queryset=AgendaAttachment.objects.order_by("uploaded_at", "id")),
    )


def agenda_payload(meeting: Meeting) -> dict:
    items = list(agenda_items_queryset().filter(meeting=meeting).order_by("position"))
    plan = agenda_time_plan(meeting=meeting, items=items)
    return {
        "meeting": meeting.pk,
        "published_at": meeting.agenda_published_at,
        "version": meeting.agenda_version,
        "total_minutes": plan.total_minutes,
        "slot_minutes": plan.slot_minutes,
        "limit_minutes": plan.limit_minutes,
        "overruns_slot": plan.overruns_slot,
        "overruns_limit": plan.overruns_limit,
        "time_plan": [
            {"item": row.item.pk, "starts_at": row.starts_at, "ends_at": row.ends_at}
            for row in plan.rows
        ],
        "items": AgendaItemSerializer(items, many=True).data,
    }


class AgendaItemFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id")


@extend_schema(tags=["agendas"])
class AgendaItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Agenda items of meetings whose agenda the user may see (published, or managed)."""

    queryset = AgendaItem.objects.none()  # for the schema; see get_queryset
    serializer_class = AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering = ["meeting", "position"]
    ordering_fields = ["position"]

    def get_queryset(self):
        user = self.request.user
        managed = meetings_managed_by(user=user).values("pk")
        visible = meetings_visible_to(user=user).values("pk")
        return agenda_items_queryset().filter(
            Q(meeting__in=managed)
            | Q(meeting__in=visible, meeting__agenda_published_at__isnull=False)
        )

    def _managed_item(self) -> AgendaItem:
        item = self.get_object()
        require_manage(self.request, item.meeting)
        return item

    @extend_schema(request=AgendaItemCreateSerializer, responses={201: AgendaItemSerializer})
    def create(self, request):
        payload = AgendaItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting = Meeting.objects.filter(pk=data.pop("meeting")).first()
        if meeting is None or not request.user.has_perm("meetings.view_meeting", meeting):
            raise serializers.ValidationError({"meeting": [_("Unknown meeting.")]})
        require_manage(request, meeting)
        item = call_service(agenda_services.agenda_item_create, meeting=meeting, **data)
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgendaItemUpdateSerializer, responses=AgendaItemSerializer)
    def partial_update(self, request, pk=None):
        item = self._managed_item()
        payload = AgendaItemUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        questions = data.pop("questions", None)
        call_service(agenda_services.agenda_item_update, item=item, questions=questions, **data)
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(AgendaItemSerializer(item).data)

    def perform_destroy(self, instance):
        require_manage(self.request, instance.meeting)
        agenda_services.agenda_item_delete(item=instance)

    @extend_schema(request=MoveSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the item one place up or down (nothing happens at either end)."""
        item = self._managed_item()
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_item_move,
            item=item,
            direction=payload.validated_data["direction"],
        )
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(AgendaItemSerializer(item).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach a file; its type is checked by its content, its size is limited."""
        item = self._managed_item()
        payload = AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = call_service(
            agenda_services.agenda_attachment_add,
            item=item,
            upload=payload.validated_data["file"],
            user=request.user,
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["agendas"])
class AgendaViewSet(viewsets.ViewSet):
    """A meeting's agenda as a whole: time plan, publication, order, templates."""

    lookup_field = "pk"
    lookup_value_regex = r"\d+"
    serializer_class = AgendaSerializer

    def _meeting(self, pk, manage: bool = False) -> Meeting:
        meeting = visible_meeting_or_404(self.request, pk)
        if manage:
            require_manage(self.request, meeting)
        elif not self.request.user.has_perm("meetings.view_agenda", meeting):
            raise NotFound(_("The agenda of this meeting is not published."))
        return meeting

    @extend_schema(
        responses=AgendaSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Meeting id")],
    )
    def retrieve(self, request, pk=None):
        return Response(agenda_payload(self._meeting(pk)))

    @extend_schema(request=None, responses=AgendaSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        meeting = call_service(agenda_services.agenda_publish, meeting=meeting, user=request.user)
        return Response(agenda_payload(meeting))

    @extend_schema(request=ReorderSerializer, responses=AgendaSerializer)
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        payload = ReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_reorder,
            meeting=meeting,
            item_ids=payload.validated_data["order"],
        )
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=TemplateSerializer, responses=AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="from-template")
    def from_template(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        payload = TemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_from_template,
            meeting=meeting,
            template=payload.validated_data["template"],
        )
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=None, responses=AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="copy-previous")
    def copy_previous(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        call_service(agenda_services.agenda_copy_previous, meeting=meeting)
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))
