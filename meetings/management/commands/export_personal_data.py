"""Write a contact's access export (the same ZIP as "My data" and the team's download) to a
file, for a request answered from the shell; recorded in the audit trail (door "command")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coordination.enums import AccessAction, Door
from coordination.models import Contact
from coordination.services import access_record
from meetings.selectors.my_data import personal_data_archive


class Command(BaseCommand):
    help = "Write the personal data held about a contact (GDPR art. 15) to a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)
        parser.add_argument("output", help="path of the ZIP file to write")

    def handle(self, *args, contact_id, output, **options):
        contact = Contact.objects.filter(pk=contact_id, erased_at__isnull=True).first()
        if contact is None:
            raise CommandError(f"No contact #{contact_id} (or erased).")
        target = Path(output)
        if target.exists():
            raise CommandError(f"{target} exists; choose another path.")
        target.write_bytes(personal_data_archive(contact=contact))
        access_record(
            actor=None,
            action=AccessAction.PERSONAL_DATA_DOWNLOADED,
            door=Door.COMMAND,
            contacts=[contact],
            detail="archive",
        )
        self.stdout.write(f"Personal data of contact #{contact.pk} written to {target}.")
