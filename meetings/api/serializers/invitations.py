"""Serializers of invitations and RSVP answers."""

from rest_framework import serializers

from coordination.enums import WorkingLanguage
from meetings import enums
from meetings.models import Invitation, Meeting


class InvitationMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "starts_at",
            "ends_at",
            "timezone",
            "format",
            "location",
            "online_url",
            "status",
        ]


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its RSVP link shows it: the comment and the needs (possibly health
    data) are never shown back to whoever holds the link, only whether some are recorded."""

    meeting = InvitationMeetingSerializer(read_only=True)
    needs_recorded = serializers.SerializerMethodField()

    def get_needs_recorded(self, invitation) -> bool:
        return bool(
            invitation.comment or invitation.accessibility_needs or invitation.needs_interpretation
        )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "status",
            "waitlist_position",
            "sent_at",
            "answered_at",
            "participation_language",
            "needs_recorded",
        ]


class InvitationAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=[
            enums.InvitationStatus.ACCEPTED,
            enums.InvitationStatus.TENTATIVE,
            enums.InvitationStatus.DECLINED,
        ]
    )
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")
    participation_language = serializers.ChoiceField(
        choices=[("", "—"), *WorkingLanguage.choices], default="", allow_blank=True
    )
    needs_interpretation = serializers.BooleanField(default=False)
    accessibility_needs = serializers.CharField(max_length=2000, allow_blank=True, default="")
    needs_consent = serializers.BooleanField(
        default=False,
        help_text="Explicit consent to the use of the needs (required with new needs).",
    )


class InvitationAnswerResultSerializer(serializers.Serializer):
    invitation = InvitationSerializer()
    waitlisted = serializers.BooleanField()
