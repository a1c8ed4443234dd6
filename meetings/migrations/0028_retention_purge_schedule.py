"""The daily retention purge (``meetings.tasks.retention_purge``)."""

from django.db import migrations

NAME = "meetings: retention purge"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": "meetings.tasks.retention_purge", "schedule_type": "D", "repeats": -1},
    )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0027_invitation_needs_consent")]

    operations = [migrations.RunPython(create, remove)]
