"""The hazard ledgers (隐患排查治理台账): every hazard found in a period, a sheet for on-site
hazards (现场管理类) and one for basic-management hazards (基础管理类), with the columns
Shandong's standards name; and the major hazard ledger (重大事故隐患台账): each major hazard's
judgement, its report to the regulator, its 五定 plan and its close.

The rows are read a chunk at a time (the hazard's own columns in one statement, its
events and plans per chunk), so a five-year ledger streams into its Excel file without
being held in memory; the printed page shows a window of rows (common/ledger.Window)."""
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, selectinload

from blueprints.common.excel import Column, Sheet
from blueprints.common.extensions import db
from blueprints.common.ledger import LocalTime, heading
from blueprints.common.predicates import holds
from blueprints.hazards.models import (
    MAJOR_CRITERIA,
    DecisionStatus,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardEventKind,
    HazardGrade,
    HazardState,
    RectificationPlan,
)
from blueprints.hazards.permissions import approved_plan, pending_plan, seen_by
from blueprints.hazards.queries import CLOSED_LATE, OPEN, OVERDUE, is_overdue, reported_on_time
from blueprints.org.models import Department, User
from blueprints.risk_points.models import RiskPoint

CHUNK = 500  # hazards read at a time: one statement each for their events and plans

COLUMNS = [
    Column(_l("No."), 6), Column(_l("Found at"), 16), Column(_l("Found by"), 10),
    Column(_l("Hazard place"), 18),
    Column(_l("Responsible department"), 12), Column(_l("Description"), 30), Column(_l("Hazard grade"), 10),
    Column(_l("Hazard category"), 10), Column(_l("Source"), 10), Column(_l("Rectification measures"), 24),
    Column(_l("Rectification funds (yuan)"), 12), Column(_l("Responsible for rectification"), 10),
    Column(_l("Rectification deadline"), 11), Column(_l("Completion"), 18), Column(_l("Verified by"), 10),
    Column(_l("Verified at"), 16), Column(_l("Verification result"), 14), Column(_l("Closed on"), 11)]
DESCRIPTION_COLUMN = 5

# The ledger's state filter: each is a condition on the hazard.
STATES = {
    "open": (_l("Open"), OPEN),
    "overdue": (_l("Past deadline"), OVERDUE),
    "closed": (_l("Verified and closed"), Hazard.state == HazardState.CLOSED),
    "closed_on_time": (_l("Closed on time"), and_(Hazard.state == HazardState.CLOSED, ~CLOSED_LATE)),
    "closed_late": (_l("Closed late"), CLOSED_LATE),
}


@dataclass
class LedgerFilter:
    start: date
    end: date
    department_id: int | None = None
    grade: str = ""
    state: str = ""             # a STATES key, or "" for all
    category: str = ""          # a HazardCategory value, or "" for both sheets
    source: str = ""            # a HazardSource value, or "" for all


def statement(user: User, wanted: LedgerFilter, local: LocalTime):
    """The ledger's hazards (found in the period, as the filter asks) that the user sees,
    oldest first: their own columns and the names the ledger prints."""
    reporter, assignee = aliased(User), aliased(User)
    stmt = (select(Hazard.id, Hazard.found_at, reporter.name, RiskPoint.name, Hazard.location,
                   Department.name, Hazard.description, Hazard.grade, Hazard.category, Hazard.source,
                   Hazard.funds, assignee.name, Hazard.deadline, Hazard.original_deadline, Hazard.state,
                   Hazard.closed_at, CLOSED_LATE.label("late"), OVERDUE.label("overdue"))
            .join(reporter, reporter.id == Hazard.reported_by_id)
            .join(Department, Department.id == Hazard.department_id)
            .outerjoin(RiskPoint, RiskPoint.id == Hazard.risk_point_id)
            .outerjoin(assignee, assignee.id == Hazard.assignee_id))
    return found_in(stmt, user, wanted, local).order_by(Hazard.found_at, Hazard.id)


def found_in(stmt, user: User, wanted: LedgerFilter, local: LocalTime):
    """The hazards the user sees, found in the period, as the filter asks: the ledger's
    rows, and the statistics that link to them."""
    since, until = local.bounds(wanted.start, wanted.end)
    stmt = stmt.where(seen_by(user), Hazard.found_at >= since, Hazard.found_at < until)
    if wanted.department_id:
        stmt = stmt.where(Hazard.department_id == wanted.department_id)
    if wanted.grade:
        stmt = stmt.where(Hazard.grade == wanted.grade)
    if wanted.state in STATES:
        stmt = stmt.where(STATES[wanted.state][1])
    if wanted.category:
        stmt = stmt.where(Hazard.category == wanted.category)
    if wanted.source:
        stmt = stmt.where(Hazard.source == wanted.source)
    return stmt


