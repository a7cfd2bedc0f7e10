"""The permission table: every role against every action, on hazards in the right state."""
from datetime import timedelta

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import permissions, queries, transitions
from blueprints.hazards.models import (
    DeadlineExtension,
    DecisionStatus,
    Hazard,
    HazardGrade,
    HazardState,
    RectificationPlan,
)
from blueprints.hazards.permissions import InvalidTransition, PermissionDenied, can
from blueprints.org.models import Department, Role, Team, User
from tests import factories

ROLES = ("worker", "worker2", "team_leader", "dept_head", "other_dept_head", "outsider",
         "safety_officer", "director", "principal", "admin")
ASSIGNERS = {"dept_head", "safety_officer", "director"}
SAFETY = {"safety_officer", "director"}
EVERYONE_WHO_SEES = set(ROLES) - {"other_dept_head", "outsider"}


def _plan(hazard):
    hazard.plans.append(RectificationPlan(status=DecisionStatus.PENDING))


def _extension(hazard):
    hazard.extensions.append(DeadlineExtension(status=DecisionStatus.PENDING))


# action -> (state, grade, extra setup, the roles allowed). The hazard is reported by
# worker2 in worker's team, assigned to worker, and rectified by worker.
CASES = {
    "view": (HazardState.REPORTED, HazardGrade.GENERAL, None, EVERYONE_WHO_SEES),
    "assign": (HazardState.REPORTED, HazardGrade.GENERAL, None, ASSIGNERS),
    "change_grade": (HazardState.REPORTED, HazardGrade.GENERAL, None, SAFETY),
    "change_category": (HazardState.ASSIGNED, HazardGrade.GENERAL, None, SAFETY),
    "submit_plan": (HazardState.ASSIGNED, HazardGrade.MAJOR, None, ASSIGNERS | {"worker"}),
    "approve_plan": (HazardState.REPORTED, HazardGrade.MAJOR, _plan, {"director"}),
    "rectify": (HazardState.ASSIGNED, HazardGrade.GENERAL, None, {"worker", "dept_head"}),
    "request_extension": (HazardState.ASSIGNED, HazardGrade.GENERAL, None, {"worker"}),
    "decide_extension": (HazardState.ASSIGNED, HazardGrade.GENERAL, _extension, {"director"}),
    "verify": (HazardState.RECTIFIED, HazardGrade.GENERAL, None, ASSIGNERS),
    "reject": (HazardState.RECTIFIED, HazardGrade.GENERAL, None, ASSIGNERS),
    "record_regulator_report": (HazardState.REPORTED, HazardGrade.MAJOR, None, SAFETY),
}


def test_every_action_is_in_the_table():
    """Does the table name exactly the actions the issue lists?"""
    assert set(permissions.ACTIONS) == set(CASES)


def _people(enterprise_id=1):
    """The standard enterprise's people (see factories.standard_enterprise) with a second
    department, as objects in memory: the table asks nothing of the database, so the
    matrix needs no session."""
    workshop = Department(id=10, enterprise_id=enterprise_id, name="合成车间")
    office = Department(id=11, enterprise_id=enterprise_id, name="安全环保部")
    other_department = Department(id=12, enterprise_id=enterprise_id, name="罐区储运部")
    team = Team(id=20, enterprise_id=enterprise_id, department_id=workshop.id,
                department=workshop, name="合成甲班")
    other_team = Team(id=21, enterprise_id=enterprise_id, department_id=other_department.id,
                      department=other_department, name="罐区班")
    made = {}

    def person(name, role, team=None, department=None):
        made[name] = User(id=enterprise_id * 100 + len(made) + 1, enterprise_id=enterprise_id,
                          employee_no=name, name=name, role=role, active=True,
                          team_id=team.id if team else None, team=team,
                          department_id=department.id if department else None)

    person("worker", Role.WORKER, team=team)
    person("worker2", Role.WORKER, team=team)
    person("team_leader", Role.TEAM_LEADER, team=team)
    person("dept_head", Role.DEPT_HEAD, department=workshop)
    person("other_dept_head", Role.DEPT_HEAD, department=other_department)
    person("outsider", Role.WORKER, team=other_team)
    person("safety_officer", Role.SAFETY_OFFICER, department=office)
    person("director", Role.SAFETY_DIRECTOR, department=office)
    person("principal", Role.PRINCIPAL, department=office)
    person("admin", Role.ADMIN, department=office)
    return made


PEOPLE = _people()


