"""A rule written once as a SQL condition is also the Python check of one row: both must
select the same rows, NULLs included."""
from datetime import timedelta

import pytest
from sqlalchemy import and_, false, not_, or_, select, true

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.predicates import holds
from blueprints.hazards.models import Hazard
from tests import factories


def _conditions(ent):
    now = clock.now()
    return [
        Hazard.team_id == ent.team.id,
        Hazard.team_id != ent.team.id,
        Hazard.team_id.is_(None),
        Hazard.assignee_id.is_not(None),
        Hazard.deadline < now,
        Hazard.deadline >= now + timedelta(days=2),
        Hazard.state.in_(["reported", "assigned"]),
        Hazard.state.not_in(["closed"]),
        or_(Hazard.team_id == ent.team.id, Hazard.assignee_id == ent.worker.id),
        and_(Hazard.state != "closed", Hazard.deadline.is_not(None), Hazard.deadline < now),
        not_(and_(Hazard.team_id == ent.team.id, Hazard.deadline < now)),
        not_(or_(Hazard.team_id == ent.team.id, Hazard.deadline < now)),
        and_(Hazard.enterprise_id == ent.enterprise.id, or_(true())),
        and_(false(), Hazard.team_id.is_(None)),
    ]


def test_python_check_selects_what_sql_selects(app, ent):
    """Does holds() agree with SQLite for each condition over rows with NULLs in them?"""
    now = clock.now()
    rows = [factories.make_hazard(ent),
            factories.make_hazard(ent, team=None),
            factories.make_hazard(ent, state="assigned", deadline=now - timedelta(days=1)),
            factories.make_hazard(ent, state="assigned", deadline=now + timedelta(days=3), team=None),
            factories.make_hazard(ent, state="closed", deadline=now - timedelta(days=5))]
    ids = [row.id for row in rows]
    for condition in _conditions(ent):
        in_sql = set(db.session.scalars(select(Hazard.id).where(condition, Hazard.id.in_(ids))))
        in_python = {row.id for row in rows if holds(condition, row)}
        assert in_python == in_sql, condition


def test_what_it_cannot_evaluate_it_refuses(app, ent):
    """A condition outside what it understands raises instead of guessing."""
    hazard = factories.make_hazard(ent)
    with pytest.raises(TypeError):
        holds(Hazard.description.like("%压力%"), hazard)


def test_a_value_read_when_used_is_read_at_each_check(app, ent):
    """A condition built once with the clock's now (queries.OVERDUE) answers by the time
    of each check, in SQL and in Python alike."""
    from blueprints.hazards.queries import OVERDUE
    start = clock.now()
    hazard = factories.make_hazard(ent, state="assigned", deadline=start + timedelta(hours=1))
    for later, overdue in ((timedelta(0), False), (timedelta(hours=2), True)):
        with clock.frozen(start + later):
            in_sql = db.session.scalar(select(Hazard.id).where(OVERDUE, Hazard.id == hazard.id))
            assert (in_sql is not None, holds(OVERDUE, hazard)) == (overdue, overdue)
