"""Serializers of the minutes endpoints: one per endpoint and direction."""

from rest_framework import serializers

from meetings.models import Minutes


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
        ]


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
