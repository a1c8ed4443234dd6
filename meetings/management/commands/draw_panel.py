"""Draw (or re-run) the joint panel draw of a consultation round from the command line.

``--dry-run`` computes and prints the panels, probabilities and explanation without writing
anything: with the seed of a recorded draw it prints exactly what the page shows."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coordination.models import ConsultationRound
from coordination.panels import METHODS, PanelInputError, Target, explanation_text, problem_text
from coordination.validators import id_or_none
from meetings.selectors.panels import round_draw_current, round_draw_preview
from meetings.services.panels import round_draw_record


class Command(BaseCommand):
    help = "Draw the panels of every session of a consultation round (LEXIMIN, seeded)."

    def add_arguments(self, parser):
        parser.add_argument("round", help="the round's id or slug")
        parser.add_argument("--seed", type=int, help="the seed (a whole number)")
        parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
        parser.add_argument("--targets", type=Path, help="a JSON file with the targets")
        parser.add_argument("--method", choices=METHODS, default="leximin")
        parser.add_argument("--reason", default="", help="why a recorded draw is redone")
        parser.add_argument("--commitment", default="", help="the seed's public commitment")

    def handle(self, *args, **options):
        ref = options["round"]
        round_id = id_or_none(ref)
        lookup = {"pk": round_id} if round_id is not None else {"slug": ref}
        try:
            consultation_round = ConsultationRound.objects.get(**lookup)
        except ConsultationRound.DoesNotExist as exc:
            raise CommandError(f"No consultation round {ref!r}.") from exc
        current = round_draw_current(consultation_round)
        targets = None
        must_invite: list[int] = []
        exclusions = {"declined_twice": True, "max_load": None}
        if options["targets"]:
            try:
                raw = json.loads(options["targets"].read_text(encoding="utf-8"))
                targets = [Target.from_json(t) for t in raw]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"Cannot read the targets: {exc}") from exc
        elif current is not None:
            targets = [Target.from_json(t) for t in current.targets]
            must_invite = list(current.must_invite)
            exclusions = {**exclusions, **current.exclusions}
        seed = options["seed"]
        if options["dry_run"]:
            if seed is None:
                if current is None:
                    raise CommandError("--dry-run needs --seed (no draw is recorded yet).")
                seed = current.seed
            try:
                result = round_draw_preview(
                    consultation_round=consultation_round,
                    targets=targets,
                    seed=seed,
                    exclude_declined_twice=exclusions.get("declined_twice", True),
                    max_load=exclusions.get("max_load"),
                    must_invite=must_invite,
                    method=options["method"],
                )
            except PanelInputError as exc:
                raise CommandError(exc.message) from exc
            if not result.feasibility.feasible:
                names = {c.organisation_id: c.name for c in result.eligible}
                raise CommandError(
                    "\n".join(
                        problem_text(p, result.sessions, names) for p in result.feasibility.problems
                    )
                )
            self.stdout.write(explanation_text(result.explanation()))
            return
        try:
            draw = round_draw_record(
                consultation_round=consultation_round,
                targets=targets,
                seed=seed,
                seed_commitment=options["commitment"],
                must_invite=must_invite,
                exclude_declined_twice=exclusions.get("declined_twice", True),
                max_load=exclusions.get("max_load"),
                method=options["method"],
                reason=options["reason"],
                replaces_draw_id=current.pk if current else None,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(explanation_text(draw.explanation))
