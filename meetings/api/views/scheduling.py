"""API of meetings: list, read, create, change and cancel; send invitations and
reminders; conflicts and the .ics file."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, PermissionDenied
from rest_framework.response import Response

from coordination.api.filters import DateTimeFromToRangeFilter, IdFilter
from meetings import enums, recurrence
from meetings.api.serializers.scheduling import (
    ConflictSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    MessagesQueuedSerializer,
    SendInvitationsSerializer,
)
from meetings.formats import ical
from meetings.rules import permission_require
from meetings.selectors.scheduling import meeting_conflicts, meetings_visible_to
from meetings.services import invitations as invitation_services
from meetings.services import scheduling

NO_AGENDA_MESSAGE = gettext_lazy(
    "This meeting has no published agenda yet. Publish it first, or send with "
    "“without_agenda” set to true."
)


class MeetingFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=enums.MeetingStatus.choices)
    starts_at = DateTimeFromToRangeFilter()
    working_group = IdFilter(field_name="working_group_id")
    consultation_round = IdFilter(field_name="consultation_round_id")


@extend_schema_view(
    create=extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer}),
    partial_update=extend_schema(request=MeetingUpdateSerializer, responses=MeetingSerializer),
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
    ordering_fields = ["starts_at", "title"]
    ordering = ["starts_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]  # PATCH, never PUT

    def get_queryset(self):
        meetings = meetings_visible_to(user=self.request.user)
        if self.action == "list":
            # The list names a meeting's group and round by id: no join, and only the
            # columns its rows show.
            return meetings.select_related(None).only(*MeetingSerializer.Meta.columns)
        return meetings

    def _managed(self):
        """The meeting of the URL if the user manages it: 403 when they only see it."""
        return permission_require(self.request.user, "meetings.manage_meeting", self.get_object())

    @staticmethod
    def _aware(value, tzid):
        return (
            recurrence.aware_from_local(value.replace(tzinfo=None), tzid)
            if value.tzinfo is None
            else value
        )

    def create(self, request, *args, **kwargs):
        serializer = MeetingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        group, round_ = data.get("working_group"), data.get("consultation_round")
        if (group and not request.user.has_perm("coordination.manage_group", group)) or (
            round_ and not request.user.has_perm("coordination.manage_round", round_)
        ):
            raise PermissionDenied(_("You may not schedule meetings here."))
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
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        meeting = self._managed()
        serializer = MeetingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        confirm_long = changes.pop("confirm_long", False)
        tzid = changes.get("timezone", meeting.timezone)
        for name in ("starts_at", "ends_at"):
            if name in changes:
                changes[name] = self._aware(changes[name], tzid)
        meeting = scheduling.meeting_update(
            meeting=meeting, by=request.user, confirm_long=confirm_long, **changes
        )
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = scheduling.meeting_cancel(meeting=self._managed(), by=request.user)
        return Response(MeetingSerializer(meeting).data)

    @extend_schema(request=SendInvitationsSerializer, responses=MessagesQueuedSerializer)
    @action(detail=True, methods=["post"], url_path="send-invitations")
    def send_invitations(self, request, pk=None):
        """Send the drafted invitations. Without a published agenda this is refused (400,
        code ``no_agenda``) unless ``without_agenda`` is true."""
        meeting = self._managed()
        payload = SendInvitationsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if meeting.agenda_published_at is None and not payload.validated_data["without_agenda"]:
            raise serializers.ValidationError(
                {"without_agenda": [ErrorDetail(NO_AGENDA_MESSAGE, code="no_agenda")]}
            )
        count = invitation_services.invitations_send(meeting=meeting, by=request.user)
        detail = ngettext("%(n)s invitation queued.", "%(n)s invitations queued.", count)
        return Response({"count": count, "detail": detail % {"n": count}})

    @extend_schema(request=None, responses=MessagesQueuedSerializer)
    @action(detail=True, methods=["post"], url_path="send-reminder")
    def send_reminder(self, request, pk=None):
        """One reminder to the invitees who have not answered."""
        count = invitation_services.invitations_nudge(meeting=self._managed(), by=request.user)
        detail = ngettext("%(n)s reminder queued.", "%(n)s reminders queued.", count)
        return Response({"count": count, "detail": detail % {"n": count}})

    @extend_schema(responses=ConflictSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def conflicts(self, request, pk=None):
        found = meeting_conflicts(meeting=self._managed())
        return Response(ConflictSerializer(found, many=True).data)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR},
        description="The meeting as an iCalendar file (no METHOD).",
    )
    @action(detail=True, methods=["get"], url_path="ics", filter_backends=[])
    def ics(self, request, pk=None):
        meeting = self.get_object()
        invitation = meeting.invitations.filter(contact__user=request.user).first()
        calendar = ical.calendar_download(
            meeting=meeting, now=timezone.now(), invitation=invitation
        )
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="invite.ics"'
        return response
