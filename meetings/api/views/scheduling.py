"""API of meetings: list, read, create, change and cancel; send invitations and
reminders; conflicts and the .ics file."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from meetings import enums, recurrence
from meetings.api.serializers.scheduling import (
    ConflictSerializer,
    CountSerializer,
    MeetingChangeSerializer,
    MeetingSerializer,
    MeetingWriteSerializer,
)
from meetings.formats import ical
from meetings.selectors.scheduling import meeting_conflicts, meetings_visible_to
from meetings.services import invitations as invitation_services
from meetings.services import scheduling


class MeetingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=enums.MeetingStatus.choices)
    starts_after = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")
    working_group = filters.CharFilter(field_name="working_group__slug")
    consultation_round = filters.CharFilter(field_name="consultation_round__slug")


def _error_response(exc: DjangoValidationError, code=status.HTTP_400_BAD_REQUEST) -> Response:
    if hasattr(exc, "error_dict"):
        return Response(
            {
                name: [str(m) for e in errors for m in e.messages]
                for name, errors in exc.error_dict.items()
            },
            status=code,
        )
    return Response({"detail": " ".join(exc.messages)}, status=code)


VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="What was wrong; nothing was changed."
)


NOT_FOUND = OpenApiResponse(description="No such object, or not visible to you.")


@extend_schema_view(
    list=extend_schema(
        responses={
            200: MeetingSerializer(many=True),
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
        }
    ),
    retrieve=extend_schema(responses={200: MeetingSerializer, 404: NOT_FOUND}),
    create=extend_schema(
        request=MeetingWriteSerializer,
        responses={201: MeetingSerializer, 400: VALIDATION_ERROR, 403: None},
    ),
    partial_update=extend_schema(
        request=MeetingChangeSerializer,
        responses={
            200: MeetingSerializer,
            400: VALIDATION_ERROR,
            403: None,
            404: NOT_FOUND,
        },
    ),
)
class MeetingViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Meetings the requesting user may see (see ``meetings.rules``); facilitators create,
    change and cancel them and send invitations and reminders."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at"]
    ordering = ["starts_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return meetings_visible_to(user=self.request.user)

    def _managed(self, pk):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        if not self.request.user.has_perm("meetings.manage_meeting", meeting):
            raise PermissionDenied(_("You do not manage this meeting."))
        return meeting

    @staticmethod
    def _aware(value, tzid):
        return (
            recurrence.aware_from_local(value.replace(tzinfo=None), tzid)
            if value.tzinfo is None
            else value
        )

    def create(self, request, *args, **kwargs):
        serializer = MeetingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group, round_ = data.get("working_group"), data.get("consultation_round")
        if (group is None) == (round_ is None):
            return Response(
                {"detail": _("Give exactly one of working_group and consultation_round.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        allowed = (
            request.user.has_perm("coordination.manage_group", group)
            if group
            else request.user.has_perm("coordination.manage_round", round_)
        )
        if not allowed:
            raise PermissionDenied(_("You may not schedule meetings here."))
        try:
            meeting = scheduling.meeting_create(
                by=request.user,
                working_group=group,
                consultation_round=round_,
                title=data["title"],
                starts_at=self._aware(data["starts_at"], data["timezone"]),
                ends_at=self._aware(data["ends_at"], data["timezone"]),
                timezone=data["timezone"],
                format=data["format"],
                location=data["location"],
                online_url=data["online_url"],
                language=data["language"],
                capacity=data.get("capacity"),
                recurrence_rule=data["recurrence_rule"],
                reminder_offsets=data.get("reminder_offsets"),
                confirm_long=data["confirm_long"],
            )
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(
                {"detail": _("Use PATCH to change a meeting.")},
                status=status.HTTP_405_METHOD_NOT_ALLOWED,
            )
        meeting = self._managed(kwargs["pk"])
        serializer = MeetingChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        confirm_long = changes.pop("confirm_long", False)
        tzid = changes.get("timezone", meeting.timezone)
        try:
            for name in ("starts_at", "ends_at"):
                if name in changes:
                    changes[name] = self._aware(changes[name], tzid)
            meeting = scheduling.meeting_update(
                meeting=meeting, by=request.user, confirm_long=confirm_long, **changes
            )
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(
        request=None,
        responses={
            200: MeetingSerializer,
            400: VALIDATION_ERROR,
            403: None,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self._managed(pk)
        try:
            meeting = scheduling.meeting_cancel(meeting=meeting, by=request.user)
        except DjangoValidationError as exc:
            return _error_response(exc)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(
        request=None,
        responses={
            200: CountSerializer,
            400: VALIDATION_ERROR,
            403: None,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        meeting = self._managed(pk)
        try:
            count = invitation_services.invitations_send(meeting=meeting, by=request.user)
        except DjangoValidationError as exc:
            return _error_response(exc)
        detail = ngettext("%(n)s invitation queued.", "%(n)s invitations queued.", count)
        return Response({"count": count, "detail": detail % {"n": count}})

    @extend_schema(
        request=None,
        responses={
            200: CountSerializer,
            400: VALIDATION_ERROR,
            403: None,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="send-reminder")
    def send_reminder(self, request, pk=None):
        """One reminder to the invitees who have not answered."""
        meeting = self._managed(pk)
        try:
            count = invitation_services.invitations_nudge(meeting=meeting, by=request.user)
        except DjangoValidationError as exc:
            return _error_response(exc)
        detail = ngettext("%(n)s reminder queued.", "%(n)s reminders queued.", count)
        return Response({"count": count, "detail": detail % {"n": count}})

    @extend_schema(responses={200: ConflictSerializer(many=True), 403: None, 404: NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def conflicts(self, request, pk=None):
        meeting = self._managed(pk)
        found = meeting_conflicts(meeting=meeting)
        return Response(ConflictSerializer(found, many=True).data)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR, 404: NOT_FOUND},
        description="The meeting as an iCalendar file (no METHOD).",
    )
    @action(detail=True, methods=["get"], url_path="ics", filter_backends=[])
    def ics(self, request, pk=None):
        meeting = get_object_or_404(self.get_queryset(), pk=pk)
        invitation = meeting.invitations.filter(contact__user=request.user).first()
        calendar = ical.calendar_download(
            meeting=meeting, now=timezone.now(), invitation=invitation
        )
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="invite.ics"'
        return response
