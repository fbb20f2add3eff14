"""The shared formula-safe CSV/XLSX writers: text is neutralised, numbers stay numbers."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from trellis.core.exports import (
    csv_cell,
    csv_response,
    csv_text,
    neutralise,
    safe_filename,
    xlsx_bytes,
    xlsx_response,
)

PAYLOADS = [
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1)",
    "\t=1+1",
    "-2+3",
    "+1",
    "\r=1",
    "\0=1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_starting_with_a_formula_trigger_gets_a_quote(payload):
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Ava", "", "a=b", "O'Neil", "1-2", " =1"])
def test_ordinary_text_is_unchanged(text):
    assert neutralise(text) == text


def test_csv_keeps_numbers_and_dates_as_values():
    assert csv_cell(-2) == "-2"
    assert csv_cell(Decimal("-3.50")) == "-3.50"
    assert csv_cell(1.5) == "1.5"
    assert csv_cell(dt.date(2026, 10, 5)) == "2026-10-05"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "Yes"
    assert csv_cell("-2") == "'-2"  # the same characters as text are neutralised


def test_csv_text_is_rfc4180_and_neutralised():
    text = csv_text(
        ["Name", "Hours"],
        [['=HYPERLINK("x")', Decimal("-1.25")], ["Doe, Jo", 3], ['Say "hi"\nthere', 0]],
    )
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["Name", "Hours"],
        ['\'=HYPERLINK("x")', "-1.25"],
        ["Doe, Jo", "3"],
        ['Say "hi"\nthere', "0"],
    ]


def test_csv_response_is_an_attachment_with_a_safe_filename():
    response = csv_response('pay"roll\r\n.csv', ["a"], [["@SUM(1)"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pay-roll-.csv"'
    body = response.content.decode("utf-8-sig")
    assert body == "a\r\n'@SUM(1)\r\n"


def test_safe_filename_strips_paths_and_control_characters():
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert safe_filename("\r\n") == "export"


def read_xlsx(data):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def test_xlsx_neutralises_text_but_keeps_negative_numbers_numeric():
    rows = read_xlsx(
        xlsx_bytes(["Name", "Amount"], [[p, -2] for p in PAYLOADS] + [["Plain", Decimal("-3.5")]])
    )
    assert rows[0] == [("Name", "s"), ("Amount", "s")]
    for payload, row in zip(PAYLOADS, rows[1:], strict=False):
        value, kind = row[0]
        assert kind == "s"
        # NUL is illegal in XML and dropped after quoting; XML readers turn a CR into LF.
        assert value == "'" + payload.replace("\0", "").replace("\r", "\n")
        assert row[1] == (-2, "n")
    assert rows[-1] == [("Plain", "s"), (-3.5, "n")]


def test_xlsx_writes_no_formula_cells_even_for_an_equals_sign():
    data = xlsx_bytes(["x"], [["=1+1"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'=1+1"


def test_xlsx_response_headers():
    response = xlsx_response("payroll.xlsx", ["a"], [[1]], sheet_title="Pay/roll")
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="payroll.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(response.content)).active.title == "Pay-roll"
    assert read_xlsx(response.content) == [[("a", "s")], [(1, "n")]]
