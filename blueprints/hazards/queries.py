"""What is known of hazards: who sees which, searches, deadlines, timelines."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.predicates import holds
from blueprints.hazards.models import (
    DeadlineExtension,
    DecisionStatus,
    Hazard,
    HazardEvent,
    HazardEventKind,
    HazardGrade,
    HazardState,
    RectificationPlan,
)
from blueprints.hazards.permissions import seen_by
from blueprints.org.models import Enterprise, User


def by_client_uuid(client_uuid: str | None) -> Hazard | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Hazard).where(Hazard.client_uuid == client_uuid))


def end_of_local_day(day: date, tz_name: str) -> datetime:
    """A deadline given as a day means the end of that day where the enterprise is."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(tz_name))
    return clock.to_utc(local)


def rectification_by_uuid(client_uuid: str | None) -> HazardEvent | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(HazardEvent).where(HazardEvent.client_uuid == client_uuid))


def _local_day(moment: datetime, hazard: Hazard) -> date:
    return clock.to_local(moment, hazard_timezone(hazard)).date()


def hazard_timezone(hazard: Hazard) -> str:
    return db.session.get(Enterprise, hazard.enterprise_id).timezone


def reported_on_time(hazard: Hazard) -> bool | None:
    """Shandong's 当天直报: a major hazard reaches the regulator on the (enterprise-local)
    day it was judged major (when reported as major, or regraded). None while that day is
    still running and nothing is recorded; not asked of general hazards (None)."""
    if not hazard.is_major:
        return None
    judged_day = _local_day(hazard.judged_major_at, hazard)
    if hazard.regulator_reports:
        return _local_day(hazard.regulator_reports[0].reported_at, hazard) <= judged_day
    return None if _local_day(clock.now(), hazard) <= judged_day else False


OPEN = Hazard.state != HazardState.CLOSED
# Open past its deadline: the filter of the overdue lists, and through is_overdue() the
# mark on one hazard. "Now" is read from the clock each time it is used, in SQL and in
# Python alike, so one condition serves every call.
OVERDUE = and_(OPEN, Hazard.deadline.is_not(None),
               Hazard.deadline < bindparam("now", callable_=clock.now, unique=True))

# Closed after the deadline in force (an approved extension moves it): "late" in the
# ledger and in the statistics alike.
CLOSED_LATE = and_(Hazard.state == HazardState.CLOSED, Hazard.deadline.is_not(None),
                   Hazard.closed_at > Hazard.deadline)


def is_overdue(hazard: Hazard) -> bool:
    return holds(OVERDUE, hazard)


HAZARDS_PER_PAGE = 20


def visible(user: User):
    """The hazards the user may see, as a statement."""
    return select(Hazard).where(seen_by(user))


@dataclass
class HazardFilter:
    state: str = ""
    grade: str = ""
    category: str = ""
    department_id: int | None = None
    overdue: bool = False
    open: bool = False
    awaiting_approval: bool = False
    page: int = 1


def search(user: User, wanted: HazardFilter):
    """A page of the hazards the user sees, overdue and most urgent first."""
    stmt = visible(user).options(selectinload(Hazard.department), selectinload(Hazard.assignee))
    if wanted.state:
        stmt = stmt.where(Hazard.state == wanted.state)
    if wanted.grade:
        stmt = stmt.where(Hazard.grade == wanted.grade)
    if wanted.category:
        stmt = stmt.where(Hazard.category == wanted.category)
    if wanted.department_id:
        stmt = stmt.where(Hazard.department_id == wanted.department_id)
    if wanted.overdue:
        stmt = stmt.where(OVERDUE)
    if wanted.open:
        stmt = stmt.where(OPEN)
    if wanted.awaiting_approval:
        stmt = stmt.where(AWAITING_APPROVAL)
    # Open before closed, then the nearest deadline, then the newest.
    stmt = stmt.order_by((Hazard.state == HazardState.CLOSED), Hazard.deadline.is_(None),
                         Hazard.deadline, Hazard.id.desc())
    return db.paginate(stmt, page=max(wanted.page, 1), per_page=HAZARDS_PER_PAGE, error_out=False)


