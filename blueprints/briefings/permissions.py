"""Who may do what to a briefing, and when: the briefings' table, which views, services
and templates ask (`can(user, action, briefing)`, here or through common.permissions). A
briefing about to be started is asked as an unsaved row, so that starting is in the
table too."""
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, true

from blueprints.briefings.models import Briefing
from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.org.models import Role, User

SEES_ALL = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL, Role.ADMIN)
# Keep the teams' briefing templates.
KEEPERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)


def seen_by(user: User):
    """The briefings the user may see, as one condition: the SQL filter of every list,
    and through holds() the check of one briefing."""
    department_id = user.effective_department_id if user.has_role(Role.DEPT_HEAD) else None
    return _seen_by(user.enterprise_id, user.has_role(*SEES_ALL), user.id, user.team_id, department_id)


@lru_cache(maxsize=1024)
def _seen_by(enterprise_id: int, sees_all: bool, user_id: int, team_id: int | None,
             department_id: int | None):
    if sees_all:
        mine = [true()]
    else:
        mine = [Briefing.leader_id == user_id]
        if team_id is not None:
            mine.append(Briefing.team_id == team_id)
        if department_id is not None:
            mine.append(Briefing.department_id == department_id)
    return and_(Briefing.enterprise_id == enterprise_id, or_(*mine))


def _heads_department(user: User, briefing: Briefing) -> bool:
    return user.has_role(Role.DEPT_HEAD) and user.effective_department_id == briefing.department_id


def _chair(user, briefing):
    # Chaired by the team's leader; the department head stands in for an absent one.
    return _team_leader(user, briefing) or _heads_department(user, briefing)


def _leader(user, briefing):
    return user.id == briefing.leader_id


def _team_leader(user, briefing):
    return user.has_role(Role.TEAM_LEADER) and user.team_id == briefing.team_id


def _runs(user, briefing):
    # Who started it, or the team's leader taking over from the department head.
    return _leader(user, briefing) or _team_leader(user, briefing)


def _on_roster(user, briefing):
    return any(a.user_id == user.id for a in briefing.attendees)


def _supervisor(user, briefing):
    return _leader(user, briefing) or _heads_department(user, briefing) or user.has_role(*KEEPERS)


def _running(briefing):
    return briefing.closed_at is None


RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "start": Rule(_chair, lambda b: b.id is None, _l("This briefing has already been started.")),
    "close": Rule(_runs, _running, _l("A closed briefing cannot be changed: add a note instead.")),
    "sign_in": Rule(_on_roster, always, denied=_l("You are not on this briefing's roster: sign in at "
                                                  "your own team's briefing.")),
    "add_note": Rule(_supervisor, lambda b: not _running(b),
                     _l("Notes are added to a closed briefing; while it runs, the leader records it.")),
}

TABLE = table_for(Briefing, Table(seen_by, RULES))
sees, may, can, check = TABLE.sees, TABLE.may, TABLE.can, TABLE.check
