"""The django-q2 schedules of scheduling and invitations (outbox sweeper, reminders, calendar replies,
erasure of participation needs)."""

from django.db import migrations

SCHEDULES = [
    ("meetings: outbox sweeper", "meetings.tasks.outbox_sweep", "I", 1),
    ("meetings: reminders", "meetings.tasks.reminders_enqueue", "I", 15),
    ("meetings: calendar replies", "meetings.tasks.calendar_replies_poll", "I", 5),
    ("meetings: erase participation needs", "meetings.tasks.participation_needs_erase", "H", None),
]


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, schedule_type, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": schedule_type, "minutes": minutes, "repeats": -1},
        )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_outbox"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
