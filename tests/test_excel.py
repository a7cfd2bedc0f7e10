"""The ledgers' Excel writer (common/excel.py): text stays text, dates and numbers stay
what they are, and what XML cannot hold is dropped rather than breaking the file."""
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from blueprints.common import excel


def _written(app, rows):
    with app.test_request_context():
        response = excel.download("台账.xlsx", [excel.Sheet("台账", "某企业 · 台账", [excel.Column("甲", 20),
                                                                             excel.Column("乙")], rows)])
        response.direct_passthrough = False
        data = response.get_data()
        response.close()
    return load_workbook(io.BytesIO(data)).active


def test_text_that_looks_like_a_formula_is_written_as_text(app):
    sheet = _written(app, [[text, None] for text in ("=1+1", "+86 138", "-5", "@SUM(A1)", "普通")])
    cells = [sheet.cell(row=n, column=1) for n in range(3, 8)]
    assert [c.value for c in cells] == ["=1+1", "+86 138", "-5", "@SUM(A1)", "普通"]
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False]


def test_dates_numbers_and_the_frame_of_the_sheet(app):
    sheet = _written(app, [[date(2027, 2, 18), 3], [datetime(2027, 2, 18, 9, 5), Decimal("12.50")],
                           ["坏\x07字符", True]])
    assert sheet["A1"].value == "某企业 · 台账" and sheet["A1"].font.bold and sheet["A2"].font.bold
    assert (sheet["A3"].value, sheet["A3"].number_format, sheet["B3"].value) == (
        datetime(2027, 2, 18), "yyyy-mm-dd", 3)
    assert (sheet["A4"].value, sheet["A4"].number_format, sheet["B4"].value) == (
        datetime(2027, 2, 18, 9, 5), "yyyy-mm-dd hh:mm", 12.5)
    assert (sheet["A5"].value, sheet["B5"].value) == ("坏字符", "True")
    assert sheet.freeze_panes == "A3" and sheet.column_dimensions["A"].width == 20
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"
