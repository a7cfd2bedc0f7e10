"""Who may do what with reports and rewards: one table each, asked through
common.permissions.can. A report and its reward are seen by their reporter and by those
who answer and oversee reports."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.org.models import Role, User
from blueprints.reporting.models import Report, ReportState, Reward, RewardState

# Answer reports (受理) and pay rewards: the safety staff.
TRIAGERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
# See every report and reward of the enterprise.
OVERSEERS = (*TRIAGERS, Role.PRINCIPAL)


def _report_seen_by(user: User):
    mine = [Report.reporter_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(Report.enterprise_id == user.enterprise_id)
    return and_(Report.enterprise_id == user.enterprise_id, or_(*mine))


def _triager(user, _thing):
    return user.has_role(*TRIAGERS)


def _director(user, _thing):
    return user.has_role(Role.SAFETY_DIRECTOR)


REPORT_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "answer": Rule(_triager, lambda r: r.state == ReportState.RECEIVED,
                   _l("This report has been answered already.")),
    # A public reporter's contact, if they left one: the safety director's alone.
    "see_contact": Rule(_director, lambda r: r.reporter_id is None),
}


def _reward_seen_by(user: User):
    mine = [Reward.reporter_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(Reward.enterprise_id == user.enterprise_id)
    return and_(Reward.enterprise_id == user.enterprise_id, or_(*mine))


REWARD_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "decide": Rule(_director, lambda r: r.state == RewardState.PROPOSED,
                   _l("This reward has been decided already."),
                   _l("Only the safety director decides rewards.")),
    "pay": Rule(_triager, lambda r: r.state == RewardState.APPROVED,
                _l("Only an approved reward not yet paid can be marked paid.")),
}

REPORTS = table_for(Report, Table(_report_seen_by, REPORT_RULES))
REWARDS = table_for(Reward, Table(_reward_seen_by, REWARD_RULES))
