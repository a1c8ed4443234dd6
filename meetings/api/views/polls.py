"""API of time polls (facilitators and the team): open one, read the grid, remind an
invitee, choose the slot."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coordination.enums import AccessAction, Door
from coordination.services import access_record
from coordination.validators import id_or_none
from meetings import recurrence
from meetings.api.serializers.polls import (
    TimePollChooseSerializer,
    TimePollCreateSerializer,
    TimePollRemindSerializer,
    TimePollSerializer,
)
from meetings.api.serializers.scheduling import MeetingSerializer
from meetings.models import Meeting, TimePoll
from meetings.rules import permission_require
from meetings.selectors.polls import time_poll_grid
from meetings.selectors.scheduling import meetings_visible_to
from meetings.services import polls as poll_services


def _managed_meeting(request, pk: str) -> Meeting:
    """The meeting of the URL if the user manages it: 404 when unseen (any id, as the
    router's routes do), 403 when only seen."""
    meeting_id = id_or_none(pk)
    if meeting_id is None:
        raise Http404
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=meeting_id)
    return permission_require(request.user, "meetings.manage_meeting", meeting)


def _local(value, tzid):
    return recurrence.aware_from_local(value, tzid) if value.tzinfo is None else value


class TimePollView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TimePollSerializer)
    def get(self, request, pk: str):
        """The meeting's time poll as its facilitators see it."""
        meeting = _managed_meeting(request, pk)
        poll = get_object_or_404(TimePoll, meeting=meeting)
        grid = time_poll_grid(poll=poll)
        if grid.rows:
            access_record(
                actor=request.user,
                action=AccessAction.LIST_EXPORTED,
                door=Door.API,
                contacts=sorted({row.invitation.contact_id for row in grid.rows}),
                detail=f"time poll of meeting {meeting.pk} (api)",
                count=len(grid.rows),
            )
        return Response(TimePollSerializer(grid).data)

    @extend_schema(request=TimePollCreateSerializer, responses={201: TimePollSerializer})
    def post(self, request, pk: str):
        """Open a time poll; every invitee is written their personal link."""
        meeting = _managed_meeting(request, pk)
        serializer = TimePollCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        poll = poll_services.time_poll_create(
            meeting=meeting,
            slots=[
                (_local(s["starts_at"], meeting.timezone), _local(s["ends_at"], meeting.timezone))
                for s in data["slots"]
            ],
            deadline=_local(data["deadline"], meeting.timezone),
            confirm_long=data["confirm_long"],
            by=request.user,
        )
        grid = time_poll_grid(poll=poll)
        return Response(TimePollSerializer(grid).data, status=status.HTTP_201_CREATED)


class TimePollChooseView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TimePollChooseSerializer, responses=MeetingSerializer)
    def post(self, request, pk: str):
        """Schedule the meeting at one of the poll's slots and send its invitations."""
        meeting = _managed_meeting(request, pk)
        poll = get_object_or_404(TimePoll, meeting=meeting)
        serializer = TimePollChooseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = get_object_or_404(poll.slots, pk=serializer.validated_data["slot"])
        meeting = poll_services.time_poll_choose(poll=poll, slot=slot, by=request.user)
        return Response(MeetingSerializer(meeting).data)


class TimePollRemindView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TimePollRemindSerializer, responses=TimePollRemindSerializer)
    def post(self, request, pk: str):
        """Remind one invitee who has not answered (at most once a day: 409 otherwise)."""
        meeting = _managed_meeting(request, pk)
        poll = get_object_or_404(TimePoll, meeting=meeting)
        serializer = TimePollRemindSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = get_object_or_404(
            meeting.invitations, pk=serializer.validated_data["invitation"]
        )
        sent = poll_services.time_poll_remind(poll=poll, invitation=invitation, by=request.user)
        return Response(
            {"invitation": invitation.pk},
            status=status.HTTP_202_ACCEPTED if sent else status.HTTP_409_CONFLICT,
        )
