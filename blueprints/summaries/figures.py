"""A period's figures for the quarterly report and the monthly notice, as one plain dict
(JSON: what a final summary stores, so that it shows the same forever). Enum members are
kept as their values and translated when shown; the counts come from the areas' own
statistics, the same that the statistics page links to the ledgers.

People are named only where the workforce is meant to see them: the colleagues whose
reports were rewarded. A public reporter is never named, nor their contact kept."""
from collections import Counter
from datetime import date
from decimal import Decimal

from blueprints.common.ledger import LocalTime
from blueprints.dashboard import statistics
from blueprints.hazards import statistics as hazard_statistics
from blueprints.hazards.ledger import LedgerFilter, place
from blueprints.hazards.models import HazardCategory, HazardGrade, HazardSource, HazardState
from blueprints.org.models import User
from blueprints.reporting import queries as reports
from blueprints.risk_points.models import CheckLevel, Grade
from blueprints.risk_points.services import list_points
from blueprints.training import ledger as training
from blueprints.training import queries as lessons
from blueprints.training.models import Occasion


def _day(moment, local: LocalTime) -> str | None:
    return local(moment).date().isoformat() if moment else None


def _hazards(found: hazard_statistics.HazardFigures) -> dict:
    return {
        "found": found.found, "open": found.open, "overdue": found.overdue, "closed": found.closed,
        "closed_late": found.closed_late,
        "days_to_close": None if found.days_to_close is None else round(found.days_to_close, 1),
        "grades": {g.value: [found.by_grade[g], found.closed_by_grade[g]] for g in HazardGrade},
        "categories": {c.value: [found.by_category[c], found.closed_by_category[c]] for c in HazardCategory},
        "sources": {s.value: found.by_source[s] for s in HazardSource}}


def _majors(user: User, start: date, end: date, local: LocalTime) -> list[dict]:
    return [{"found_on": _day(h.found_at, local),
             "place": place(h.risk_point.name if h.risk_point else "", h.location),
             "department": h.department.name, "description": h.description, "state": h.state.value,
             "deadline": _day(h.deadline, local), "closed_on": _day(h.closed_at, local),
             "reported_on": _day(h.regulator_reports[0].reported_at, local) if h.regulator_reports else None}
            for h in hazard_statistics.majors_open_during(user, LedgerFilter(start, end), local)]


def _checks(found: statistics.Checks) -> dict:
    return {"counted": found.total.counted, "done": found.total.done, "unscanned": found.unscanned,
            "levels": {rate.key: [rate.counted, rate.done] for rate in found.levels}}


def _rewards(user: User, start: date, end: date, local: LocalTime) -> dict:
    paid = reports.paid_between(user, *local.bounds(start, end))
    return {"count": len(paid), "total": str(sum((r.total for r in paid), Decimal("0.00"))),
            "rows": [{"paid_on": _day(r.paid_at, local), "reporter": r.reporter.name if r.reporter else None,
                      "department": r.department.name if r.reporter and r.department else "",
                      "hazard": r.hazard.description, "grade": r.grade.value, "amount": str(r.total)}
                     for r in paid]}


def _training(user: User, start: date, end: date, local: LocalTime) -> dict:
    sessions = training.sessions_between(user, start, end)
    rows = []
    for session in sessions:
        progress = lessons.progress(session)
        rows.append({"held_on": session.held_on.isoformat(), "title": session.version.title,
                     "occasion": session.version.occasion.value, "people": progress.people,
                     "passed": progress.passed})
    tests = training.spot_tests_between(user, start, end, local)
    return {"sessions": len(rows), "people": sum(r["people"] for r in rows),
            "passed": sum(r["passed"] for r in rows), "spot_tests": len(tests),
            "spot_tests_passed": sum(t.passed for t in tests), "rows": rows}


def compute(user: User, start: date, end: date) -> dict:
    """The period's figures over the whole enterprise (as the user sees it: the summaries'
    readers see everything)."""
    local = LocalTime(user.enterprise.timezone)
    period = statistics.figures(user, start, end, None)
    grades = Counter(point.grade for point in list_points(user.enterprise_id))
    return {
        "risk_points": {g.value: grades[g] for g in Grade},
        "hazards": _hazards(period.hazards),
        "majors": _majors(user, start, end, local),
        "checks": _checks(period.checks),
        "briefings": {"due": period.briefings_due, "held": period.briefings_held,
                      "late": period.briefings_late},
        "rewards": _rewards(user, start, end, local),
        "training": _training(user, start, end, local),
    }


# The enums of the stored values, by the figures' key, for their labels.
ENUMS = {"grades": HazardGrade, "categories": HazardCategory, "sources": HazardSource,
         "levels": CheckLevel, "risk_points": Grade, "state": HazardState, "occasion": Occasion}


def label(key: str, value: str):
    """The label, in the reader's language, of a value stored under the key."""
    member = ENUMS[key].lookup(value)
    return member.label if member is not None else value
