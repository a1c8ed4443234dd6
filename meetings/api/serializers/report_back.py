"""Serializers of the report back: the text sent, and what each contact received."""

from rest_framework import serializers

from meetings.services.report_back import TEXT_MAX


class ReportBackSendSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)


class ReportBackDeliverySerializer(serializers.Serializer):
    contact = serializers.IntegerField(source="delivery.contact_id")
    organisation = serializers.CharField(source="delivery.contact.organisation.name")
    language = serializers.CharField(source="delivery.language")
    version = serializers.IntegerField(source="delivery.version.number")
    names_organisation = serializers.BooleanField(source="delivery.names_organisation")
    status = serializers.CharField(source="message.status", allow_null=True, default=None)
    sent_at = serializers.DateTimeField(source="message.sent_at", allow_null=True, default=None)


class ReportBackSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    deliveries = ReportBackDeliverySerializer(many=True)


class QueuedSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    detail = serializers.CharField()
