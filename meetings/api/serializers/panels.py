"""Serializers of the volunteer pool."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.models import Organisation


class PoolContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField(allow_null=True, help_text="Only when the user may see it.")


class VolunteerSerializer(serializers.ModelSerializer):
    contact = serializers.SerializerMethodField()
    rounds_invited = serializers.IntegerField(read_only=True)
    meetings_invited = serializers.IntegerField(read_only=True)
    meetings_attended = serializers.IntegerField(read_only=True)
    load = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "working_languages",
            "areas",
            "domains",
            "target_publics",
            "support_role",
            "contact",
            "rounds_invited",
            "meetings_invited",
            "meetings_attended",
            "load",
        ]

    @extend_schema_field(PoolContactSerializer)
    def get_contact(self, organisation) -> dict:
        contacts = self.context.get("pool_contacts", {})
        visible = self.context.get("visible_contact_ids")
        contact = contacts.get(organisation.pk)
        if contact is None:  # consent withdrawn between the two queries
            return {"id": 0, "name": "", "email": None}
        show = visible is None or contact.pk in visible
        return {"id": contact.pk, "name": contact.name, "email": contact.email if show else None}


class VolunteerWithoutContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "working_languages", "areas", "support_role"]
