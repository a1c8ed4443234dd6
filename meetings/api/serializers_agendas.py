"""Serializers of agendas, minutes and action items (issue 5): one per endpoint and direction."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coordination.models import Contact, Organisation, Question
from meetings import enums
from meetings.models import ActionItem, ActionItemEvent, AgendaAttachment, AgendaItem, Minutes


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class AgendaItemSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "position",
            "title",
            "title_alt",
            "purpose",
            "kind",
            "description",
            "description_alt",
            "planned_minutes",
            "presenter",
            "questions",
            "attachments",
        ]
        read_only_fields = fields

    def get_questions(self, item) -> list[int]:
        return [question.number for question in item.questions.all()]


class AgendaItemWriteSerializer(serializers.Serializer):
    """Input of creating or changing an agenda item; the service validates and writes."""

    title = serializers.CharField(max_length=300)
    title_alt = serializers.CharField(max_length=300, required=False, allow_blank=True)
    purpose = serializers.ChoiceField(choices=enums.AgendaPurpose.choices, required=False)
    kind = serializers.ChoiceField(choices=enums.AgendaItemKind.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    description_alt = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    planned_minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    presenter = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.filter(is_active=True), required=False, allow_null=True
    )
    questions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=32767),
        required=False,
        max_length=100,
        help_text=_("Survey question numbers taken up by the item."),
    )

    def validate_questions(self, numbers):
        questions = list(Question.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {q.number for q in questions})
        if missing:
            raise serializers.ValidationError(
                _("Unknown question numbers: %s") % ", ".join(map(str, missing))
            )
        return questions


class AgendaItemCreateSerializer(AgendaItemWriteSerializer):
    meeting = serializers.IntegerField(min_value=1)


class AgendaItemUpdateSerializer(AgendaItemWriteSerializer):
    title = serializers.CharField(max_length=300, required=False)


class TimePlanRowSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class AgendaSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    total_minutes = serializers.IntegerField()
    slot_minutes = serializers.IntegerField()
    limit_minutes = serializers.IntegerField(allow_null=True)
    overruns_slot = serializers.BooleanField()
    overruns_limit = serializers.BooleanField()
    time_plan = TimePlanRowSerializer(many=True)
    items = AgendaItemSerializer(many=True)


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, DOCX, XLSX, PPTX or an image (PNG, JPEG, GIF, WebP).")
    )


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=500, allow_empty=False
    )


class TemplateSerializer(serializers.Serializer):
    template = serializers.ChoiceField(choices=enums.AgendaTemplate.choices)


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
    meeting = serializers.IntegerField(min_value=1)
    agenda_item = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    description = serializers.CharField(max_length=5000)
    owner_contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=enums.ActionStatus.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActionCommentSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ActionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionItemEvent
        fields = ["id", "kind", "from_status", "to_status", "text", "meeting", "author", "at"]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


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
