"""The ledgers' Excel downloads. Written row by row (openpyxl's write-only mode, spooled to
a temporary file past a few megabytes), so a long ledger is never held in memory; each
sheet has a title row (enterprise, ledger, range), a bold header row frozen beneath it and
printed on every page, column widths, A4 landscape, and real dates and numbers.

Text is always text: a cell that begins with = + - or @ is written as a string with
Excel's quote prefix, never as a formula (formula injection), and characters XML cannot
hold are dropped."""
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@")
# Excel's limit on a sheet's name, and the characters it refuses there.
MAX_SHEET_TITLE = 31
SHEET_TITLE_REFUSED = str.maketrans({c: " " for c in "[]:*?/\\"})
# Kept in memory up to this size, then in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
NUMBERS = (int, float, Decimal)


@dataclass
class Column:
    header: object   # lazy text, read in the user's language
    width: int = 12  # in characters


@dataclass
class Sheet:
    """One sheet: rows of values (text, numbers, dates, local naive datetimes, None)."""
    title: object
    heading: object
    columns: list[Column]
    rows: Iterable[list] = field(default_factory=list)
    link_column: int = 2   # on the printed page, the cell that links to the row's record


def shown(value) -> str:
    """A cell as the ledger's printed page shows it (the template filter `ledger_value`)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _cell(ws, value, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    if value is None:
        return cell
    if isinstance(value, bool) or not isinstance(value, (*NUMBERS, date)):
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
        if "\n" in text:
            cell.alignment = WRAP
    else:
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell


def _write(workbook: Workbook, sheet: Sheet) -> None:
    ws = workbook.create_sheet(str(sheet.title).translate(SHEET_TITLE_REFUSED)[:MAX_SHEET_TITLE])
    for n, column in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(n)].width = column.width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.append([_cell(ws, sheet.heading, BOLD)])
    ws.append([_cell(ws, column.header, BOLD) for column in sheet.columns])
    for row in sheet.rows:
        ws.append([_cell(ws, value) for value in row])


def download(filename: str, sheets: Iterable[Sheet]):
    """The workbook as an attachment named `filename` (.xlsx)."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write(workbook, sheet)
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    workbook.save(out)
    out.seek(0)
    response = send_file(out, mimetype=XLSX, as_attachment=True, download_name=filename)
    # A ledger names people: never kept by a browser or a proxy (send_file would allow it).
    response.headers["Cache-Control"] = "private, no-store"
    return response
