"""Serializers of the agenda endpoints: one per endpoint and direction."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from coordination.models import Contact, Question
from coordination.validators import MAX_ID
from meetings import enums
from meetings.api.serializers.scheduling import VisibleMeetingField
from meetings.models import AgendaAttachment, AgendaItem


class AgendaAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class AgendaItemSerializer(serializers.ModelSerializer):
    questions = serializers.SerializerMethodField()
    attachments = AgendaAttachmentSerializer(many=True, read_only=True)

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
            "revision",
        ]
        read_only_fields = fields

    def get_questions(self, item) -> list[int]:
        return [question.number for question in item.questions.all()]


class AgendaItemWriteSerializer(serializers.Serializer):
    """The fields of creating and of changing an agenda item; the service validates and
    writes."""

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
    meeting = VisibleMeetingField()


class AgendaItemUpdateSerializer(AgendaItemWriteSerializer):
    title = serializers.CharField(max_length=300, required=False)
    revision = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text=_(
            "The revision the client loaded. When the item was saved meanwhile, fields sent "
            "that now hold another value answer 409 with the current revision."
        ),
    )


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


class AgendaItemAddAttachmentSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=_("PDF, DOCX, XLSX, PPTX or an image (PNG, JPEG, GIF, WebP).")
    )


class AgendaItemMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class AgendaReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=500,
        allow_empty=False,
    )


class AgendaApplyTemplateSerializer(serializers.Serializer):
    template = serializers.ChoiceField(choices=enums.AgendaTemplate.choices)
