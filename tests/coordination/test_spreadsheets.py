import csv
import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from coordination.spreadsheets import neutralise_cell, write_csv, write_xlsx

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read_csv(data: bytes, *, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def formula_parts(cell: str) -> list[str]:
    """The parts of a cell that Excel or LibreOffice would read as a formula, splitting the
    cell as a comma, semicolon or tab locale (or a line-based reader) would."""
    return [
        part for part in re.split(r"[,;\t\r\n]", cell) if part.lstrip().startswith(FORMULA_STARTS)
    ] + ([cell] if cell.startswith(FORMULA_STARTS) else [])


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

    assert read_csv(data) == [
        ["Question", "Answer"],
        ["Q1", '\'=HYPERLINK("http://x")'],
        ["Q2", ""],
    ]


def test_write_csv_quotes_every_cell():
    data = write_csv([["Organisation", "Seats"], ["Fedasil", 3], [None, -2]])

    assert data == '\ufeff"Organisation","Seats"\r\n"Fedasil","3"\r\n"","-2"\r\n'.encode()


def test_write_csv_neutralises_formulas_hidden_after_a_list_separator():
    data = write_csv(
        [
            ["x;=1+1;y", "a,@SUM(A1)", "b\t+cmd", "c; -2+3", "Bruxelles - Brussel", "Réfugiés"],
            ["line\n=1", "first\r\n@x", ["ok", "=evil"], "\tplain", "\r=1", "e-mail"],
        ]
    )

    assert read_csv(data) == [
        ["x;'=1+1;y", "a,'@SUM(A1)", "b\t'+cmd", "c; '-2+3", "Bruxelles - Brussel", "Réfugiés"],
        ["line\n'=1", "first\r\n'@x", "ok; '=evil", "'\tplain", "'\r'=1", "e-mail"],
    ]


def test_write_csv_read_with_semicolons_shows_no_formula():
    data = write_csv([["x;=1+1;y", "Namur"]], delimiter=";")

    assert read_csv(data, delimiter=";") == [["x;'=1+1;y", "Namur"]]
    # A reader that ignores the quotes (the failure the quoting alone cannot rule out).
    naive_cells = data.decode("utf-8-sig").strip().split(";")
    assert naive_cells == ['"x', "'=1+1", 'y"', '"Namur"']


cell_text = st.text(
    alphabet=st.sampled_from(list("=+-@\t\r\n,; \"'aZé1()\x00"))
    | st.characters(exclude_categories=("Cs",)),  # no lone surrogates: text is UTF-8
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(
        st.lists(cell_text | st.integers() | st.none(), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_write_csv_no_part_of_any_cell_is_a_formula(rows):
    written = read_csv(write_csv(rows))

    assert len(written) == len(rows)
    for row, written_row in zip(rows, written, strict=True):
        for value, cell in zip(row, written_row, strict=True):
            if isinstance(value, int):
                assert cell == str(value)
            else:
                assert formula_parts(cell) == []
                # Nothing but apostrophes is added: the text itself is kept.
                assert cell.replace("'", "") == (value or "").replace("'", "")


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
