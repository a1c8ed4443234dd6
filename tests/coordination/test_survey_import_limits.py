"""Hostile survey exports, generated here, are refused in well under a second with a clear
message and nothing written: a workbook whose declared dimension is the whole sheet, cells
placed far away, a zip bomb, a huge or too wide CSV, a file over the size limit."""

import contextlib
import io
import os
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl  # noqa: F401 — imported once here, so that no timing below includes it
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from coordination.imports.importer import survey_import
from coordination.imports.readers import ExportFileError, read_table
from coordination.models import Organisation, SurveyResponse
from tests.helpers import api

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"
XLSX = (EXPORTS / "msforms_nl.xlsx").read_bytes()
SHEET = "xl/worksheets/sheet1.xml"
CSV_HEADER = b"ID,Completion time,Email,Name,1. Name of your organization,56. Co-creation?\r\n"
CSV_ROW = b"1,2022-11-03 10:00,a@org-a.be,Person 1,Org A,Yes\r\n"


def workbook_with(*, sheet=None, extra: dict[str, bytes] | None = None) -> bytes:
    """The example MS Forms workbook with its sheet rewritten by ``sheet`` and more parts."""
    source = zipfile.ZipFile(io.BytesIO(XLSX))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET and sheet is not None:
                data = sheet(data.decode()).encode()
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def dimension_bomb() -> bytes:
    return workbook_with(
        sheet=lambda xml: xml.replace(
            "<sheetViews>", '<dimension ref="A1:XFD1048576"/><sheetViews>', 1
        )
    )


def far_cell(ref: str, row: int) -> bytes:
    cell = f'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>'
    return workbook_with(
        sheet=lambda xml: xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')
    )


def refused(data: bytes, filename: str) -> tuple[str, float]:
    """The message refusing the file, and the processor time it took (not the wall-clock
    time: the machine running the tests may be busy)."""
    started = time.process_time()
    with pytest.raises(ExportFileError) as excinfo:
        read_table(data, filename)
    return str(excinfo.value), time.process_time() - started


def peak_memory(read) -> int:
    tracemalloc.start()
    with contextlib.suppress(ExportFileError):
        read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_dimension_bomb_is_read_as_the_cells_it_has_quickly_and_in_little_memory():
    data = dimension_bomb()
    honest = read_table(XLSX, "msforms_nl.xlsx")
    assert len(data) < 10_000

    started = time.process_time()
    bomb = read_table(data, "bomb.xlsx")
    elapsed = time.process_time() - started

    assert bomb == honest
    assert elapsed < 1
    assert peak_memory(lambda: read_table(data, "bomb.xlsx")) < 20 * 1024 * 1024


def test_dimension_bomb_imports_like_the_honest_file():
    report = survey_import(data=dimension_bomb(), filename="bomb.xlsx")

    assert (report.file_error, report.created, report.rejected) == ("", 2, 0)


def test_cell_a_million_rows_down_is_refused_at_the_row_limit():
    message, elapsed = refused(far_cell("A1048576", 1048576), "far.xlsx")

    assert message == "The file has more than 50000 rows of answers."
    assert elapsed < 1


def test_cell_in_the_last_column_is_refused_at_the_column_limit():
    message, elapsed = refused(far_cell("XFD9", 9), "wide.xlsx")

    assert message == "The file has more than 1000 columns."
    assert elapsed < 1


def test_zip_bomb_part_is_refused_before_it_is_unpacked():
    data = workbook_with(extra={"xl/media/image1.bin": b"\0" * (50 * 1024 * 1024)})
    assert len(data) < 200_000

    message, elapsed = refused(data, "bomb.xlsx")

    assert message == (
        "The workbook is compressed more than 100 to 1, as no survey export is: it is refused."
    )
    assert elapsed < 1


def test_workbook_unpacking_to_more_than_the_limit_is_refused(settings):
    settings.SURVEY_IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = workbook_with(extra={"xl/media/image1.bin": os.urandom(2 * 1024 * 1024)})

    message, _elapsed = refused(data, "big.xlsx")

    assert message == "The workbook unpacks to more than 1.0\xa0MB."


def test_huge_csv_is_refused_at_the_row_limit_in_under_a_second():
    data = CSV_HEADER + CSV_ROW * 400_000
    assert len(data) > 19 * 1024 * 1024

    message, elapsed = refused(data, "huge.csv")

    assert message == "The file has more than 50000 rows of answers."
    assert elapsed < 1
    assert peak_memory(lambda: read_table(data, "huge.csv")) < 100 * 1024 * 1024


def test_csv_with_too_many_columns_is_refused():
    data = b",".join(b"Q%d" % n for n in range(1500)) + b"\r\n" + CSV_ROW

    message, _elapsed = refused(data, "wide.csv")

    assert message == "The file has more than 1000 columns."


