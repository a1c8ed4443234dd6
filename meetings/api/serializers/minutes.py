"""Serializers of the minutes endpoints: one per endpoint and direction."""

from rest_framework import serializers

from meetings import enums
from meetings.models import Minutes

MAX_PK = 2**63 - 1


class MinutesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Minutes
        fields = [
            "id",
            "meeting",
            "version",
            "status",
            "circulated_at",
            "comments_due",
            "approved_at",
            "approved_by",
            "approved_at_meeting",
            "correction_reason",
            "created_at",
            "revision",
        ]


class MinutesNoteInputSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField(min_value=1, max_value=MAX_PK)
    text = serializers.CharField(allow_blank=True, max_length=50000, trim_whitespace=False)
    base = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=50000,
        trim_whitespace=False,
        help_text="The text as loaded: with it, a note changed meanwhile by someone else only "
        "clashes if this save changes it too.",
    )


class MinutesAttendanceInputSerializer(serializers.Serializer):
    contact = serializers.IntegerField(min_value=1, max_value=MAX_PK)
    status = serializers.ChoiceField(choices=enums.AttendanceStatus.choices)
    base = serializers.CharField(allow_blank=True, required=False, max_length=20)


class MinutesDecisionInputSerializer(serializers.Serializer):
    agenda_item = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, allow_null=True
    )
    text = serializers.CharField(max_length=5000)


class MinutesSaveSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The revision the client loaded. Saved meanwhile: values changed on one side "
        "are merged; values changed on both sides answer 409 with the current revision.",
    )
    notes = MinutesNoteInputSerializer(many=True, required=False, max_length=500)
    attendance = MinutesAttendanceInputSerializer(many=True, required=False, max_length=2000)
    decisions = MinutesDecisionInputSerializer(many=True, required=False, max_length=500)
    removed_decisions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_PK),
        required=False,
        max_length=500,
    )


class MinutesCirculateSerializer(serializers.Serializer):
    comments_due = serializers.DateTimeField(
        help_text="Until when attendees may comment (in the future)."
    )


class MinutesCorrectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the approved minutes change.")


class MinutesCommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    agenda_item = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1
    )


class MinutesCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
