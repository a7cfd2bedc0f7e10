"""The periods a summary covers: a quarter ("2026Q3") or a month ("2026-11") of the
enterprise's calendar, named by a key that stands in the summary's URL."""
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from blueprints.summaries.models import SummaryKind

QUARTER_KEY = re.compile(r"(\d{4})Q([1-4])")
MONTH_KEY = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
# Summaries exist from this year on; older keys are refused as mistyped.
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    kind: SummaryKind
    start: date
    end: date

    @property
    def key(self) -> str:
        if self.kind == SummaryKind.QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self):
        if self.kind == SummaryKind.QUARTER:
            return _l("Q%(quarter)s %(year)s", quarter=(self.start.month - 1) // 3 + 1, year=self.start.year)
        return _l("%(year)s-%(month)02d", year=self.start.year, month=self.start.month)

    def ended(self, today: date) -> bool:
        return today > self.end

    def before(self) -> "Period":
        return of(self.kind, self.start - timedelta(days=1))


def _month_end(year: int, month: int) -> date:
    return (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def of(kind: SummaryKind, day: date) -> "Period":
    """The quarter or the month the day is in."""
    if kind == SummaryKind.QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        return Period(kind, date(day.year, first, 1), _month_end(day.year, first + 2))
    return Period(kind, day.replace(day=1), _month_end(day.year, day.month))


def parse(kind: SummaryKind, key: str) -> Period | None:
    """The period the key names, or None for a key of another form or before FIRST_YEAR."""
    pattern = QUARTER_KEY if kind == SummaryKind.QUARTER else MONTH_KEY
    found = pattern.fullmatch(key)
    if found is None or int(found[1]) < FIRST_YEAR:
        return None
    year, number = int(found[1]), int(found[2])
    return of(kind, date(year, (number - 1) * 3 + 1 if kind == SummaryKind.QUARTER else number, 1))


def recent(kind: SummaryKind, today: date, count: int) -> list[Period]:
    """The period today is in and the count - 1 before it, newest first."""
    found = [of(kind, today)]
    while len(found) < count:
        found.append(found[-1].before())
    return found
