"""``manage.py apply_calendar_reply FILE.eml``: apply the iTIP replies in a saved e-mail.

Prints what happened to each attendee; exits with an error (status 1) when a file changed
nothing, saying why (stale, older than the answer in force, refused sender, …)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.services.calendars import APPLIED_OUTCOMES, calendar_reply_apply, is_calendar_reply


class Command(BaseCommand):
    help = "Apply the calendar answers (iTIP METHOD:REPLY or COUNTER) contained in a saved e-mail."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.eml")

    def handle(self, *args, **options):
        unapplied = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            raw = path.read_bytes()
            if not is_calendar_reply(raw):
                raise CommandError(f"{name}: this e-mail contains no calendar reply.")
            outcomes = calendar_reply_apply(raw=raw)
            for outcome in outcomes:
                self.stdout.write(
                    f"{outcome.uid} {outcome.attendee}: {outcome.outcome}"
                    + (f" ({outcome.detail})" if outcome.detail else "")
                )
            if not any(outcome.outcome in APPLIED_OUTCOMES for outcome in outcomes):
                reasons = "; ".join(
                    dict.fromkeys(f"{o.outcome}: {o.detail or 'no detail'}" for o in outcomes)
                )
                unapplied.append(f"{name} ({reasons or 'no answer in it'})")
        if unapplied:
            raise CommandError("Nothing was applied from " + ", ".join(unapplied) + ".")
