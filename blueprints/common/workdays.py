"""Working days of an enterprise's calendar: Monday to Friday, less its holidays, plus the
weekend days it works instead (调休). Pure functions; the org area reads the calendar."""
from datetime import date, timedelta

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5  # date.weekday(): Monday 0 ... Sunday 6


def is_working_day(day: date, holidays: set[date], makeup_days: set[date]) -> bool:
    """A make-up day is worked even where it is also listed as a holiday: it is the more
    specific statement about that day."""
    if day in makeup_days:
        return True
    return day.weekday() < _SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: set[date], makeup_days: set[date]) -> date:
    """The day on which `days` working days after `start` have passed (start not counted):
    Friday + 1 is the next Monday; 0 days is start itself."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += _ONE_DAY
        if is_working_day(day, holidays, makeup_days):
            days -= 1
    return day

