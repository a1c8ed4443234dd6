"""Create (or update) the daily django-q2 schedule that sends action-item reminders."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_q.models import Schedule

FUNC = "meetings.tasks.action_reminders_daily"
NAME = "action-item reminders"


class Command(BaseCommand):
    help = "Schedule the daily action-item reminders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--hour", type=int, default=7, help="Local hour to run (0-23).")

    def handle(self, *args, hour: int, **options):

        if not 0 <= hour <= 23:
            raise CommandError("--hour must be between 0 and 23.")
        now = timezone.localtime()
        next_run = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        if next_run <= now:
            next_run += dt.timedelta(days=1)
        schedule, created = Schedule.objects.update_or_create(
            name=NAME,
            defaults={"func": FUNC, "schedule_type": Schedule.DAILY, "next_run": next_run},
        )
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} schedule “{schedule.name}”, next run {next_run:%Y-%m-%d %H:%M}.")
