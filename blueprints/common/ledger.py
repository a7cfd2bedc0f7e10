"""What every ledger page shares: the enterprise's local time for its cells, the period
asked for (?from= &to=, this year so far by default), its filters, and the answer: the
printable page of its sheets, or with ?format=xlsx their Excel download (common/excel.py).
A long ledger is shown a window of rows at a time (Window), with tabs for its sheets; its
Excel download always holds every row, streamed."""
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from blueprints.common import clock, excel
from blueprints.common.inputs import iso_day, page_number


class LocalTime:
    """Stored times (naive UTC) as the enterprise's wall clock, naive, for the sheets."""

    def __init__(self, tz_name: str):
        self.tz_name = tz_name

    def __call__(self, moment: datetime | None) -> datetime | None:
        return clock.to_local(moment, self.tz_name).replace(tzinfo=None) if moment else None

    def bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        """The UTC moments of the first local day's start and the day after the last's."""
        zone = ZoneInfo(self.tz_name)
        return tuple(clock.to_utc(datetime.combine(day, time(), tzinfo=zone))
                     for day in (start, end + timedelta(days=1)))


@dataclass
class Period:
    start: date
    end: date
    swapped: bool = False   # the first day was after the last: shown so, and swapped


def period(today: date) -> Period:
    """The request's ?from= and ?to= (local days), by default this year so far."""
    start = request.args.get("from", type=iso_day) or today.replace(month=1, day=1)
    end = request.args.get("to", type=iso_day) or today
    if start > end:
        return Period(end, start, True)
    return Period(start, end)


def heading(enterprise_name: str, title, start: date, end: date):
    """A sheet's first line: whose ledger, which, and the days it covers."""
    return _l("%(enterprise)s · %(ledger)s · %(start)s to %(end)s", enterprise=enterprise_name, ledger=title,
              start=start.isoformat(), end=end.isoformat())


# Rows of a sheet on one screen page: a year of a big plant's hazards prints in a few.
PAGE_ROWS = 500


def wants_excel() -> bool:
    return request.args.get("format") == "xlsx"


@dataclass
class Choice:
    """A filter of the ledger's form: a select whose first option, "", means all."""
    name: str
    label: object
    options: list[tuple[str, object]]   # (value, label), "all" first
    value: str = ""


def choice(name: str, label, options) -> Choice:
    """The filter of these (value, label) options and "all" before them, with the
    request's value when it is one of them, else all."""
    options = [("", _l("All")), *options]
    value = request.args.get(name, "")
    return Choice(name, label, options, value if value in {v for v, _ in options} else "")


def department_choice(departments) -> Choice:
    """The filter of these departments, by id."""
    return choice("department", _l("Department"), [(str(d.id), d.name) for d in departments])


@dataclass
class Tab:
    label: object
    url: str
    count: int
    current: bool = False


@dataclass
class Window:
    """The rows of one screen page of a long sheet, and the pager's fields (_pager.html)."""
    page: int
    total: int
    per_page: int = PAGE_ROWS
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(math.ceil(self.total / self.per_page), 1)
        self.page = min(max(self.page, 1), self.pages)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def query_args(*dropped: str) -> dict:
    """The request's view arguments and query string, but for the names dropped: what a
    link to the same ledger otherwise keeps."""
    args = {**request.view_args, **request.args.to_dict()}
    return {key: value for key, value in args.items() if key not in dropped}


def window(total: int, per_page: int | None = None) -> Window:
    """The request's page (?page=) of `total` rows, PAGE_ROWS to a page unless said."""
    return Window(request.args.get("page", 1, type=page_number), total, per_page or PAGE_ROWS)


def respond(title, filename: str, sheets: list, links: dict | None = None, **page):
    """The ledger's page (printable; `links` {sheet index: a URL per row}), or with
    ?format=xlsx its Excel download named filename.xlsx."""
    if wants_excel():
        return excel.download(f"{filename}.xlsx", sheets)
    args = query_args("page")
    return render_template("ledger.html", title=title, sheets=sheets, links=links or {},
                           xlsx_url=url_for(request.endpoint, **args, format="xlsx"), args=args, **page)
