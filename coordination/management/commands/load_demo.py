from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from coordination.models import Organisation

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"

DEMO_LOGINS = [
    ("team", "team-demo-2026", "team (staff: everything, including /admin/)"),
    ("facilitator", "facilitator-demo-2026", "facilitator of the consultation round (French)"),
    ("facilitator.nl", "facilitator-demo-2026", "facilitator of the consultation round (Dutch)"),
    ("participant", "participant-demo-2026", "participant (a volunteer's contact, Dutch)"),
]


class Command(BaseCommand):
    help = "Load the demo data (fixtures/demo.json) into an empty database and print log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even if the database already has data."
        )

    def handle(self, *args, force: bool = False, **options):
        if not DEMO_FIXTURE.exists():
            raise CommandError(f"Demo fixture not found: {DEMO_FIXTURE}")
        if Organisation.objects.exists() and not force:
            self.stdout.write("The database already holds data; demo data not loaded again.")
        else:
            call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"\nDemo log-ins ({settings.SITE_URL}/accounts/login/):")
        for username, password, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {password:<24} {role}")
        self.stdout.write("")
