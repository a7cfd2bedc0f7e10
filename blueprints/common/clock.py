"""The one place all code asks for "now". Tests freeze it with `frozen(...)`.

Times in the database are naive UTC; an enterprise's time zone turns them
into local days and shifts (see blueprints/inspections/due.py).
"""
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_frozen: datetime | None = None

# Times people and phones send are kept to years that can mean something here: shifting
# the ends of the calendar (year 1, 9999) by a time zone or a deadline rule overflows.
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2100, 1, 1)


def now() -> datetime:
    """Current time as naive UTC."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Pin now() to `moment` (naive UTC, or aware in any zone); None unfreezes."""
    global _frozen
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    _frozen = moment


@contextmanager
def frozen(moment: datetime):
    freeze(moment)
    try:
        yield
    finally:
        freeze(None)


def to_local(moment: datetime, tz_name: str) -> datetime:
    """Naive UTC -> aware local time in the enterprise's zone."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))


def today(tz_name: str, moment: datetime | None = None) -> date:
    """The local day, in the zone, of now (or of a stored moment)."""
    return to_local(moment or now(), tz_name).date()


def to_utc(local_moment: datetime) -> datetime:
    """Aware local time -> naive UTC."""
    return local_moment.astimezone(UTC).replace(tzinfo=None)


def parse_utc(text: str | None, need_offset: bool = False) -> datetime | None:
    """An ISO 8601 time sent by a phone ("Z" or an offset; without one it is taken as UTC,
    unless need_offset) as naive UTC; None when missing, unreadable or not between
    EARLIEST and LATEST."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        elif need_offset:
            return None
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST <= moment < LATEST else None
