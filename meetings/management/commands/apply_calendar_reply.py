"""``manage.py apply_calendar_reply FILE.eml``: apply the iTIP replies in a saved e-mail."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.services.calendars import calendar_reply_apply, is_calendar_reply


class Command(BaseCommand):
    help = "Apply the calendar answers (iTIP METHOD:REPLY) contained in a saved e-mail."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.eml")

    def handle(self, *args, **options):
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            raw = path.read_bytes()
            if not is_calendar_reply(raw):
                raise CommandError(f"{name}: this e-mail contains no calendar reply.")
            for outcome in calendar_reply_apply(raw=raw):
                self.stdout.write(
                    f"{outcome.uid} {outcome.attendee}: {outcome.outcome}"
                    + (f" ({outcome.detail})" if outcome.detail else "")
                )
