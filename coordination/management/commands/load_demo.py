import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coordination.demo import DEMO_FIXTURE, DEMO_TODAY, demo_load
from coordination.models import Organisation

DEMO_LOGINS = [
    ("team", "team-demo-2026", "team (staff: everything, including /admin/)"),
    ("facilitator", "facilitator-demo-2026", "facilitator of the consultation round (French)"),
    ("facilitator.nl", "facilitator-demo-2026", "facilitator of the consultation round (Dutch)"),
    ("participant", "participant-demo-2026", "participant (a volunteer's contact, Dutch)"),
]


def day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today: {value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Load the demo data (fixtures/demo.json) into an empty database, its dates moved to the "
        "current week, and print log-ins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even if the database already has data."
        )
        parser.add_argument(
            "--today",
            type=day,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day the demo is brought to (by default today).",
        )

    def handle(self, *args, force: bool = False, today: dt.date | None = None, **options):
        if not DEMO_FIXTURE.exists():
            raise CommandError(f"Demo fixture not found: {DEMO_FIXTURE}")
        if Organisation.objects.exists() and not force:
            self.stdout.write("The database already holds data; demo data not loaded again.")
        else:
            weeks = demo_load(today=today or timezone.localdate())
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            if weeks:
                now = DEMO_TODAY + dt.timedelta(weeks=weeks)
                self.stdout.write(
                    f"Its dates were moved {weeks} week{'s' if weeks > 1 else ''} forward: the "
                    f"demo's day, {DEMO_TODAY:%-d %B %Y}, is now {now:%-d %B %Y}."
                )
        self.stdout.write(f"\nDemo log-ins ({settings.SITE_URL}/accounts/login/):")
        for username, password, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {password:<24} {role}")
        self.stdout.write("")
