"""Who may read, comment on and make final a summary: one table, asked through
common.permissions.can. The safety staff and the principal read every summary; the
workforce reads the monthly notices once they are final (posted); only the safety
director writes the comments and makes a summary final."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, true

from blueprints.common import clock
from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.org.models import Role, User
from blueprints.summaries.models import Summary, SummaryKind

READERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def _seen_by(user: User):
    posted = and_(Summary.kind == SummaryKind.MONTH, Summary.final_at.is_not(None))
    return and_(Summary.enterprise_id == user.enterprise_id,
                or_(true() if user.has_role(*READERS) else false(), posted))


def _director(user, _summary):
    return user.has_role(Role.SAFETY_DIRECTOR)


def _draft(summary: Summary) -> bool:
    return summary.final_at is None


def _ended_draft(summary: Summary) -> bool:
    return _draft(summary) and clock.today(summary.enterprise.timezone) > summary.end


RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "comment": Rule(_director, _draft, _l("This summary is final: it is kept as it was made final."),
                    _l("Only the safety director writes the comments.")),
    "make_final": Rule(_director, _ended_draft,
                       _l("Only a draft whose period has ended can be made final."),
                       _l("Only the safety director makes a summary final.")),
}

SUMMARIES = table_for(Summary, Table(_seen_by, RULES))
