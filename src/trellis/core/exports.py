"""Spreadsheet downloads that a spreadsheet program cannot turn into formulas.

A cell that starts with =, +, -, @, TAB, CR or NUL is run as a formula by Excel, LibreOffice
and Google Sheets (OWASP ASVS 5.0 V1.2.10), so any *text* cell starting with one of them is
prefixed with a single quote. Numbers, dates and booleans are written as values: -2 stays
the number -2 (a text cell "-2+3" does not). Every export in Trellis goes through here.
"""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

from django.http import HttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# XML 1.0 forbids these control characters; openpyxl refuses a cell that holds one.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
_UNSAFE_SHEET_TITLE = re.compile(r"[\\/?*\[\]:\x00-\x1f]")

NUMBER_TYPES = (int, float, Decimal)


def neutralise(value: str) -> str:
    """Prefix a quote to text a spreadsheet would otherwise evaluate."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _is_number(value) -> bool:
    return isinstance(value, NUMBER_TYPES) and not isinstance(value, bool)


def csv_cell(value) -> str:
    """One CSV field: numbers and dates verbatim, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if _is_number(value):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return neutralise(str(value))


def xlsx_cell(value):
    """One XLSX value: numbers stay numeric cells, text is neutralised and stripped of illegal XML."""
    if value is None or _is_number(value) or isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        # Excel has no time zones; write the wall-clock time the user saw.
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date | dt.time):
        return value
    return _XML_ILLEGAL.sub("", neutralise(str(value)))


def safe_filename(filename: str) -> str:
    cleaned = _UNSAFE_FILENAME.sub("-", filename).strip(".-")
    return cleaned or "export"


def csv_text(header, rows) -> str:
    """RFC 4180 text (CRLF line ends, minimal quoting) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A CSV download; the BOM lets Excel read accented names as UTF-8."""
    body = "\ufeff" + csv_text(header, rows)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response


def xlsx_bytes(header, rows, *, sheet_title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_UNSAFE_SHEET_TITLE.sub("-", sheet_title)[:31] or "Export")
    bold = Font(bold=True)

    def make(value, *, font=None):
        cell = WriteOnlyCell(sheet, value=xlsx_cell(value))
        if isinstance(cell.value, str):
            # openpyxl treats any string starting with "=" as a formula; force plain text.
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    sheet.append([make(h, font=bold) for h in header])
    for row in rows:
        sheet.append([make(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, header, rows, *, sheet_title: str = "Export") -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(header, rows, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response
