from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coordination.imports.importer import ImportReport, survey_import
from coordination.imports.readers import ExportFileError, ImportLimits


def report_lines(report: ImportReport) -> list[str]:
    lines = []
    if report.file_error:
        return [f"The file cannot be imported: {report.file_error}"]
    lines.append(f"Form language: {report.language}")
    lines.append(
        f"Rows: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected"
    )
    lines.append(
        f"New organisations: {report.organisations_created}, new contacts: "
        f"{report.contacts_created}, consents recorded: {report.consents}"
    )
    if report.erased_people_skipped:
        rows = ", ".join(str(r) for r in report.erased_people_skipped)
        lines.append(f"Respondents not imported (their data were erased): row(s) {rows}")
    if report.ignored_columns:
        lines.append("Ignored columns: " + "; ".join(report.ignored_columns))
    for p in report.problems:
        lines.append(f"  row {p.row} | {p.column or '-'} | {p.value!r} | {p.reason}: {p.message}")
    for h in report.hints:
        lines.append(
            f"  row {h.row} | possibly the same organisation: {h.organisation!r} shares "
            f"{h.domain} with {', '.join(h.candidates)}; imported as new unless the mapping "
            "file's organisations table merges it"
        )
    if report.dry_run:
        lines.append("Dry run: nothing was written.")
    elif not report.committed:
        lines.append("Nothing was written (use --partial to keep the good rows).")
    return lines


class Command(BaseCommand):
    help = "Import a survey export (XLSX or CSV) of the needs-assessment questionnaire."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The XLSX or CSV export.")
        parser.add_argument("--language", choices=["fr", "nl", "en"], default="")
        parser.add_argument("--mapping", help="A TOML or YAML file: column header → question.")
        parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
        parser.add_argument(
            "--partial", action="store_true", help="Keep the good rows when some are rejected."
        )

    def handle(self, *args, path, language, mapping, dry_run, partial, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        try:  # before the file is read into memory
            ImportLimits.from_settings().file_size_check(source.stat().st_size)
        except ExportFileError as exc:
            raise CommandError(str(exc)) from exc
        mapping_data = None
        if mapping:
            mapping_path = Path(mapping)
            if not mapping_path.is_file():
                raise CommandError(f"No such mapping file: {mapping_path}")
            mapping_data = mapping_path.read_bytes()
        report = survey_import(
            data=source.read_bytes(),
            filename=source.name,
            language=language,
            mapping=mapping_data,
            mapping_filename=mapping or "",
            dry_run=dry_run,
            partial=partial,
        )
        for line in report_lines(report):
            self.stdout.write(line)
        if report.file_error:
            raise CommandError(report.file_error)
        if report.rejected and not partial and not dry_run:
            raise CommandError(f"{report.rejected} row(s) rejected; nothing was written.")
