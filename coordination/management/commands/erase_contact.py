"""Erase a contact's personal data everywhere (the same service as the admin's action)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coordination import enums
from coordination.models import Contact
from coordination.services import contact_erase


class Command(BaseCommand):
    help = "Erase the personal data of a contact (GDPR art. 17): name, e-mail, phone, log-in, "
    help += "invitations, e-mails, mentions in minutes and reports, stored exports."

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)

    def handle(self, *args, contact_id, **options):
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is None:
            raise CommandError(f"No contact #{contact_id}.")
        try:
            erased = contact_erase(contact=contact, door=enums.Door.COMMAND)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        record = erased.erasure
        self.stdout.write(f"Contact #{erased.pk} erased: now “{record.pseudonym}”.")
        for key, count in record.summary.items():
            self.stdout.write(f"  {key}: {count}")
