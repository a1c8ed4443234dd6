from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.models import ConsultationRound, Contact, Organisation, WorkingGroup


class ContactSerializer(serializers.ModelSerializer):
    """A contact whose details the requesting user may see (the selector filters them)."""

    class Meta:
        model = Contact
        fields = ["id", "name", "email", "phone", "function", "preferred_language"]


class OrganisationSerializer(serializers.ModelSerializer):
    contact_count = serializers.IntegerField(read_only=True)
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "department",
            "kind",
            "working_languages",
            "areas",
            "domains",
            "target_publics",
            "support_role",
            "contact_count",
            "contacts",
        ]

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, organisation) -> list[dict]:
        return ContactSerializer(organisation.visible_contacts, many=True).data


class MemberSerializer(serializers.Serializer):
    contact_id = serializers.IntegerField()
    name = serializers.CharField(source="contact.name")
    organisation = serializers.CharField(source="contact.organisation.name")
    role = serializers.CharField()
    since = serializers.DateField()


class WorkingGroupSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)
    members = MemberSerializer(source="current_memberships", many=True, read_only=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "name",
            "slug",
            "mandate",
            "levels",
            "languages",
            "is_active",
            "member_count",
            "members",
        ]


class ConsultationRoundSerializer(serializers.ModelSerializer):
    facilitators = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationRound
        fields = [
            "id",
            "title",
            "slug",
            "purpose",
            "themes",
            "questions",
            "status",
            "capacity_per_session",
            "facilitators",
        ]

    def get_facilitators(self, consultation_round) -> list[str]:
        return [u.get_full_name() or u.username for u in consultation_round.facilitators.all()]

    def get_questions(self, consultation_round) -> list[int]:
        return sorted(q.number for q in consultation_round.questions.all())
