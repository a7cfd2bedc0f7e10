"""The permission table: every role against every action, on hazards in the right state."""
from datetime import timedelta
from decimal import Decimal

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import permissions, queries, transitions
from blueprints.hazards.models import DeadlineExtension, RectificationPlan
from blueprints.hazards.permissions import InvalidTransition, PermissionDenied, can
from blueprints.org.models import Role
from tests import factories

ROLES = ("worker", "worker2", "team_leader", "dept_head", "other_dept_head", "outsider",
         "safety_officer", "director", "principal", "admin")
ASSIGNERS = {"dept_head", "safety_officer", "director"}
SAFETY = {"safety_officer", "director"}
EVERYONE_WHO_SEES = set(ROLES) - {"other_dept_head", "outsider"}


def _plan(ent, hazard):
    db.session.add(RectificationPlan(
        enterprise_id=hazard.enterprise_id, hazard=hazard, measures="更换", funds=Decimal(100),
        responsible_user_id=ent.worker.id, deadline=clock.now() + timedelta(days=5),
        contingency_plan="疏散", submitted_by_id=ent.dept_head.id))


def _extension(ent, hazard):
    db.session.add(DeadlineExtension(
        enterprise_id=hazard.enterprise_id, hazard=hazard, requested_by_id=ent.worker.id,
        reason="备件", old_deadline=hazard.deadline, new_deadline=hazard.deadline + timedelta(days=5)))


# action -> (state, grade, extra setup, the roles allowed). The hazard is reported by
# worker2 in worker's team, assigned to worker, and rectified by worker.
CASES = {
    "view": ("reported", "general", None, EVERYONE_WHO_SEES),
    "assign": ("reported", "general", None, ASSIGNERS),
    "change_grade": ("reported", "general", None, SAFETY),
    "change_category": ("assigned", "general", None, SAFETY),
    "submit_plan": ("assigned", "major", None, ASSIGNERS | {"worker"}),
    "approve_plan": ("reported", "major", _plan, {"director"}),
    "rectify": ("assigned", "general", None, {"worker", "dept_head"}),
    "request_extension": ("assigned", "general", None, {"worker"}),
    "decide_extension": ("assigned", "general", _extension, {"director"}),
    "verify": ("rectified", "general", None, ASSIGNERS),
    "reject": ("rectified", "general", None, ASSIGNERS),
    "record_regulator_report": ("reported", "major", None, SAFETY),
}


def test_every_action_is_in_the_table():
    """Does the table name exactly the actions the issue lists?"""
    assert set(permissions.ACTIONS) == set(CASES)


@pytest.fixture
def people(ent):
    other_department = factories.make_department(ent.enterprise, "罐区储运部")
    other_team = factories.make_team(other_department, "罐区班")
    return {
        "worker": ent.worker, "worker2": ent.worker2, "team_leader": ent.team_leader,
        "dept_head": ent.dept_head, "safety_officer": ent.safety_officer,
        "director": ent.director, "principal": ent.principal, "admin": ent.admin,
        "other_dept_head": factories.make_user(ent.enterprise, Role.DEPT_HEAD,
                                               department=other_department),
        "outsider": factories.make_user(ent.enterprise, Role.WORKER, team=other_team),
    }


def _hazard(ent, state, grade, setup=None):
    hazard = factories.make_hazard(ent, reporter=ent.worker2, state=state, grade=grade)
    if setup:
        setup(ent, hazard)
    db.session.flush()
    return hazard


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CASES))
def test_role_against_action(ent, people, action, role):
    """Is each role allowed exactly the actions the table grants it?"""
    state, grade, setup, allowed = CASES[action]
    hazard = _hazard(ent, state, grade, setup)
    assert can(people[role], action, hazard) is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_major_hazard_verified_only_by_the_director(ent, people, action, role):
    """Is a major hazard's rectification verified or rejected by the safety director alone?"""
    hazard = _hazard(ent, "rectified", "major", _plan)
    assert can(people[role], action, hazard) is (role == "director")


def test_rectifier_cannot_verify(ent):
    """Is the department head who rectified refused the verification, and others not?"""
    hazard = factories.make_hazard(ent, state="rectified", rectifier=ent.dept_head)
    assert not can(ent.dept_head, "verify", hazard)
    assert can(ent.safety_officer, "verify", hazard)
    with pytest.raises(PermissionDenied):
        transitions.verify(hazard, ent.dept_head, "好")


def test_director_who_rectified_a_major_hazard_cannot_verify_it(ent):
    """Can the director sign off a major hazard the director fixed?"""
    hazard = factories.make_hazard(ent, state="rectified", grade="major", rectifier=ent.director)
    assert not can(ent.director, "verify", hazard)


def test_other_departments_head_is_refused(ent, people):
    """Is the head of another department refused to see, assign or rectify?"""
    hazard = _hazard(ent, "assigned", "general")
    for action in ("view", "assign", "rectify", "verify"):
        assert not can(people["other_dept_head"], action, hazard), action
    with pytest.raises(PermissionDenied):
        transitions.assign(hazard, people["other_dept_head"], ent.worker2,
                        clock.now() + timedelta(days=1))


@pytest.mark.parametrize("action,state", [
    ("verify", "assigned"), ("reject", "reported"), ("rectify", "reported"),
    ("rectify", "closed"), ("assign", "rectified"), ("assign", "closed"),
    ("change_grade", "closed"), ("request_extension", "rectified"),
    ("approve_plan", "reported"), ("decide_extension", "assigned")])
def test_state_preconditions(ent, action, state):
    """Is an action refused by the director and the assignee when the hazard is in the wrong state?"""
    hazard = _hazard(ent, state, "general")
    assert not can(ent.director, action, hazard) and not can(ent.worker, action, hazard)


def test_major_hazard_rectify_waits_for_approved_plan(ent):
    """Is a major hazard's rectification refused until a plan is approved?"""
    hazard = _hazard(ent, "assigned", "major", _plan)
    assert not can(ent.worker, "rectify", hazard)
    with pytest.raises(InvalidTransition):
        transitions.rectify(hazard, ent.worker, "x", photo_id=None)
    hazard.plans[0].status = "approved"
    assert can(ent.worker, "rectify", hazard)


def test_other_enterprise_cannot_do_anything(ent):
    """Is every action refused to another enterprise's director?"""
    hazard = _hazard(ent, "rectified", "general")
    stranger = factories.standard_enterprise().director
    assert not any(can(stranger, action, hazard) for action in permissions.ACTIONS)


def test_visible_query_matches_sees(ent, people):
    """Does the list query show each role exactly the hazards `sees` allows?"""
    hazards = [_hazard(ent, "reported", "general"),
               factories.make_hazard(ent, reporter=people["outsider"], team=people["outsider"].team_id,
                                     department=people["other_dept_head"].department)]
    for role, user in people.items():
        listed = set(db.session.scalars(queries.visible(user)))
        assert listed == {h for h in hazards if permissions.sees(user, h)}, role
