"""Serializers of meetings: read, create, change, and their conflicts."""

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.enums import WorkingLanguage
from coordination.models import ConsultationRound, WorkingGroup
from meetings import enums
from meetings.models import Meeting
from meetings.selectors.scheduling import meetings_visible_to

# DRF's own date-time output, shared by the serializers that write their rows directly.
DATETIME = serializers.DateTimeField(read_only=True)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "working_group",
            "consultation_round",
            "starts_at",
            "ends_at",
            "timezone",
            "format",
            "location",
            "online_url",
            "status",
            "language",
            "capacity",
            "ical_uid",
            "sequence",
            "recurrence_rule",
        ]
        # What ``to_representation`` reads: a list asks the database for these alone (the
        # group and round by their ids).
        columns = [
            f"{name}_id" if name in ("working_group", "consultation_round") else name
            for name in fields
        ]

    def to_representation(self, meeting):
        """The fields of ``Meta.fields`` read straight from the meeting: the same values as
        the generic field-by-field walk, at a fraction of its cost on a list (without
        building the serializer's fields). Date-times are written as DRF writes them (the
        current time zone, ISO 8601)."""
        return {
            "id": meeting.pk,
            "title": meeting.title,
            "working_group": meeting.working_group_id,
            "consultation_round": meeting.consultation_round_id,
            "starts_at": DATETIME.to_representation(meeting.starts_at),
            "ends_at": DATETIME.to_representation(meeting.ends_at),
            "timezone": meeting.timezone,
            "format": meeting.format,
            "location": meeting.location,
            "online_url": meeting.online_url,
            "status": meeting.status,
            "language": meeting.language,
            "capacity": meeting.capacity,
            "ical_uid": meeting.ical_uid,
            "sequence": meeting.sequence,
            "recurrence_rule": meeting.recurrence_rule,
        }


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 40,
        "example": "2027-06-01T09:30",
        "description": "ISO 8601; without an offset: local time of the meeting's time zone.",
    }
)
class LocalDateTimeField(serializers.Field):
    """An ISO 8601 date-time. With an offset it is taken as given; without one it is a local
    wall-clock time of the meeting's time zone (a time skipped by a DST change is refused)."""

    def to_internal_value(self, data):
        value = None
        if isinstance(data, str) and len(data) <= 40:
            try:
                value = parse_datetime(data.strip())
            except ValueError:
                value = None
        if value is None:
            raise serializers.ValidationError(
                _("Enter a date and time as YYYY-MM-DDTHH:MM (optionally with an offset).")
            )
        return value

    def to_representation(self, value):
        return value.isoformat()


class MeetingCreateSerializer(serializers.Serializer):
    """A meeting of a working group or of a round: give the id of exactly one."""

    working_group = serializers.PrimaryKeyRelatedField(
        queryset=WorkingGroup.objects.all(), required=False, allow_null=True
    )
    consultation_round = serializers.PrimaryKeyRelatedField(
        queryset=ConsultationRound.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()
    timezone = serializers.CharField(max_length=64, default=settings.TIME_ZONE)
    format = serializers.ChoiceField(
        choices=enums.MeetingFormat.choices, default=enums.MeetingFormat.IN_PERSON
    )
    location = serializers.CharField(max_length=500, allow_blank=True, default="")
    online_url = serializers.CharField(max_length=500, allow_blank=True, default="")
    language = serializers.ChoiceField(choices=WorkingLanguage.choices, default="en")
    capacity = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True
    )
    recurrence_rule = serializers.CharField(max_length=500, allow_blank=True, default="")
    reminder_offsets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=60 * 24 * 60),
        max_length=10,
        required=False,
    )
    confirm_long = serializers.BooleanField(
        default=False,
        help_text=_("Confirm that a consultation session may last longer than half a day."),
    )


class MeetingUpdateSerializer(MeetingCreateSerializer):
    """All fields optional (PATCH); the group or round cannot change."""

    working_group = None
    consultation_round = None
    title = serializers.CharField(max_length=200, required=False)
    starts_at = LocalDateTimeField(required=False)
    ends_at = LocalDateTimeField(required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    format = serializers.ChoiceField(choices=enums.MeetingFormat.choices, required=False)
    location = serializers.CharField(max_length=500, allow_blank=True, required=False)
    online_url = serializers.CharField(max_length=500, allow_blank=True, required=False)
    language = serializers.ChoiceField(choices=WorkingLanguage.choices, required=False)
    recurrence_rule = serializers.CharField(max_length=500, allow_blank=True, required=False)


@extend_schema_field(OpenApiTypes.INT)
class VisibleMeetingField(serializers.PrimaryKeyRelatedField):
    """The id of a meeting the requesting user may see; any other id is unknown (400)."""

    default_error_messages = {"does_not_exist": _("Unknown meeting.")}

    def get_queryset(self):
        request = self.context.get("request")
        return meetings_visible_to(user=request.user) if request else Meeting.objects.none()


class MessagesQueuedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["holiday", "double_booked"])
    when = serializers.DateTimeField()
    message = serializers.CharField()


class SendInvitationsSerializer(serializers.Serializer):
    without_agenda = serializers.BooleanField(
        default=False, help_text="Send even though no agenda is published."
    )
