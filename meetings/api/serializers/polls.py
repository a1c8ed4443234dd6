"""Serializers of time polls: the proposal a facilitator sends, and the grid they read."""

from rest_framework import serializers

from meetings.api.serializers.scheduling import LocalDateTimeField


class SlotProposalSerializer(serializers.Serializer):
    starts_at = LocalDateTimeField()
    ends_at = LocalDateTimeField()


class TimePollCreateSerializer(serializers.Serializer):
    """Slots and the deadline; times without an offset are the meeting's local times."""

    slots = SlotProposalSerializer(many=True, max_length=12)
    deadline = LocalDateTimeField()
    confirm_long = serializers.BooleanField(default=False)


class TimePollChooseSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class TimePollRemindSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class SlotTotalsSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="slot.pk")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    yes = serializers.IntegerField()
    if_need_be = serializers.IntegerField()
    no = serializers.IntegerField()
    by_language = serializers.DictField(child=serializers.IntegerField())
    by_kind = serializers.DictField(child=serializers.IntegerField())


class PollRowSerializer(serializers.Serializer):
    invitation = serializers.IntegerField(source="invitation.pk")
    contact = serializers.CharField(source="invitation.contact.name")
    organisation = serializers.CharField(source="invitation.contact.organisation.name")
    answers = serializers.ListField(child=serializers.CharField(allow_blank=True), source="choices")


class TimePollSerializer(serializers.Serializer):
    """The facilitators' grid: totals per slot, each invitee's answers (in slot order; "" when
    not answered) and who has not answered."""

    id = serializers.IntegerField(source="poll.pk")
    meeting = serializers.IntegerField(source="poll.meeting_id")
    deadline = serializers.DateTimeField(source="poll.deadline")
    is_open = serializers.BooleanField(source="poll.is_open")
    chosen_slot = serializers.IntegerField(source="poll.chosen_slot_id", allow_null=True)
    slots = SlotTotalsSerializer(many=True, source="totals")
    rows = PollRowSerializer(many=True)
    not_answered = serializers.SerializerMethodField()

    def get_not_answered(self, grid) -> list[int]:
        return [invitation.pk for invitation in grid.not_answered]
