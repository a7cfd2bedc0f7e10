"""The statistics' charts as geometry for inline SVG (templates/dashboard/_charts.html):
a phone draws them at once, with no script and nothing more to fetch."""
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 8, 20


def nice_top(value: int) -> int:
    """The axis' top: the value rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


@dataclass
class Trend:
    top: int
    found: str     # the polyline's points
    closed: str
    ticks: list    # (x, label) under the axis

    width, height, left, bottom = WIDTH, HEIGHT, LEFT, HEIGHT - BOTTOM


def trend(buckets) -> Trend:
    """Found and closed per bucket, the first and last bucket's day under the axis."""
    top = nice_top(max((max(b.found, b.closed) for b in buckets), default=0))
    step = (WIDTH - LEFT - RIGHT) / max(len(buckets) - 1, 1)

    def x(i):
        return round(LEFT + i * step, 1)

    def line(values):
        return " ".join(f"{x(i)},{round(HEIGHT - BOTTOM - v / top * (HEIGHT - TOP - BOTTOM), 1)}"
                        for i, v in enumerate(values))

    ticks = [(x(0), buckets[0].start.strftime("%m-%d"))] if buckets else []
    if len(buckets) > 1:
        ticks.append((x(len(buckets) - 1), buckets[-1].start.strftime("%m-%d")))
    return Trend(top, line([b.found for b in buckets]), line([b.closed for b in buckets]), ticks)


def share(part: int, whole: int) -> float:
    """The part's width in a bar of 100."""
    return round(100 * part / whole, 1) if whole else 0
