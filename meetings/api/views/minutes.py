"""API of minutes and their workflow (circulate, comment, approve, correct)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coordination.api.errors import ErrorResponse400Serializer, ErrorResponse409Serializer
from coordination.api.filters import IdFilter
from meetings import enums
from meetings.api.serializers.minutes import (
    MinutesCirculateSerializer,
    MinutesCommentCreateSerializer,
    MinutesCommentSerializer,
    MinutesCorrectSerializer,
    MinutesSaveSerializer,
    MinutesSerializer,
)
from meetings.models import Minutes
from meetings.rules import VISIBLE_MINUTES_STATUSES, permission_require
from meetings.selectors.scheduling import meetings_managed_by, meetings_visible_to
from meetings.services import minutes as minutes_services


class MinutesFilter(filters.FilterSet):
    meeting = IdFilter(field_name="meeting_id")
    status = filters.ChoiceFilter(choices=enums.MinutesStatus.choices)


@extend_schema(tags=["minutes"])
class MinutesViewSet(viewsets.ReadOnlyModelViewSet):
    """Versions of minutes: participants see circulated and approved ones of their meetings;
    facilitators and the team also see drafts."""

    queryset = Minutes.objects.none()  # for the schema; see get_queryset
    serializer_class = MinutesSerializer
    filterset_class = MinutesFilter
    ordering = ["meeting", "-version"]
    ordering_fields = ["meeting", "version", "created_at"]

    def get_queryset(self):
        user = self.request.user
        managed = meetings_managed_by(user=user).values("pk")
        visible = meetings_visible_to(user=user).values("pk")
        return Minutes.objects.filter(
            Q(meeting__in=managed) | Q(meeting__in=visible, status__in=VISIBLE_MINUTES_STATUSES)
        )

    def _managed(self) -> Minutes:
        minutes = self.get_object()
        permission_require(self.request.user, "meetings.manage_meeting", minutes.meeting)
        return minutes

    @extend_schema(
        request=MinutesSaveSerializer,
        responses={
            200: MinutesSerializer,
            400: ErrorResponse400Serializer,
            409: ErrorResponse409Serializer,
        },
    )
    @action(detail=True, methods=["post"])
    def save(self, request, pk=None):
        """Save notes, attendance, new and removed decisions at once, based on ``revision``.
        409: someone saved the same values meanwhile; the first error (attr ``revision``)
        gives the current revision, the others (attr ``note:<item>`` or
        ``attendance:<contact>``) the values saved meanwhile. Nothing is written then."""
        minutes = self._managed()
        payload = MinutesSaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        items = {item.pk: item for item in minutes.meeting.agenda_items.all()}
        decisions = []
        for decision in data.get("decisions", []):
            item_id = decision.get("agenda_item")
            if item_id is not None and item_id not in items:
                raise serializers.ValidationError(
                    {"decisions": [_("This agenda item belongs to another meeting.")]}
                )
            decisions.append(
                minutes_services.NewDecision(text=decision["text"], agenda_item=items.get(item_id))
            )
        bases = {
            minutes_services.note_key(n["agenda_item"]): n["base"]
            for n in data.get("notes", [])
            if "base" in n
        }
        bases |= {
            minutes_services.attendance_key(a["contact"]): a["base"]
            for a in data.get("attendance", [])
            if "base" in a
        }
        saved = minutes_services.minutes_save(
            minutes=minutes,
            revision=data["revision"],
            notes={n["agenda_item"]: n["text"] for n in data.get("notes", [])},
            attendance={a["contact"]: a["status"] for a in data.get("attendance", [])},
            bases=bases,
            decisions=decisions,
            removed_decisions=data.get("removed_decisions", []),
            user=request.user,
        )
        return Response(MinutesSerializer(saved.minutes).data)

    @extend_schema(request=None, responses=MinutesSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve circulated minutes (refused when already approved)."""
        minutes = minutes_services.minutes_approve(minutes=self._managed(), user=request.user)
        return Response(MinutesSerializer(minutes).data)

    @extend_schema(request=MinutesCirculateSerializer, responses=MinutesSerializer)
    @action(detail=True, methods=["post"])
    def circulate(self, request, pk=None):
        """Send a draft to the attendees for comments until ``comments_due``."""
        minutes = self._managed()
        data = MinutesCirculateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        minutes = minutes_services.minutes_circulate(
            minutes=minutes,
            comments_due=data.validated_data["comments_due"],
            user=request.user,
        )
        return Response(MinutesSerializer(minutes).data)

    @extend_schema(request=MinutesCorrectSerializer, responses={201: MinutesSerializer})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of approved minutes: a new draft version, with the reason."""
        minutes = self._managed()
        data = MinutesCorrectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = minutes_services.minutes_correct(
            minutes=minutes,
            user=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(MinutesSerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MinutesCommentCreateSerializer, responses={201: MinutesCommentSerializer}
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Comment on circulated minutes (on one agenda item or on the whole)."""
        minutes = self.get_object()
        if not request.user.has_perm("meetings.comment_minutes", minutes):
            raise PermissionDenied(_("Comments are taken only from attendees while circulated."))
        data = MinutesCommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item_id = data.validated_data.get("agenda_item")
        item = None
        if item_id is not None:
            item = minutes.meeting.agenda_items.filter(pk=item_id).first()
            if item is None:
                raise serializers.ValidationError(
                    {"agenda_item": [_("This agenda item belongs to another meeting.")]}
                )
        comment = minutes_services.minutes_comment_add(
            minutes=minutes,
            user=request.user,
            text=data.validated_data["text"],
            agenda_item=item,
        )
        return Response(MinutesCommentSerializer(comment).data, status=status.HTTP_201_CREATED)
