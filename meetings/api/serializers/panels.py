"""Serializers of the volunteer pool and of round draws."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coordination.models import Organisation
from coordination.panels import METHODS, ROUND_CRITERIA, Target, rerun_command
from coordination.validators import MAX_ID


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
        # ``pool_contacts`` read with the user: each contact says if its e-mail is visible.
        contacts = self.context.get("pool_contacts", {})
        contact = contacts.get(organisation.pk)
        if contact is None:  # consent withdrawn between the two queries
            return {"id": 0, "name": "", "email": None}
        email = contact.email if contact.details_visible else None
        return {"id": contact.pk, "name": contact.name, "email": email}


class VolunteerWithoutContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "working_languages", "areas", "support_role"]


# --- The joint draw of a round ---


class TargetSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=list(ROUND_CRITERIA))
    value = serializers.CharField(max_length=40)
    minimum = serializers.IntegerField(min_value=0, max_value=500)
    maximum = serializers.IntegerField(min_value=0, max_value=500)
    session = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )

    def validate(self, attrs):
        if attrs["minimum"] > attrs["maximum"]:
            raise serializers.ValidationError(
                _("The minimum is above the maximum."), code="target_min_above_max"
            )
        return attrs


class RoundDrawInputSerializer(serializers.Serializer):
    """What a feasibility check and a draw take (targets: the defaults when left out)."""

    # The list may be null (the defaults); its items may not (``many=True`` with
    # ``allow_null`` would let null items through).
    targets = serializers.ListSerializer(
        child=TargetSerializer(), required=False, allow_null=True, default=None
    )
    must_invite = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=500,
    )
    exclude_declined_twice = serializers.BooleanField(required=False, default=True)

    def target_objects(self):
        targets = self.validated_data.get("targets")
        if targets is None:
            return None
        return [Target(**t) for t in targets]


class RoundDrawCreateSerializer(RoundDrawInputSerializer):
    seed = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**63 - 1
    )
    seed_commitment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    method = serializers.ChoiceField(choices=list(METHODS), required=False, default="leximin")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    replaces = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class FeasibilityProblemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    shortfall = serializers.IntegerField()
    target = TargetSerializer(allow_null=True)
    session = serializers.IntegerField(allow_null=True)
    organisation_id = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()


class FeasibilitySerializer(serializers.Serializer):
    feasible = serializers.BooleanField()
    problems = FeasibilityProblemSerializer(many=True)
    targets = TargetSerializer(many=True)
    suggested_targets = TargetSerializer(many=True)
    suggested_seats = serializers.DictField(child=serializers.IntegerField())


class RoundDrawSerializer(serializers.Serializer):
    """A recorded round draw with its explanation (panels, alternates, probabilities)."""

    id = serializers.IntegerField()
    consultation_round = serializers.IntegerField(source="consultation_round_id")
    is_current = serializers.BooleanField()
    seed = serializers.IntegerField()
    seed_commitment = serializers.CharField()
    method = serializers.CharField()
    fallback_reason = serializers.CharField()
    pool_size = serializers.IntegerField()
    targets = TargetSerializer(many=True)
    must_invite = serializers.ListField(child=serializers.IntegerField())
    reason = serializers.CharField()
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)
    created_by = serializers.CharField(source="created_by.username", default=None)
    created_at = serializers.DateTimeField()
    rerun = serializers.SerializerMethodField()
    explanation = serializers.JSONField()

    def get_rerun(self, draw) -> str:
        return rerun_command(
            round_ref=draw.consultation_round.slug, seed=draw.seed, method=draw.method
        )


class AlternateSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    name = serializers.CharField()
    contact_id = serializers.IntegerField()


class SessionAlternatesSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()
    answer_deadline = serializers.DateTimeField(allow_null=True)
    alternates = AlternateSerializer(many=True)
    replacements = serializers.JSONField()
