"""不上第一课不开工: from the day of a session on, a person it assigns does not work (no
checks, not present at a briefing) until the lesson is passed or the safety officer
waives it. The rule is one condition: the SQL filter of the counts and lists, and the
check of one person."""
from datetime import date, datetime

from sqlalchemy import and_, select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import User
from blueprints.training.models import Trainee


def holding_back(today: date):
    """The trainees whose lesson holds their person back on the enterprise's local day."""
    return and_(Trainee.passed_at.is_(None), Trainee.waived_at.is_(None), Trainee.due_on <= today)


def local_today(user: User, moment: datetime | None = None) -> date:
    return clock.to_local(moment or clock.now(), user.enterprise.timezone).date()


def held_back(user: User, moment: datetime | None = None) -> Trainee | None:
    """The lesson that keeps the user from work now (the earliest due), if any."""
    return db.session.scalar(select(Trainee).where(
        Trainee.user_id == user.id, holding_back(local_today(user, moment)))
        .order_by(Trainee.due_on, Trainee.id).limit(1))
