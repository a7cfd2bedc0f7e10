"""The reward ledger (奖励台账): every reward of a period with its reporter, hazard, grade,
amount, points, approver and payment, and the period's monthly totals per department;
the printed page and the Excel download show the same sheets (common/excel.py). A public
reporter is never named (their report's contact is the safety director's alone)."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.common.excel import Column, Sheet
from blueprints.common.extensions import db
from blueprints.common.ledger import LocalTime
from blueprints.org.models import User
from blueprints.reporting.models import Report, Reward, RewardState
from blueprints.reporting.permissions import REWARDS

PUBLIC = _l("Public report (anonymous)")
NO_DEPARTMENT = _l("No department")

REWARD_COLUMNS = [
    Column(_l("No."), 6), Column(_l("Reported at"), 17), Column(_l("Hazard"), 34), Column(_l("Reporter"), 12),
    Column(_l("Employee no."), 10), Column(_l("Department"), 14), Column(_l("Hazard grade"), 10),
    Column(_l("Proposed (yuan)"), 10), Column(_l("Approved (yuan)"), 10), Column(_l("Bonus (yuan)"), 10),
    Column(_l("Total (yuan)"), 10), Column(_l("Points"), 8), Column(_l("Approved by"), 10),
    Column(_l("Approved at"), 17), Column(_l("Reason"), 24), Column(_l("Paid by"), 10),
    Column(_l("Paid at"), 17), Column(_l("State"), 14)]

TOTAL_COLUMNS = [Column(_l("Month"), 10), Column(_l("Department"), 16), Column(_l("Rewards"), 8),
                 Column(_l("Approved (yuan)"), 12), Column(_l("Paid (yuan)"), 12), Column(_l("Points"), 8)]


def rewards_between(user: User, start: date, end: date, local: LocalTime) -> list[Reward]:
    """The rewards the user sees whose report was accepted in the period, oldest first."""
    since, until = local.bounds(start, end)
    return list(db.session.scalars(
        select(Reward).where(REWARDS.seen_by(user), Reward.proposed_at >= since, Reward.proposed_at < until)
        .options(selectinload(Reward.reporter), selectinload(Reward.department), selectinload(Reward.hazard),
                 selectinload(Reward.decided_by), selectinload(Reward.paid_by),
                 selectinload(Reward.report).selectinload(Report.reporter))
        .order_by(Reward.proposed_at, Reward.id)))


def _department(reward: Reward):
    return reward.department.name if reward.department else NO_DEPARTMENT


def reward_rows(rewards: list[Reward], local: LocalTime):
    for n, r in enumerate(rewards, 1):
        reporter = r.reporter
        yield [n, local(r.report.found_at), r.hazard.description, reporter.name if reporter else PUBLIC,
               reporter.employee_no if reporter else "", _department(r) if reporter else "",
               r.grade.label, r.proposed_amount, r.amount, r.bonus if r.decided_at else None, r.total,
               r.points, r.decided_by.name if r.decided_by else "", local(r.decided_at), r.reason,
               r.paid_by.name if r.paid_by else "", local(r.paid_at), r.state.label]


def monthly_totals(rewards: list[Reward], local: LocalTime) -> list[list]:
    """Per month of acceptance and department: how many, approved and paid sums, points."""
    sums = defaultdict(lambda: [0, Decimal("0.00"), Decimal("0.00"), 0])
    for r in rewards:
        key = (local(r.proposed_at).strftime("%Y-%m"), str(_department(r) if r.reporter else PUBLIC))
        row = sums[key]
        row[0] += 1
        if r.total is not None:
            row[1] += r.total
            row[3] += r.points
        if r.state == RewardState.PAID:
            row[2] += r.total
    return [[month, department, *values] for (month, department), values in sorted(sums.items())]


def period(user: User, start: date, end: date) -> tuple[list[Sheet], list[Reward]]:
    """The period's sheets, and its rewards (a row each on the first sheet)."""
    local = LocalTime(user.enterprise.timezone)
    rewards = rewards_between(user, start, end, local)
    heading = _l("%(enterprise)s · reward ledger · %(start)s to %(end)s", enterprise=user.enterprise.name,
                 start=start.isoformat(), end=end.isoformat())
    return [Sheet(_l("Rewards"), heading, REWARD_COLUMNS, list(reward_rows(rewards, local))),
            Sheet(_l("Monthly totals"), heading, TOTAL_COLUMNS, monthly_totals(rewards, local))], rewards
