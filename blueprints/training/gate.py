"""不上第一课不开工: from the day of a session on, a person it assigns does not work (no
checks, not present at a briefing) until the lesson is passed or the safety officer
waives it. The rule is one condition: the SQL filter of the counts and lists, and the
check of one person.

持证上岗: a risk point may need a certificate of whoever does its team check; the
certificates a person holds valid on a day make one condition on the points, which is
the SQL filter of the due list and, on one point, the check (common/predicates.py)."""
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import and_, or_, select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import User
from blueprints.risk_points.models import RiskPoint
from blueprints.training.models import Certificate, CertificateKind, Operation, Trainee


def holding_back(today: date):
    """The trainees whose lesson holds their person back on the enterprise's local day."""
    return and_(Trainee.passed_at.is_(None), Trainee.waived_at.is_(None), Trainee.due_on <= today)


def local_today(user: User, moment: datetime | None = None) -> date:
    return clock.today(user.enterprise.timezone, moment)


def held_back(user: User, moment: datetime | None = None) -> Trainee | None:
    """The lesson that keeps the user from work now (the earliest due), if any."""
    return db.session.scalar(select(Trainee).where(
        Trainee.user_id == user.id, holding_back(local_today(user, moment)))
        .order_by(Trainee.due_on, Trainee.id).limit(1))


# (kind, operation) of a certificate; the operation is None but for special operations.
Held = tuple[CertificateKind, Operation | None]


def valid_on(day: date):
    """The certificates in force on the day: not replaced, not past their last day."""
    return and_(Certificate.replaced_by_id.is_(None), Certificate.expires_on >= day)


def held_certificates(user_ids: list[int], day: date) -> dict[int, set[Held]]:
    """What each of these people holds valid on the day, in one statement."""
    held = defaultdict(set)
    if user_ids:
        for user_id, kind, operation in db.session.execute(
                select(Certificate.user_id, Certificate.kind, Certificate.operation)
                .where(Certificate.user_id.in_(user_ids), valid_on(day))):
            held[user_id].add((kind, operation))
    return held


def certified(held: set[Held]):
    """The points whose certificate (if they need one) is among those held: a special
    operation certificate serves a point that names its operation or none."""
    allowed = [RiskPoint.required_certificate.is_(None)]
    for kind, operation in sorted(held, key=str):
        which = RiskPoint.required_operation.is_(None)
        if operation is not None:
            which = or_(which, RiskPoint.required_operation == operation)
        allowed.append(and_(RiskPoint.required_certificate == kind, which))
    return or_(*allowed)


def certified_user(user: User, moment: datetime | None = None):
    return certified(held_certificates([user.id], local_today(user, moment))[user.id])
