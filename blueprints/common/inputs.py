"""Numbers and dates from URLs and forms, kept to what the database and datetime can hold:
anything beyond is no row, an ignored filter or a refused date, never a 500."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

from blueprints.common import clock

MAX_ID = 2 ** 63 - 1  # a database integer column holds no more
MAX_PAGE = 1_000_000  # page x rows per page must stay a database integer too
MAX_YUAN = Decimal("9999999999.99")  # what a Numeric(12, 2) column holds


class IdConverter(IntegerConverter):
    """<int:...> in every route: a number beyond a database integer matches no route (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def row_id(value: str) -> int:
    """type= for an id in a query string: beyond a database integer it is unreadable, like
    a word, and the caller's default applies."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(value)
    return number


def optional_id(value) -> int | None:
    """An id from a form field: None when empty, unreadable or beyond a database integer."""
    try:
        return row_id(str(value)) if value else None
    except ValueError:
        return None


def page_number(value: str) -> int:
    """type= for ?page=: a page far beyond any list is unreadable; the first page is shown."""
    number = int(value)
    if not 1 <= number <= MAX_PAGE:
        raise ValueError(value)
    return number


def iso_day(value: str) -> date:
    """type= for ?date=: a day (2026-11-28) of years 2000 to 2099; anything else is
    unreadable, and the filter is not applied."""
    day = date.fromisoformat(value)
    if not clock.EARLIEST.date() <= day < clock.LATEST.date():
        raise ValueError(value)
    return day


def optional_day(value) -> date | None:
    """A day typed into a form (2026-11-28, years 2000 to 2099), or None for anything else."""
    try:
        return iso_day(value or "")
    except ValueError:
        return None


def within_calendar(_form, field) -> None:
    """WTForms validator for dates and times people enter: years 2000 to 2099 only. The
    ends of the calendar (year 1, 9999) overflow when shifted by a zone or a deadline rule."""
    value = field.data
    if value is None:
        return
    moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
    if not clock.EARLIEST <= moment < clock.LATEST:
        raise ValidationError(_l("Please give a date between %(first)s and %(last)s.",
                                 first=clock.EARLIEST.date().isoformat(),
                                 last=date(clock.LATEST.year - 1, 12, 31).isoformat()))


def optional_yuan(value) -> Decimal | None:
    """A sum in yuan typed into a form, to the fen: None when empty; ValueError when it is
    no number, below 0 or beyond what the database holds."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not 0 <= amount <= MAX_YUAN:
        raise ValueError(value)
    return amount
