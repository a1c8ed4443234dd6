"""The daily action-item reminder schedule exists from the start (07:00 Europe/Brussels);
``manage.py schedule_action_reminders --hour H`` moves it."""

from django.db import migrations


def create(apps, schema_editor):
    from django.core.management import call_command

    Schedule = apps.get_model("django_q", "Schedule")
    if not Schedule.objects.filter(name="action-item reminders").exists():
        call_command("schedule_action_reminders", "--hour", "7", verbosity=0)


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name="action-item reminders").delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_agendas_minutes_actions")]

    operations = [migrations.RunPython(create, remove)]
