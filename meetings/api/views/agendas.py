"""API of agendas. Thin: validate with a serializer, call one service, return the result;
errors of the services reach the API's one exception handler."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from coordination.api.errors import ErrorResponse400Serializer, ErrorResponse409Serializer
from coordination.api.filters import IdFilter
from coordination.models import Question
from meetings.api.serializers.agendas import (
    AgendaApplyTemplateSerializer,
    AgendaAttachmentSerializer,
    AgendaItemAddAttachmentSerializer,
    AgendaItemCreateSerializer,
    AgendaItemMoveSerializer,
    AgendaItemSerializer,
    AgendaItemUpdateSerializer,
    AgendaReorderSerializer,
    AgendaSerializer,
)
from meetings.models import AgendaAttachment, AgendaItem, Meeting
from meetings.rules import permission_require
from meetings.selectors.agendas import agenda_time_plan
from meetings.selectors.scheduling import meetings_managed_by, meetings_visible_to
from meetings.services import agendas as agenda_services

MANAGE = "meetings.manage_meeting"


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
    ordering_fields = ["meeting", "position"]

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
        permission_require(self.request.user, MANAGE, item.meeting)
        return item

    def _item_response(self, item: AgendaItem, status_code=status.HTTP_200_OK) -> Response:
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(AgendaItemSerializer(item).data, status=status_code)

    @extend_schema(request=AgendaItemCreateSerializer, responses={201: AgendaItemSerializer})
    def create(self, request):
        payload = AgendaItemCreateSerializer(data=request.data, context={"request": request})
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting = permission_require(request.user, MANAGE, data.pop("meeting"))
        item = agenda_services.agenda_item_create(meeting=meeting, **data)
        return self._item_response(item, status.HTTP_201_CREATED)

    @extend_schema(
        request=AgendaItemUpdateSerializer,
        responses={
            200: AgendaItemSerializer,
            400: ErrorResponse400Serializer,
            409: ErrorResponse409Serializer,
        },
    )
    def partial_update(self, request, pk=None):
        """Change an item. With ``revision``: when someone saved the item meanwhile, a field
        sent that now holds another value answers 409 (first error: the current revision;
        then one per field with the value saved meanwhile) and nothing is written."""
        item = self._managed_item()
        payload = AgendaItemUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        questions = data.pop("questions", None)
        revision = data.pop("revision", None)
        agenda_services.agenda_item_update(
            item=item, questions=questions, revision=revision, **data
        )
        return self._item_response(item)

    def perform_destroy(self, instance):
        permission_require(self.request.user, MANAGE, instance.meeting)
        agenda_services.agenda_item_delete(item=instance)

    @extend_schema(request=AgendaItemMoveSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the item one place up or down (nothing happens at either end)."""
        item = self._managed_item()
        payload = AgendaItemMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agenda_services.agenda_item_move(item=item, direction=payload.validated_data["direction"])
        return self._item_response(item)

    @extend_schema(
        request={"multipart/form-data": AgendaItemAddAttachmentSerializer},
        responses={201: AgendaAttachmentSerializer},
    )
    @action(
        detail=True, methods=["post"], url_path="add-attachment", parser_classes=[MultiPartParser]
    )
    def add_attachment(self, request, pk=None):
        """Attach a file; its type is checked by its content, its size is limited."""
        item = self._managed_item()
        payload = AgendaItemAddAttachmentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = agenda_services.agenda_attachment_add(
            item=item, upload=payload.validated_data["file"], user=request.user
        )
        return Response(AgendaAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["agendas"],
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Meeting id")],
)
class AgendaViewSet(viewsets.ViewSet):
    """A meeting's agenda as a whole: time plan, publication, order, templates. The id is
    the meeting's."""

    serializer_class = AgendaSerializer

    def _meeting(self, pk) -> Meeting:
        return get_object_or_404(meetings_visible_to(user=self.request.user), pk=pk)

    def _managed(self, pk) -> Meeting:
        return permission_require(self.request.user, MANAGE, self._meeting(pk))

    @extend_schema(responses=AgendaSerializer)
    def retrieve(self, request, pk=None):
        meeting = self._meeting(pk)
        if not request.user.has_perm("meetings.view_agenda", meeting):
            raise NotFound(_("The agenda of this meeting is not published."))
        return Response(agenda_payload(meeting))

    @extend_schema(request=None, responses=AgendaSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        meeting = agenda_services.agenda_publish(meeting=self._managed(pk), user=request.user)
        return Response(agenda_payload(meeting))

    @extend_schema(request=AgendaReorderSerializer, responses=AgendaSerializer)
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        meeting = self._managed(pk)
        payload = AgendaReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agenda_services.agenda_reorder(meeting=meeting, item_ids=payload.validated_data["order"])
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=AgendaApplyTemplateSerializer, responses=AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="apply-template")
    def apply_template(self, request, pk=None):
        meeting = self._managed(pk)
        payload = AgendaApplyTemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agenda_services.agenda_from_template(
            meeting=meeting, template=payload.validated_data["template"]
        )
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=None, responses=AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="copy-previous")
    def copy_previous(self, request, pk=None):
        meeting = self._managed(pk)
        agenda_services.agenda_copy_previous(meeting=meeting)
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))
