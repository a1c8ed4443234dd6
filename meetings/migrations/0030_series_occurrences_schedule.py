"""The daily creation of the dates of series ahead
(``meetings.tasks.series_occurrences_create_ahead``)."""

from django.db import migrations

NAME = "meetings: dates of series created ahead"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={
            "func": "meetings.tasks.series_occurrences_create_ahead",
            "schedule_type": "D",
            "repeats": -1,
        },
    )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("meetings", "0029_series_occurrences"),
    ]

    operations = [migrations.RunPython(create, remove)]