def _hazard_in_memory(state, grade, setup=None, rectifier="worker"):
    """Reported by worker2 in worker's team; assigned to worker, rectified by `rectifier`
    (as factories.make_hazard brings one to a state)."""
    reached = [HazardState.ASSIGNED, HazardState.RECTIFIED, HazardState.CLOSED]
    hazard = Hazard(id=1, enterprise_id=1, department_id=10, team_id=20,
                    reported_by_id=PEOPLE["worker2"].id, state=state, grade=grade)
    if state in reached:
        hazard.assignee_id = PEOPLE["worker"].id
        hazard.deadline = hazard.original_deadline = clock.now() + timedelta(days=3)
    if state in reached[1:]:
        hazard.rectified_by_id = PEOPLE[rectifier].id
    if setup:
        setup(hazard)
    return hazard


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(CASES))
def test_role_against_action(action, role):
    """Is each role allowed exactly the actions the table grants it?"""
    state, grade, setup, allowed = CASES[action]
    hazard = _hazard_in_memory(state, grade, setup)
    assert can(PEOPLE[role], action, hazard) is (role in allowed)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_major_hazard_verified_only_by_the_director(action, role):
    """Is a major hazard's rectification verified or rejected by the safety director alone?"""
    hazard = _hazard_in_memory(HazardState.RECTIFIED, HazardGrade.MAJOR, _plan)
    assert can(PEOPLE[role], action, hazard) is (role == "director")


def test_rectifier_cannot_verify():
    """Is the department head who rectified refused the verification, and others not?"""
    hazard = _hazard_in_memory(HazardState.RECTIFIED, HazardGrade.GENERAL, rectifier="dept_head")
    assert not can(PEOPLE["dept_head"], "verify", hazard)
    assert can(PEOPLE["safety_officer"], "verify", hazard)
    with pytest.raises(PermissionDenied):
        transitions.verify(hazard, PEOPLE["dept_head"], "好")


def test_director_who_rectified_a_major_hazard_cannot_verify_it():
    """Can the director sign off a major hazard the director fixed?"""
    hazard = _hazard_in_memory(HazardState.RECTIFIED, HazardGrade.MAJOR, rectifier="director")
    assert not can(PEOPLE["director"], "verify", hazard)


def test_other_departments_head_is_refused():
    """Is the head of another department refused to see, assign or rectify?"""
    hazard = _hazard_in_memory(HazardState.ASSIGNED, HazardGrade.GENERAL)
    for action in ("view", "assign", "rectify", "verify"):
        assert not can(PEOPLE["other_dept_head"], action, hazard), action
    with pytest.raises(PermissionDenied):
        transitions.assign(hazard, PEOPLE["other_dept_head"], PEOPLE["worker2"],
                           clock.now() + timedelta(days=1))


@pytest.mark.parametrize("action,state", [
    ("verify", "assigned"), ("reject", "reported"), ("rectify", "reported"),
    ("rectify", "closed"), ("assign", "rectified"), ("assign", "closed"),
    ("change_grade", "closed"), ("request_extension", "rectified"),
    ("approve_plan", "reported"), ("decide_extension", "assigned")])
def test_state_preconditions(action, state):
    """Is an action refused by the director and the assignee when the hazard is in the wrong state?"""
    hazard = _hazard_in_memory(HazardState(state), HazardGrade.GENERAL)
    assert not can(PEOPLE["director"], action, hazard) and not can(PEOPLE["worker"], action, hazard)


def test_major_hazard_rectify_waits_for_approved_plan():
    """Is a major hazard's rectification refused until a plan is approved?"""
    hazard = _hazard_in_memory(HazardState.ASSIGNED, HazardGrade.MAJOR, _plan)
    assert not can(PEOPLE["worker"], "rectify", hazard)
    with pytest.raises(InvalidTransition):
        transitions.rectify(hazard, PEOPLE["worker"], "x", photo_id=None)
    hazard.plans[0].status = DecisionStatus.APPROVED
    assert can(PEOPLE["worker"], "rectify", hazard)


def test_other_enterprise_cannot_do_anything():
    """Is every action refused to another enterprise's director?"""
    hazard = _hazard_in_memory(HazardState.RECTIFIED, HazardGrade.GENERAL)
    stranger = _people(enterprise_id=2)["director"]
    assert not any(can(stranger, action, hazard) for action in permissions.ACTIONS)


def test_visible_query_matches_sees(ent):
    """Does the list query show each role exactly the hazards `sees` allows? (In the
    database: the list is SQL.)"""
    other_department = factories.make_department(ent.enterprise, "罐区储运部")
    outsider = factories.make_user(ent.enterprise, Role.WORKER,
                                   team=factories.make_team(other_department, "罐区班"))
    people = {
        "worker": ent.worker, "worker2": ent.worker2, "team_leader": ent.team_leader,
        "dept_head": ent.dept_head, "safety_officer": ent.safety_officer,
        "director": ent.director, "principal": ent.principal, "admin": ent.admin,
        "other_dept_head": factories.make_user(ent.enterprise, Role.DEPT_HEAD,
                                               department=other_department),
        "outsider": outsider}
    hazards = [factories.make_hazard(ent, reporter=ent.worker2),
               factories.make_hazard(ent, reporter=outsider, team=outsider.team_id,
                                     department=other_department)]
    for role, user in people.items():
        listed = set(db.session.scalars(queries.visible(user)))
        assert listed == {h for h in hazards if permissions.sees(user, h)}, role