def counts_by_category(user: User, wanted: LedgerFilter, local: LocalTime) -> dict[HazardCategory, int]:
    """How many rows each sheet has under the filter (its category ignored)."""
    stmt = found_in(select(Hazard.category, func.count()), user, replace(wanted, category=""), local)
    found = dict(db.session.execute(stmt.group_by(Hazard.category)).all())
    return {category: found.get(category, 0) for category in HazardCategory}


@dataclass
class History:
    """What the ledger needs of a hazard's events and plans."""
    measure: str = ""
    plan_measures: str = ""
    verifier: str = ""
    verified_at: object = None
    rejections: int = 0
    extensions: int = 0


SUMMARISED = (HazardEventKind.RECTIFIED, HazardEventKind.VERIFIED, HazardEventKind.REJECTED,
              HazardEventKind.EXTENSION_APPROVED)


def histories(ids: list[int]) -> dict[int, History]:
    """The summaries of these hazards' events and approved plans, in two statements."""
    found = defaultdict(History)
    events = db.session.execute(
        select(HazardEvent.hazard_id, HazardEvent.kind, HazardEvent.note, HazardEvent.at, User.name)
        .join(User, User.id == HazardEvent.actor_id)
        .where(HazardEvent.hazard_id.in_(ids), HazardEvent.kind.in_(SUMMARISED)).order_by(HazardEvent.id))
    for hazard_id, kind, note, at, actor in events:
        history = found[hazard_id]
        if kind == HazardEventKind.RECTIFIED:
            history.measure = note   # the latest fix stands; one sent back is on the timeline
        elif kind == HazardEventKind.VERIFIED:
            history.verifier, history.verified_at = actor, at
        elif kind == HazardEventKind.REJECTED:
            history.rejections += 1
        else:
            history.extensions += 1
    plans = db.session.execute(
        select(RectificationPlan.hazard_id, RectificationPlan.measures)
        .where(RectificationPlan.hazard_id.in_(ids), RectificationPlan.status == DecisionStatus.APPROVED)
        .order_by(RectificationPlan.id))
    for hazard_id, measures in plans:
        found[hazard_id].plan_measures = measures
    return found


@dataclass
class Timing:
    """A hazard's deadline and close, and CLOSED_LATE and OVERDUE as they hold for it."""
    deadline: object
    original_deadline: object
    closed_at: object
    late: bool
    overdue: bool


def progress(state: HazardState, timing: Timing, extensions: int, local: LocalTime, today: date) -> str:
    """完成情况: closed on time or how many days late; open, and how far past the deadline;
    and how often the deadline was extended, from which first day."""
    deadline_day = local(timing.deadline).date() if timing.deadline else None
    if state == HazardState.CLOSED:
        text = (_l("Closed %(days)s days late",
                   days=max((local(timing.closed_at).date() - deadline_day).days, 1))
                if timing.late else _l("Closed on time"))
    elif timing.overdue:
        text = _l("%(state)s, %(days)s days past the deadline", state=state.label,
                  days=max((today - deadline_day).days, 1))
    else:
        text = state.label
    if extensions:
        text = _l("%(progress)s; deadline extended %(times)s times (first set for %(day)s)", progress=text,
                  times=extensions, day=local(timing.original_deadline).date().isoformat())
    return str(text)


def verification(state: HazardState, rejections: int) -> str:
    """验收结果: passed (after how many fixes were sent back), awaiting, or sent back."""
    if state == HazardState.CLOSED:
        return str(_l("Passed after %(times)s rejections", times=rejections) if rejections else _l("Passed"))
    if state == HazardState.RECTIFIED:
        return str(_l("Awaiting verification"))
    return str(_l("Sent back %(times)s times", times=rejections)) if rejections else ""


def place(point: str | None, location: str) -> str:
    """隐患部位: the point and the place at it."""
    return " · ".join(part for part in (point, location) if part)


def rows(stmt, local: LocalTime, today: date, first: int = 1):
    """(hazard id, ledger row) for each hazard of the statement, read CHUNK at a time."""
    number = first
    result = db.session.execute(stmt.execution_options(yield_per=CHUNK))
    for chunk in result.partitions():
        known = histories([row[0] for row in chunk])
        for (hazard_id, found_at, reporter, point, location, department, description, grade, category,
             source, funds, assignee, deadline, original, state, closed_at, late, overdue) in chunk:
            history = known[hazard_id]
            timing = Timing(deadline, original, closed_at, late, overdue)
            yield hazard_id, [
                number, local(found_at), reporter, place(point, location), department, description,
                grade.label, category.label, source.label, history.measure or history.plan_measures, funds,
                assignee or "",
                local(deadline).date() if deadline else None,
                progress(state, timing, history.extensions, local, today),
                history.verifier, local(history.verified_at), verification(state, history.rejections),
                local(closed_at).date() if closed_at else None]
            number += 1


