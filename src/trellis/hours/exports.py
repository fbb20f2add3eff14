"""Payroll downloads (CSV and XLSX) built on the formula-safe writers in core.exports."""

from django.utils.text import slugify

from trellis.core.exports import csv_response, xlsx_response
from trellis.hours.pay import Payroll, payroll_table

FORMATS = ("csv", "xlsx")


def payroll_filename(payroll: Payroll, fmt: str) -> str:
    period = payroll.period
    return f"payroll-{slugify(period.name) or 'period'}-{period.start_date:%Y%m%d}-{period.end_date:%Y%m%d}.{fmt}"


def payroll_response(payroll: Payroll, fmt: str):
    """The payroll of one period as a download; names a student typed cannot become formulas."""
    header, rows = payroll_table(payroll)
    filename = payroll_filename(payroll, fmt)
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet_title="Payroll")
    if fmt == "csv":
        return csv_response(filename, header, rows)
    raise ValueError(f"Unknown export format {fmt!r}.")
