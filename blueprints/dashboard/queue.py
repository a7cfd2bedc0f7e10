"""What waits for a decision by this user: the work queue on the home and its own page."""
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import (
    DeadlineExtension,
    DecisionStatus,
    Hazard,
    HazardGrade,
    HazardState,
    RectificationPlan,
)
from blueprints.hazards.permissions import (
    SAFETY,
    can,
)
from blueprints.hazards.queries import DUE_SOON, OPEN, OVERDUE, visible
from blueprints.inspections.models import Inspection
from blueprints.org.models import Role, User

QUEUE_LIMIT = 50


NO_SCAN_DAYS = 7


@dataclass
class WorkQueue:
    to_assign: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    to_verify: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    new_major: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in (self.to_assign, self.plans, self.extensions,
                                          self.to_verify, self.overdue, self.due_soon,
                                          self.new_major))


QUEUE_ROLES = (Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def work_queue(user: User) -> WorkQueue:
    """What waits for this user's decision; empty for roles that decide nothing."""
    queue = WorkQueue()
    if not getattr(user, "is_authenticated", False) or not user.has_role(*QUEUE_ROLES):
        return queue
    base = visible(user).options(selectinload(Hazard.department))
    if user.has_role(Role.DEPT_HEAD) and user.effective_department_id is not None:
        # 待交办: his department's reported hazards, first on his home.
        reported = db.session.scalars(base.where(
            Hazard.state == HazardState.REPORTED,
            Hazard.department_id == user.effective_department_id)
            .order_by(Hazard.id.desc()).limit(QUEUE_LIMIT))
        queue.to_assign = [h for h in reported if can(user, "assign", h)]
    if user.has_role(Role.SAFETY_DIRECTOR):
        queue.plans = list(db.session.scalars(
            select(RectificationPlan).join(Hazard).where(
                Hazard.enterprise_id == user.enterprise_id,
                RectificationPlan.status == DecisionStatus.PENDING)
            .order_by(RectificationPlan.id).limit(QUEUE_LIMIT)))
        queue.extensions = list(db.session.scalars(
            select(DeadlineExtension).join(Hazard).where(
                Hazard.enterprise_id == user.enterprise_id,
                DeadlineExtension.status == DecisionStatus.PENDING)
            .order_by(DeadlineExtension.id).limit(QUEUE_LIMIT)))
    rectified = db.session.scalars(
        base.where(Hazard.state == HazardState.RECTIFIED).order_by(Hazard.id).limit(QUEUE_LIMIT))
    queue.to_verify = [h for h in rectified if can(user, "verify", h)]
    queue.overdue = list(db.session.scalars(
        base.where(OVERDUE).order_by(Hazard.deadline).limit(QUEUE_LIMIT)))
    if user.has_role(Role.DEPT_HEAD):
        queue.due_soon = list(db.session.scalars(
            base.where(DUE_SOON).order_by(Hazard.deadline).limit(QUEUE_LIMIT)))
    # The principal's home lists every open major hazard by name instead.
    if user.has_role(*SAFETY):
        queue.new_major = list(db.session.scalars(
            base.where(Hazard.grade == HazardGrade.MAJOR,
                       Hazard.state == HazardState.REPORTED)
            .order_by(Hazard.id.desc()).limit(QUEUE_LIMIT)))
    return queue


# The count strip and what it links to: the safety staff's and the principal's.
STRIP_ROLES = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def unscanned(user: User):
    """The checks of the last NO_SCAN_DAYS days made without scanning the point's QR code,
    newest first, as a statement (its page and its count on the home)."""
    since = clock.now() - timedelta(days=NO_SCAN_DAYS)
    return (select(Inspection).options(selectinload(Inspection.risk_point), selectinload(Inspection.user),
                                       selectinload(Inspection.scan))
            .where(Inspection.enterprise_id == user.enterprise_id, Inspection.no_scan.is_(True),
                   Inspection.done_at >= since)
            .order_by(Inspection.done_at.desc(), Inspection.id.desc()))


def unscanned_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(
        unscanned(user).order_by(None).subquery()))


def open_major(user: User) -> list[Hazard]:
    """Every open major hazard the user sees, nearest deadline first: the principal's list."""
    return list(db.session.scalars(
        visible(user).options(selectinload(Hazard.department), selectinload(Hazard.assignee))
        .where(OPEN, Hazard.grade == HazardGrade.MAJOR)
        .order_by(Hazard.deadline.is_(None), Hazard.deadline, Hazard.id)))
