"""What the report pages list: the reporter's own reports and how far each has come, the
safety staff's queue, the rewards, and the open hazards a report may duplicate."""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import permissions as hazard_permissions
from blueprints.hazards.models import Hazard, HazardState
from blueprints.org.models import User
from blueprints.reporting.models import Report, ReportState, Reward, RewardState
from blueprints.reporting.permissions import REPORTS, REWARDS

PER_PAGE = 20


def _loaded(stmt):
    return stmt.options(selectinload(Report.photos), selectinload(Report.risk_point),
                        selectinload(Report.hazard), selectinload(Report.reward))


def mine(user: User):
    """The user's own reports, newest first."""
    return _loaded(select(Report).where(Report.reporter_id == user.id,
                                        Report.enterprise_id == user.enterprise_id)
                   .order_by(Report.received_at.desc(), Report.id.desc()))


def for_review(user: User, answered: bool):
    """To answer, oldest first (the longest waiting on top); or answered, newest first."""
    stmt = _loaded(select(Report).where(REPORTS.seen_by(user)).options(selectinload(Report.reporter)))
    if answered:
        return stmt.where(Report.state != ReportState.RECEIVED).order_by(Report.answered_at.desc(),
                                                                          Report.id.desc())
    return stmt.where(Report.state == ReportState.RECEIVED).order_by(Report.received_at, Report.id)


def is_late(report: Report) -> bool:
    """Not answered within the enterprise's time."""
    return report.state == ReportState.RECEIVED and clock.now() >= report.answer_due_at


def unanswered(enterprise_id: int, now: datetime) -> list[Report]:
    """The reports whose answer time has passed, for the escalation ladder."""
    return list(db.session.scalars(select(Report).where(
        Report.enterprise_id == enterprise_id, Report.state == ReportState.RECEIVED,
        Report.answer_due_at <= now).order_by(Report.id)))


def duplicate_candidates(report: Report, user: User, limit: int = 50) -> list[Hazard]:
    """The open hazards the user sees: those of the report's point first, newest first."""
    same_point = case((Hazard.risk_point_id == report.risk_point_id, 0), else_=1) \
        if report.risk_point_id else None
    order = [same_point] if same_point is not None else []
    return list(db.session.scalars(select(Hazard).where(
        hazard_permissions.seen_by(user), Hazard.state != HazardState.CLOSED)
        .order_by(*order, Hazard.found_at.desc()).limit(limit)))


@dataclass
class Step:
    label: object
    at: datetime | None
    done: bool
    note: str = ""


def progress(report: Report) -> list[Step]:
    """How far the report has come, for its reporter: received, answered, rectified,
    closed, reward decided, paid (the steps after an answer only where they apply)."""
    steps = [Step(_l("Report received"), report.received_at, True)]
    if report.state == ReportState.RECEIVED:
        return [*steps, Step(_l("Answered"), None, False)]
    steps.append(Step(report.state.label, report.answered_at, True, report.answer))
    hazard = report.hazard
    if report.state != ReportState.ACCEPTED or hazard is None:
        return steps
    fixed = hazard.state in (HazardState.RECTIFIED, HazardState.CLOSED)
    steps += [Step(_l("Rectified"), None, fixed), Step(_l("Verified and closed"), hazard.closed_at,
                                                       hazard.state == HazardState.CLOSED)]
    reward = report.reward
    if reward is not None:
        steps += [Step(_l("Reward decided"), reward.decided_at, reward.decided_at is not None),
                  Step(_l("Reward paid"), reward.paid_at, reward.paid_at is not None)]
    return steps


def rewards(user: User, state: RewardState | None):
    """The rewards the user sees, those to decide by the nearest deadline first."""
    stmt = select(Reward).where(REWARDS.seen_by(user)).options(
        selectinload(Reward.reporter), selectinload(Reward.hazard), selectinload(Reward.report))
    if state is not None:
        stmt = stmt.where(Reward.state == state)
    return stmt.order_by(case((Reward.state == RewardState.PROPOSED, 0), else_=1), Reward.decide_by,
                         Reward.id.desc())


def paid_between(user: User, since: datetime, until: datetime) -> list[Reward]:
    """The rewards the user sees paid in [since, until), in the order they were paid."""
    return list(db.session.scalars(
        select(Reward).where(REWARDS.seen_by(user), Reward.state == RewardState.PAID,
                             Reward.paid_at >= since, Reward.paid_at < until)
        .options(selectinload(Reward.reporter), selectinload(Reward.department), selectinload(Reward.hazard))
        .order_by(Reward.paid_at, Reward.id)))


def is_overdue(reward: Reward, today: date) -> bool:
    return reward.state == RewardState.PROPOSED and today > reward.decide_by


def overdue_decisions(enterprise_id: int, today: date) -> list[Reward]:
    return list(db.session.scalars(select(Reward).where(
        Reward.enterprise_id == enterprise_id, Reward.state == RewardState.PROPOSED,
        Reward.decide_by < today).order_by(Reward.id)))


@dataclass
class Leader:
    rank: int
    user: User
    points: int
    rewards: int


def leaderboard(enterprise_id: int, since: datetime, until: datetime, limit: int = 30) -> list[Leader]:
    """The colleagues with the most reward points decided in [since, until), equal points
    sharing a rank; public reporters are never on it."""
    points = func.sum(Reward.points)
    rows = db.session.execute(select(Reward.reporter_id, points, func.count(Reward.id)).where(
        Reward.enterprise_id == enterprise_id, Reward.reporter_id.is_not(None),
        Reward.state.in_([RewardState.APPROVED, RewardState.PAID]),
        Reward.decided_at >= since, Reward.decided_at < until)
        .group_by(Reward.reporter_id).order_by(points.desc(), Reward.reporter_id).limit(limit)).all()
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in rows])))}
    board, rank = [], 0
    for n, (user_id, total, count) in enumerate(rows, 1):
        if not board or total < board[-1].points:
            rank = n
        board.append(Leader(rank, people[user_id], total, count))
    return board


@dataclass
class Waiting:
    reports: int = 0
    late: int = 0
    to_decide: int = 0
    overdue: int = 0
    to_pay: int = 0


def waiting(user: User) -> Waiting:
    """What waits for the user's answer, decision or payment, in two queries."""
    now = clock.now()
    reports = db.session.execute(select(
        func.count(Report.id), func.count(case((Report.answer_due_at <= now, 1)))).where(
        Report.enterprise_id == user.enterprise_id, Report.state == ReportState.RECEIVED)).one()
    today = clock.today(user.enterprise.timezone)
    rewards_ = db.session.execute(select(
        func.count(case((Reward.state == RewardState.PROPOSED, 1))),
        func.count(case(((Reward.state == RewardState.PROPOSED) & (Reward.decide_by < today), 1))),
        func.count(case((Reward.state == RewardState.APPROVED, 1)))).where(
        Reward.enterprise_id == user.enterprise_id)).one()
    return Waiting(reports[0], reports[1], *rewards_)
