"""Three weeks of past checks for the demo enterprise, made through the same service the
check form uses, so that lists, records and "done" states look lived in."""
import random
from datetime import timedelta

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections import due, services
from blueprints.inspections.models import AnswerResult
from blueprints.org.models import Enterprise, Role, User
from blueprints.risk_points.models import CheckLevel, QRToken, RiskPoint

DAYS = 21
MISSED = 0.06        # share of periods nobody checked
NO_SCAN = 0.04       # share of checks made without scanning first
ABNORMAL = 0.01      # share of items found wrong
NOTES = ["现场检查发现异常，已告知班组长", "需设备维修人员确认", "与标准不符，待复查"]


def _periods(unit_key, team, start, end, tz_name):
    """The whole periods of this frequency between start and end (naive UTC)."""
    moment, last = start, None
    while moment < end:
        period = due.period_for(unit_key, team, moment, tz_name)
        if period.end <= moment:
            # Between shifts (a team without a night shift): look again a little later.
            moment += timedelta(minutes=15)
            continue
        if period.end > end:
            return
        if period.start >= start and period != last:
            yield period
        last, moment = period, period.end


def load_history(enterprise: Enterprise) -> int:
    """Team checks of the last DAYS days, up to the last finished period; returns how many."""
    rng = random.Random(2026)
    tz_name = enterprise.timezone
    now = clock.now()
    start = now - timedelta(days=DAYS)
    points = db.session.scalars(select(RiskPoint).where(
        RiskPoint.enterprise_id == enterprise.id, RiskPoint.team_id.is_not(None),
        RiskPoint.active).order_by(RiskPoint.code)).all()
    made = 0
    for point in points:
        people = db.session.scalars(select(User).where(
            User.team_id == point.team_id,
            User.role.in_((Role.WORKER, Role.TEAM_LEADER)))).all()
        token = db.session.scalar(select(QRToken).where(
            QRToken.risk_point_id == point.id, QRToken.retired_at.is_(None)))
        if not people or token is None:
            continue
        for level, key, items in due.point_units(point):
            if level != CheckLevel.TEAM:
                continue
            for period in _periods(key, point.team, start, now, tz_name):
                if rng.random() < MISSED:
                    continue
                done_at = period.start + (period.end - period.start) * rng.uniform(0.05, 0.45)
                made += _check(rng, point, level, key, items, rng.choice(people), token,
                               done_at.replace(microsecond=0))
    return made


def _check(rng, point, level, key, items, user, token, done_at) -> int:
    if rng.random() >= NO_SCAN:
        with clock.frozen(done_at - timedelta(minutes=rng.randint(1, 5))):
            services.record_scan(user, token, "Mozilla/5.0 (Linux; Android 12) demo")
    answers = []
    for item in items:
        if rng.random() < ABNORMAL:
            answers.append(services.Answer(item.id, AnswerResult.ABNORMAL, note=rng.choice(NOTES)))
        else:
            answers.append(services.Answer(item.id, AnswerResult.OK))
    with clock.frozen(done_at):
        services.submit_check(user, point, level, key, answers)
    return 1
