"""What every ledger page shares: the enterprise's local time for its cells, the period
asked for (?from= &to=, this year so far by default), and the answer: the printable page
of its sheets, or with ?format=xlsx their Excel download (common/excel.py)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for

from blueprints.common import clock, excel
from blueprints.common.inputs import iso_day


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


def respond(title, filename: str, sheets: list, links: dict | None = None, **page):
    """The ledger's page (printable; `links` {sheet index: a URL per row}), or with
    ?format=xlsx its Excel download named filename.xlsx."""
    if request.args.get("format") == "xlsx":
        return excel.download(f"{filename}.xlsx", sheets)
    return render_template("ledger.html", title=title, sheets=sheets, links=links or {},
                           xlsx_url=url_for(request.endpoint, **request.view_args,
                                            **request.args.to_dict(), format="xlsx"), **page)