def timeline(hazard: Hazard) -> list[HazardEvent]:
    return list(db.session.scalars(
        select(HazardEvent).options(selectinload(HazardEvent.actor))
        .where(HazardEvent.hazard_id == hazard.id).order_by(HazardEvent.at, HazardEvent.id)))


@dataclass(frozen=True)
class BeforeAndAfter:
    before: list[int]  # photo ids
    after: list[int]   # none until the hazard is rectified


def before_and_after(hazard: Hazard, events: list[HazardEvent]) -> BeforeAndAfter:
    """The report's photo, and once rectified the photo of the rectification that stands
    (one sent back is only on the timeline)."""
    after = []
    if hazard.state in (HazardState.RECTIFIED, HazardState.CLOSED):
        fix = next((e for e in reversed(events) if e.kind == HazardEventKind.RECTIFIED), None)
        after = [fix.photo_id] if fix and fix.photo_id else []
    return BeforeAndAfter([hazard.photo_id] if hazard.photo_id else [], after)


def assignable_people(hazard: Hazard) -> list[User]:
    """Active people of the enterprise: the hazard's department first, then the others by
    department (those of none last), each by employee number."""
    people = db.session.scalars(select(User).where(
        User.enterprise_id == hazard.enterprise_id, User.active.is_(True)).order_by(User.employee_no))
    return sorted(people, key=lambda u: (u.effective_department_id != hazard.department_id,
                                         u.effective_department_id is None,
                                         u.effective_department_id or 0))


# --- counts for the homes -------------------------------------------------------------------

# A 五定 plan or a deadline extension waits for the director's decision.
AWAITING_APPROVAL = or_(Hazard.plans.any(RectificationPlan.status == DecisionStatus.PENDING),
                        Hazard.extensions.any(DeadlineExtension.status == DecisionStatus.PENDING))
DUE_SOON_DAYS = 3
# Being rectified, the deadline within DUE_SOON_DAYS: the department head's "due soon".
DUE_SOON = and_(Hazard.state == HazardState.ASSIGNED, Hazard.deadline.is_not(None),
                Hazard.deadline >= bindparam("now", callable_=clock.now, unique=True),
                Hazard.deadline < bindparam(
                    "soon", callable_=lambda: clock.now() + timedelta(days=DUE_SOON_DAYS), unique=True))

# The count strip: each count is the hazard list under one filter (HazardFilter's fields).
COUNTED = {
    "open": OPEN,
    "overdue": OVERDUE,
    "major": and_(OPEN, Hazard.grade == HazardGrade.MAJOR),
    "to_verify": Hazard.state == HazardState.RECTIFIED,
    "to_approve": AWAITING_APPROVAL,
}


def counts(user: User) -> dict[str, int]:
    """Each COUNTED condition over the hazards the user sees, all in one statement."""
    row = db.session.execute(select(*(func.count().filter(condition).label(name)
                                      for name, condition in COUNTED.items()))
                             .select_from(Hazard).where(seen_by(user))).one()
    return row._asdict()


@dataclass
class MyHazard:
    hazard: Hazard
    rejection: str | None  # the reason of the last rejected fix, if it was sent back


def assigned_to(user: User) -> list[MyHazard]:
    """The hazards this user is rectifying, nearest deadline first, with the reason of the
    last rejection of those sent back to them (one query)."""
    rejection = (select(HazardEvent.note).where(HazardEvent.hazard_id == Hazard.id,
                                                HazardEvent.kind == HazardEventKind.REJECTED)
                 .order_by(HazardEvent.id.desc()).limit(1).correlate(Hazard).scalar_subquery())
    rows = db.session.execute(
        select(Hazard, rejection).where(Hazard.enterprise_id == user.enterprise_id,
                                        Hazard.assignee_id == user.id,
                                        Hazard.state == HazardState.ASSIGNED)
        .order_by(Hazard.deadline.is_(None), Hazard.deadline, Hazard.id))
    return [MyHazard(hazard, note) for hazard, note in rows]
