"""API of agendas, minutes and action items (issue 5). Thin: validate with a serializer, call
one service, return the result. Service ValidationErrors become 400 responses."""

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from coordination.models import Question
from meetings import enums, selectors
from meetings.api import serializers_agendas as s
from meetings.models import ActionItem, AgendaAttachment, AgendaItem, Meeting, Minutes
from meetings.rules import VISIBLE_MINUTES_STATUSES
from meetings.selectors_minutes import action_item_history, action_items_visible_to
from meetings.services import actions as action_services
from meetings.services import agendas as agenda_services
from meetings.services import minutes as minutes_services


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
    return get_object_or_404(selectors.meetings_visible_to(user=request.user), pk=pk)


def agenda_items_queryset():
    return AgendaItem.objects.select_related("meeting").prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("number")),
        Prefetch("attachments", queryset=AgendaAttachment.objects.order_by("uploaded_at", "id")),
    )


def agenda_payload(meeting: Meeting) -> dict:
    items = list(agenda_items_queryset().filter(meeting=meeting).order_by("position"))
    plan = selectors.agenda_time_plan(meeting=meeting, items=items)
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
        "items": s.AgendaItemSerializer(items, many=True).data,
    }


MAX_ID = 2**31 - 1


class IdFilter(filters.Filter):
    """A whole-number id filter: fractions, huge numbers and negatives are a 400, never a
    database overflow."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


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
    serializer_class = s.AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering = ["meeting", "position"]
    ordering_fields = ["position"]

    def get_queryset(self):
        user = self.request.user
        managed = selectors.meetings_managed_by(user=user).values("pk")
        visible = selectors.meetings_visible_to(user=user).values("pk")
        return agenda_items_queryset().filter(
            Q(meeting__in=managed)
            | Q(meeting__in=visible, meeting__agenda_published_at__isnull=False)
        )

    def _managed_item(self) -> AgendaItem:
        item = self.get_object()
        require_manage(self.request, item.meeting)
        return item

    @extend_schema(request=s.AgendaItemCreateSerializer, responses={201: s.AgendaItemSerializer})
    def create(self, request):
        payload = s.AgendaItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        meeting = Meeting.objects.filter(pk=data.pop("meeting")).first()
        if meeting is None or not request.user.has_perm("meetings.view_meeting", meeting):
            raise serializers.ValidationError({"meeting": [_("Unknown meeting.")]})
        require_manage(request, meeting)
        item = call_service(agenda_services.agenda_item_create, meeting=meeting, **data)
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(s.AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AgendaItemUpdateSerializer, responses=s.AgendaItemSerializer)
    def partial_update(self, request, pk=None):
        item = self._managed_item()
        payload = s.AgendaItemUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        questions = data.pop("questions", None)
        call_service(agenda_services.agenda_item_update, item=item, questions=questions, **data)
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(s.AgendaItemSerializer(item).data)

    def perform_destroy(self, instance):
        require_manage(self.request, instance.meeting)
        agenda_services.agenda_item_delete(item=instance)

    @extend_schema(request=s.MoveSerializer, responses=s.AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the item one place up or down (nothing happens at either end)."""
        item = self._managed_item()
        payload = s.MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_item_move,
            item=item,
            direction=payload.validated_data["direction"],
        )
        item = agenda_items_queryset().get(pk=item.pk)
        return Response(s.AgendaItemSerializer(item).data)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Attach a file; its type is checked by its content, its size is limited."""
        item = self._managed_item()
        payload = s.AttachmentUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attachment = call_service(
            agenda_services.agenda_attachment_add,
            item=item,
            upload=payload.validated_data["file"],
            user=request.user,
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["agendas"])
class AgendaViewSet(viewsets.ViewSet):
    """A meeting's agenda as a whole: time plan, publication, order, templates."""

    lookup_field = "pk"
    lookup_value_regex = r"\d+"
    serializer_class = s.AgendaSerializer

    def _meeting(self, pk, manage: bool = False) -> Meeting:
        meeting = visible_meeting_or_404(self.request, pk)
        if manage:
            require_manage(self.request, meeting)
        elif not self.request.user.has_perm("meetings.view_agenda", meeting):
            raise NotFound(_("The agenda of this meeting is not published."))
        return meeting

    @extend_schema(
        responses=s.AgendaSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Meeting id")],
    )
    def retrieve(self, request, pk=None):
        return Response(agenda_payload(self._meeting(pk)))

    @extend_schema(request=None, responses=s.AgendaSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        meeting = call_service(agenda_services.agenda_publish, meeting=meeting, user=request.user)
        return Response(agenda_payload(meeting))

    @extend_schema(request=s.ReorderSerializer, responses=s.AgendaSerializer)
    @action(detail=True, methods=["post"])
    def reorder(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        payload = s.ReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_reorder,
            meeting=meeting,
            item_ids=payload.validated_data["order"],
        )
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=s.TemplateSerializer, responses=s.AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="from-template")
    def from_template(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        payload = s.TemplateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call_service(
            agenda_services.agenda_from_template,
            meeting=meeting,
            template=payload.validated_data["template"],
        )
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))

    @extend_schema(request=None, responses=s.AgendaSerializer)
    @action(detail=True, methods=["post"], url_path="copy-previous")
    def copy_previous(self, request, pk=None):
        meeting = self._meeting(pk, manage=True)
        call_service(agenda_services.agenda_copy_previous, meeting=meeting)
        meeting.refresh_from_db()
        return Response(agenda_payload(meeting))


class MinutesFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id")
    status = filters.ChoiceFilter(choices=enums.MinutesStatus.choices)


@extend_schema(tags=["minutes"])
class MinutesViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of minutes: participants see circulated and approved ones of their meetings;
    facilitators and the team also see drafts."""

    queryset = Minutes.objects.none()  # for the schema; see get_queryset
    serializer_class = s.MinutesSerializer
    filterset_class = MinutesFilter
    ordering = ["meeting", "-version"]

    def get_queryset(self):
        user = self.request.user
        managed = selectors.meetings_managed_by(user=user).values("pk")
        visible = selectors.meetings_visible_to(user=user).values("pk")
        return Minutes.objects.filter(
            Q(meeting__in=managed) | Q(meeting__in=visible, status__in=VISIBLE_MINUTES_STATUSES)
        )

    @extend_schema(request=None, responses=s.MinutesSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve circulated minutes (refused when already approved)."""
        minutes = self.get_object()
        require_manage(request, minutes.meeting)
        minutes = call_service(minutes_services.minutes_approve, minutes=minutes, user=request.user)
        return Response(s.MinutesSerializer(minutes).data)

    @extend_schema(request=s.MinutesCirculateSerializer, responses=s.MinutesSerializer)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        """Send a draft to the attendees for comments until ``comments_due``."""
        minutes = self.get_object()
        require_manage(request, minutes.meeting)
        data = s.MinutesCirculateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        minutes = call_service(
            minutes_services.minutes_circulate,
            minutes=minutes,
            comments_due=data.validated_data["comments_due"],
            user=request.user,
        )
        return Response(s.MinutesSerializer(minutes).data)

    @extend_schema(request=s.MinutesCorrectSerializer, responses={201: s.MinutesSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of approved minutes: a new draft version, with the reason."""
        minutes = self.get_object()
        require_manage(request, minutes.meeting)
        data = s.MinutesCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = call_service(
            minutes_services.minutes_correct,
            minutes=minutes,
            user=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(s.MinutesSerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.MinutesCommentCreateSerializer, responses={201: s.MinutesCommentSerializer}
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Comment on circulated minutes (on one agenda item or on the whole)."""
        minutes = self.get_object()
        if not request.user.has_perm("meetings.comment_minutes", minutes):
            raise PermissionDenied(_("Comments are taken only from attendees while circulated."))
        data = s.MinutesCommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item_id = data.validated_data.get("agenda_item")
        item = None
        if item_id is not None:
            item = minutes.meeting.agenda_items.filter(pk=item_id).first()
            if item is None:
                raise serializers.ValidationError(
                    {"agenda_item": [_("This agenda item belongs to another meeting.")]}
                )
        comment = call_service(
            minutes_services.minutes_comment_add,
            minutes=minutes,
            user=request.user,
            text=data.validated_data["text"],
            agenda_item=item,
        )
        return Response(s.MinutesCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


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
    serializer_class = s.ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering = ["due_date", "id"]
    ordering_fields = ["due_date", "created_at"]

    def get_queryset(self):
        return action_items_visible_to(user=self.request.user)

    @extend_schema(request=s.ActionItemCreateSerializer, responses={201: s.ActionItemSerializer})
    def create(self, request):
        payload = s.ActionItemCreateSerializer(data=request.data)
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
        return Response(s.ActionItemSerializer(action_item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ActionStatusSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Change the status (the owner or the facilitators); recorded in the history."""
        action_item = self.get_object()
        if not request.user.has_perm("meetings.update_action", action_item):
            raise PermissionDenied(_("Only the owner and the facilitators may change the status."))
        payload = s.ActionStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action_item = call_service(
            action_services.action_item_set_status,
            action=action_item,
            status=payload.validated_data["status"],
            text=payload.validated_data.get("text", ""),
            user=request.user,
        )
        return Response(s.ActionItemSerializer(action_item).data)

    @extend_schema(request=s.ActionCommentSerializer, responses={201: s.ActionEventSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        action_item = self.get_object()
        payload = s.ActionCommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = call_service(
            action_services.action_item_comment,
            action=action_item,
            text=payload.validated_data["text"],
            user=request.user,
        )
        return Response(s.ActionEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ActionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        action_item = self.get_object()
        events = action_item_history(action=action_item)
        return Response(s.ActionEventSerializer(events, many=True).data)