def _heading(user: User, wanted: LedgerFilter, title) -> object:
    return heading(user.enterprise.name, title, wanted.start, wanted.end)


def sheet(user: User, wanted: LedgerFilter, category: HazardCategory, hazard_rows) -> Sheet:
    return Sheet(_l("%(category)s hazards", category=category.label),
                 _heading(user, wanted, _l("hazard ledger (%(category)s)", category=category.label)),
                 COLUMNS, hazard_rows, link_column=DESCRIPTION_COLUMN)


# --- the major hazard ledger --------------------------------------------------------------

MAJOR_COLUMNS = [
    Column(_l("No."), 6), Column(_l("Found at"), 16), Column(_l("Hazard place"), 18),
    Column(_l("Responsible department"), 12), Column(_l("Description"), 34),
    Column(_l("Basis of the major judgement"), 30), Column(_l("Judged by"), 10),
    Column(_l("Judged at"), 16), Column(_l("Reported to the regulator at"), 16), Column(_l("How"), 14),
    Column(_l("What was reported"), 24), Column(_l("Reported the same day"), 8), Column(_l("Measures"), 28),
    Column(_l("Responsible person"), 10), Column(_l("Funds (yuan)"), 10), Column(_l("Deadline"), 11),
    Column(_l("Contingency plan"), 24), Column(_l("Plan approved by"), 12), Column(_l("Completion"), 22),
    Column(_l("Verified by"), 10), Column(_l("Verified at"), 16), Column(_l("Closed on"), 11)]
YES, NO = _l("Yes"), _l("No")


def majors(user: User, wanted: LedgerFilter, local: LocalTime) -> list[Hazard]:
    stmt = found_in(select(Hazard).where(Hazard.grade == HazardGrade.MAJOR), user,
                    replace(wanted, grade="", category=""), local)
    return list(db.session.scalars(stmt.order_by(Hazard.found_at, Hazard.id).options(
        selectinload(Hazard.risk_point), selectinload(Hazard.department),
        selectinload(Hazard.judged_major_by),
        selectinload(Hazard.regulator_reports), selectinload(Hazard.extensions),
        selectinload(Hazard.plans).selectinload(RectificationPlan.responsible_user),
        selectinload(Hazard.plans).selectinload(RectificationPlan.decided_by))))


def timing_of(hazard: Hazard) -> Timing:
    return Timing(hazard.deadline, hazard.original_deadline, hazard.closed_at, holds(CLOSED_LATE, hazard),
                  is_overdue(hazard))


def _on_time(hazard: Hazard):
    answer = reported_on_time(hazard)
    return "" if answer is None else (YES if answer else NO)


def major_rows(hazards: list[Hazard], local: LocalTime, today: date):
    known = histories([h.id for h in hazards]) if hazards else {}
    for n, hazard in enumerate(hazards, 1):
        history = known.get(hazard.id, History())
        report = hazard.regulator_reports[0] if hazard.regulator_reports else None
        plan = approved_plan(hazard) or pending_plan(hazard)
        approved = plan is not None and plan.status == DecisionStatus.APPROVED
        basis = "\n".join([str(MAJOR_CRITERIA[key]) for key in hazard.major_criteria if key in MAJOR_CRITERIA]
                          + ([hazard.major_basis] if hazard.major_basis else []))
        extended = sum(e.status == DecisionStatus.APPROVED for e in hazard.extensions)
        yield [n, local(hazard.found_at),
               place(hazard.risk_point.name if hazard.risk_point else "", hazard.location),
               hazard.department.name, hazard.description, basis,
               hazard.judged_major_by.name if hazard.judged_major_by else "", local(hazard.judged_major_at),
               local(report.reported_at) if report else None, report.method if report else "",
               report.note if report else "", _on_time(hazard),
               plan.measures if plan else "", plan.responsible_user.name if plan else "",
               plan.funds if plan else None, local(plan.deadline).date() if plan else None,
               plan.contingency_plan if plan else "",
               (f"{plan.decided_by.name} {local(plan.decided_at):%Y-%m-%d}" if approved
                else str(plan.status.label) if plan else ""),
               progress(hazard.state, timing_of(hazard), extended, local, today),
               history.verifier, local(history.verified_at),
               local(hazard.closed_at).date() if hazard.closed_at else None]


def major_sheet(user: User, wanted: LedgerFilter, hazards: list[Hazard], local: LocalTime,
                today: date) -> Sheet:
    title = _l("Major hazard ledger")
    return Sheet(title, _heading(user, wanted, title), MAJOR_COLUMNS,
                 list(major_rows(hazards, local, today)), link_column=4)

