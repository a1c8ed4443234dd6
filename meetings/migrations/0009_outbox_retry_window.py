"""The outbox's retry window: ``queued_at`` (when a message was written or last resent)."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def queued_when_created(apps, schema_editor):
    OutboundMessage = apps.get_model("meetings", "OutboundMessage")
    OutboundMessage.objects.update(queued_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0008_invitation_holds_seat"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="queued_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                help_text="Start of the retry window: when the message was written or last resent.",
                verbose_name="queued at",
            ),
        ),
        migrations.RunPython(queued_when_created, migrations.RunPython.noop),
    ]
