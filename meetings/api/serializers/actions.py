"""Serializers of the action-item endpoints: one per endpoint and direction."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coordination.models import Contact, Organisation
from meetings import enums
from meetings.api.serializers.scheduling import VisibleMeetingField
from meetings.models import ActionItem, ActionItemEvent, AgendaItem


class ActionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItem
        fields = [
            "id",
            "description",
            "owner_contact",
            "owner_organisation",
            "due_date",
            "status",
            "origin_meeting",
            "origin_agenda_item",
            "closed_at",
            "created_at",
        ]


class ActionItemCreateSerializer(serializers.Serializer):
    meeting = VisibleMeetingField()
    agenda_item = serializers.PrimaryKeyRelatedField(
        queryset=AgendaItem.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown agenda item.")},
    )
    description = serializers.CharField(max_length=5000)
    owner_contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)


class ActionItemSetStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=enums.ActionStatus.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActionItemCommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ActionItemEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItemEvent
        fields = ["id", "kind", "from_status", "to_status", "text", "meeting", "author", "at"]
