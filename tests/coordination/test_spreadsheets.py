import csv
import io

from openpyxl import load_workbook

from coordination.spreadsheets import neutralise_cell, write_csv, write_xlsx


def test_neutralise_cell_prefixes_formula_like_text():
    assert [neutralise_cell(v) for v in ["=1+1", "+32 2", "-x", "@SUM(A1)", "ok", 5, -3, None]] == [
        "'=1+1",
        "'+32 2",
        "'-x",
        "'@SUM(A1)",
        "ok",
        5,
        -3,
        None,
    ]


def test_write_csv_neutralises_and_reads_back_with_bom():
    data = write_csv([["Question", "Answer"], ["Q1", '=HYPERLINK("http://x")'], ["Q2", None]])

    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows == [["Question", "Answer"], ["Q1", '\'=HYPERLINK("http://x")'], ["Q2", ""]]


def test_write_xlsx_keeps_formula_like_text_as_text():
    data = write_xlsx([["Label", "Count"], ["=cmd|' /C calc'!A0", 3], ["Réfugiés", 2]], title="Q7")

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Q7"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Label", "Count"],
        ["'=cmd|' /C calc'!A0", 3],
        ["Réfugiés", 2],
    ]
    assert sheet["A2"].data_type == "s"
