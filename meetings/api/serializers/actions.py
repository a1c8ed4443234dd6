"""Serializers of the action-item endpoints: one per endpoint and direction."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.models import Contact, Organisation
from meetings import enums
from meetings.api.serializers.scheduling import VisibleMeetingField
from meetings.models import ActionItem, ActionItemEvent, AgendaItem
from meetings.selectors.actions import action_owner_choices
from meetings.selectors.scheduling import meetings_visible_to


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


@extend_schema_field(OpenApiTypes.INT)
class VisibleAgendaItemField(serializers.PrimaryKeyRelatedField):
    """The id of an item on the agenda of a meeting the requesting user may see; any other
    id is unknown (400), whether it exists or not."""

    default_error_messages = {"does_not_exist": _("Unknown agenda item.")}

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return AgendaItem.objects.none()
        return AgendaItem.objects.filter(meeting__in=meetings_visible_to(user=request.user))


class ActionItemCreateSerializer(serializers.Serializer):
    meeting = VisibleMeetingField()
    agenda_item = VisibleAgendaItemField(required=False, allow_null=True)
    description = serializers.CharField(max_length=5000)
    owner_contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs):
        """The owner is one of the meeting's people, as the pages offer them
        (``action_owner_choices``): an id from elsewhere in the directory is refused."""
        people, organisations = action_owner_choices(meeting=attrs["meeting"])
        errors = {}
        contact = attrs.get("owner_contact")
        if contact is not None and not people.filter(pk=contact.pk).exists():
            errors["owner_contact"] = _(
                "The owner is one of this meeting's people: an invitee, a member of its "
                "group, someone who attended or a facilitator of its round."
            )
        organisation = attrs.get("owner_organisation")
        if organisation is not None and not organisations.filter(pk=organisation.pk).exists():
            errors["owner_organisation"] = _(
                "The owning organisation is the organisation of one of this meeting's people."
            )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ActionItemSetStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=enums.ActionStatus.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActionItemCommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ActionItemEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItemEvent
        fields = ["id", "kind", "from_status", "to_status", "text", "meeting", "author", "at"]
