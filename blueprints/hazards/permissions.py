"""Who may do what to a hazard, and in which state: the hazards' table, which views,
services and templates all ask (`can(user, action, hazard)`, here or through
common.permissions)."""
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, true

from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.common.refusal import Refused
from blueprints.hazards.models import DecisionStatus, Hazard, HazardState
from blueprints.org.models import Role, User

SEES_ALL = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL, Role.ADMIN)
SAFETY = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
# Who opens the ledgers (a department head his department's rows, by seen_by).
LEDGER_READERS = (Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


class HazardError(Refused):
    """A hazard's step refused; the message is for the user, in their language."""


class PermissionDenied(HazardError):
    """The user may not do this to this hazard (403)."""

    def __init__(self, message, field: str | None = None, status: int = 403):
        super().__init__(message, field, status)


class InvalidTransition(HazardError):
    """The hazard is not in a state where this can be done (400)."""


def heads_department(user: User, hazard: Hazard) -> bool:
    return user.has_role(Role.DEPT_HEAD) and user.effective_department_id == hazard.department_id


def seen_by(user: User):
    """The hazards the user may see, as one condition: the SQL filter of every list, and
    through holds() the check of one hazard."""
    department_id = user.effective_department_id if user.has_role(Role.DEPT_HEAD) else None
    return _seen_by(user.enterprise_id, user.has_role(*SEES_ALL), user.id, user.team_id,
                    department_id)


# The same condition object for the same user, so that holds() compiles it once: a list
# or the escalation pass asks it of every hazard.
@lru_cache(maxsize=1024)
def _seen_by(enterprise_id: int, sees_all: bool, user_id: int, team_id: int | None,
             department_id: int | None):
    if sees_all:
        mine = [true()]
    else:
        mine = [Hazard.reported_by_id == user_id, Hazard.assignee_id == user_id,
                Hazard.rectified_by_id == user_id]
        if team_id is not None:  # workers and team leaders: their team's
            mine.append(Hazard.team_id == team_id)
        if department_id is not None:  # a department head: his department's
            mine.append(Hazard.department_id == department_id)
    return and_(Hazard.enterprise_id == enterprise_id, or_(*mine))


def _assigner(user, hazard):
    return user.has_role(*SAFETY) or heads_department(user, hazard)


def _safety(user, _hazard):
    return user.has_role(*SAFETY)


def _director(user, _hazard):
    return user.has_role(Role.SAFETY_DIRECTOR)


def _rectifier(user, hazard):
    return user.id == hazard.assignee_id or heads_department(user, hazard)


def _verifier(user, hazard):
    # The fixer never signs off their own fix; a major hazard only the safety director.
    if user.id == hazard.rectified_by_id:
        return False
    if hazard.is_major:
        return user.has_role(Role.SAFETY_DIRECTOR)
    return user.has_role(*SAFETY) or heads_department(user, hazard)


def _planner(user, hazard):
    return _assigner(user, hazard) or user.id == hazard.assignee_id


def _state(*states: HazardState):
    return lambda hazard: hazard.state in states


def _open(hazard):
    return hazard.state != HazardState.CLOSED


def _pending(rows):
    return any(r.status == DecisionStatus.PENDING for r in rows)


def approved_plan(hazard: Hazard):
    return next((p for p in reversed(hazard.plans) if p.status == DecisionStatus.APPROVED),
                None)


def pending_plan(hazard: Hazard):
    return next((p for p in hazard.plans if p.status == DecisionStatus.PENDING), None)


def pending_extension(hazard: Hazard):
    return next((e for e in hazard.extensions if e.status == DecisionStatus.PENDING), None)


def _may_plan(hazard):
    return (hazard.is_major and hazard.state in (HazardState.REPORTED, HazardState.ASSIGNED)
            and not _pending(hazard.plans) and approved_plan(hazard) is None)


def _may_rectify(hazard):
    # A major hazard waits for its approved 五定 plan before work starts.
    return hazard.state == HazardState.ASSIGNED and (
        not hazard.is_major or approved_plan(hazard) is not None)


def _may_extend(hazard):
    return (hazard.state == HazardState.ASSIGNED and hazard.deadline is not None
            and not _pending(hazard.extensions))


# THE table. Seeing the hazard is required for every action on top of `who`.
RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "assign": Rule(_assigner, _state(HazardState.REPORTED, HazardState.ASSIGNED),
                   _l("Only a reported or assigned hazard can be assigned.")),
    "change_grade": Rule(_safety, _open, _l("A closed hazard cannot be changed.")),
    "change_category": Rule(_safety, _open, _l("A closed hazard cannot be changed.")),
    "submit_plan": Rule(_planner, _may_plan,
                        _l("A plan can be submitted only for an open major hazard without a "
                           "pending or approved plan.")),
    "approve_plan": Rule(_director, lambda h: _pending(h.plans), _l("There is no plan awaiting approval.")),
    "rectify": Rule(_rectifier, _may_rectify,
                    _l("Rectification needs an assigned hazard, and for a major hazard an approved plan.")),
    "request_extension": Rule(lambda u, h: u.id == h.assignee_id, _may_extend,
                              _l("An extension can be asked for only while the hazard is assigned "
                                 "with a deadline and no other request is pending.")),
    "decide_extension": Rule(_director, lambda h: _pending(h.extensions),
                             _l("There is no extension request awaiting a decision.")),
    "verify": Rule(_verifier, _state(HazardState.RECTIFIED), _l("Only a rectified hazard can be verified.")),
    "reject": Rule(_verifier, _state(HazardState.RECTIFIED), _l("Only a rectified hazard can be rejected.")),
    "record_regulator_report": Rule(_safety, lambda h: h.is_major and not h.regulator_reports,
                                    _l("Only a major hazard not yet reported to the regulator "
                                       "can be recorded.")),
}
ACTIONS = tuple(RULES)


TABLE = table_for(Hazard, Table(seen_by, RULES, PermissionDenied, InvalidTransition))
sees, may, can, check = TABLE.sees, TABLE.may, TABLE.can, TABLE.check
