"""Serializers of session feedback: a round's anonymous results."""

from rest_framework import serializers


class FeedbackQuestionResultSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    yes = serializers.IntegerField()
    partly = serializers.IntegerField()
    no = serializers.IntegerField()


class RoundFeedbackSerializer(serializers.Serializer):
    """Response rate, totals per question and the open answers; never who gave them."""

    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percentage of those asked.")
    questions = FeedbackQuestionResultSerializer(many=True)
    comments = serializers.ListField(child=serializers.CharField())
