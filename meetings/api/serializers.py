from rest_framework import serializers

from meetings.models import Meeting


class MeetingSerializer(serializers.ModelSerializer):
    working_group = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    consultation_round = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

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