def test_limits_are_settings(settings):
    settings.SURVEY_IMPORT_MAX_ROWS = 2
    settings.SURVEY_IMPORT_MAX_COLUMNS = 6

    assert refused(CSV_HEADER + CSV_ROW * 3, "a.csv")[0] == (
        "The file has more than 2 rows of answers."
    )
    assert (
        read_table(CSV_HEADER + CSV_ROW * 2, "a.csv")[1]
        == [["1", "2022-11-03 10:00", "a@org-a.be", "Person 1", "Org A", "Yes"]] * 2
    )
    settings.SURVEY_IMPORT_MAX_COLUMNS = 5
    assert refused(CSV_HEADER + CSV_ROW, "a.csv")[0] == "The file has more than 5 columns."


def test_file_over_the_size_limit_is_refused(settings):
    settings.SURVEY_IMPORT_MAX_BYTES = 1000

    assert refused(XLSX, "msforms_nl.xlsx")[0] == "The file is larger than 1000\xa0bytes."


def test_csv_in_windows_1252_is_still_read_line_by_line():
    data = CSV_HEADER + "1,2022-11-03 10:00,a@org-a.be,Zoë,Société é,Yes\r\n".encode("cp1252")

    assert read_table(data, "a.csv")[1] == [
        ["1", "2022-11-03 10:00", "a@org-a.be", "Zoë", "Société é", "Yes"]
    ]


def test_api_refuses_a_hostile_workbook_with_a_400_and_writes_nothing(team_user):
    response = api(team_user).post(
        "/api/survey-imports/",
        {"file": SimpleUploadedFile("far.xlsx", far_cell("A1048576", 1048576))},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [
            {
                "code": "unreadable",
                "detail": "The file has more than 50000 rows of answers.",
                "attr": "file",
            }
        ],
    }
    assert (Organisation.objects.count(), SurveyResponse.objects.count()) == (0, 0)


def test_api_refuses_a_file_over_the_size_limit(team_user, settings):
    settings.SURVEY_IMPORT_MAX_BYTES = 1000

    response = api(team_user).post(
        "/api/survey-imports/",
        {"file": SimpleUploadedFile("msforms_nl.xlsx", XLSX)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "too_large", "detail": "The file is larger than 1000\xa0bytes.", "attr": "file"}
    ]


def test_page_refuses_a_huge_csv_with_the_reason(client_for, team_user):
    upload = SimpleUploadedFile("huge.csv", CSV_HEADER + CSV_ROW * 60_000)

    response = client_for(team_user).post(reverse("survey-import"), {"file": upload})

    assert response.status_code == 200
    assert "The file has more than 50000 rows of answers." in response.content.decode()
    assert SurveyResponse.objects.count() == 0


def test_page_refuses_a_file_over_the_size_limit(client_for, team_user, settings):
    settings.SURVEY_IMPORT_MAX_BYTES = 1000

    response = client_for(team_user).post(
        reverse("survey-import"), {"file": SimpleUploadedFile("msforms_nl.xlsx", XLSX)}
    )

    assert response.context["form"].errors == {"file": ["The file is larger than 1000\xa0bytes."]}


def test_command_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path, settings):
    settings.SURVEY_IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.csv"
    path.write_bytes(CSV_HEADER + CSV_ROW * 100)

    with pytest.raises(CommandError) as excinfo:
        call_command("import_survey", str(path))

    assert str(excinfo.value) == "The file is larger than 1000\xa0bytes."


def test_command_refuses_a_dimension_and_row_bomb(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(far_cell("A1048576", 1048576))

    with pytest.raises(CommandError) as excinfo:
        call_command("import_survey", str(path), stdout=io.StringIO())

    assert str(excinfo.value) == "The file has more than 50000 rows of answers."


def test_mapping_file_with_a_yaml_alias_bomb_is_refused_at_once():
    # "Billion laughs": nine levels of nine aliases, 9**9 strings once expanded.
    levels = ['  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        levels.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    bomb = "anchors:\n" + "\n".join(levels) + "\ncolumns:\n  1. Name of your organization: *i\n"

    started = time.process_time()
    report = survey_import(
        data=CSV_HEADER + CSV_ROW,
        filename="a.csv",
        mapping=bomb.encode(),
        mapping_filename="m.yaml",
    )

    assert time.process_time() - started < 1
    assert report.file_error == (
        "The mapping for column “1. Name of your organization” is not understood: "
        "[[[...], [...], [...], [...], ...], [[...], [...], [...], [...], ...], "
        "[[...], [...], [...], [...], ...], [[...], [...], [...], [...], ...], ...]"
    )
    assert Organisation.objects.count() == 0
