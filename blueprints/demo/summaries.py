"""Last month's notice to the workforce (公示), commented and made final by the safety
director through the same services as the page, so that the workers' homes offer it."""
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, User
from blueprints.summaries import periods, services
from blueprints.summaries.models import SummaryKind

COMMENTS = "上月发现的隐患已全部落实整改责任人和期限；请各班组继续做好岗位排查，发现隐患及时随手拍上报。"


def load_summaries(enterprise: Enterprise) -> None:
    director = db.session.scalar(select(User).where(User.enterprise_id == enterprise.id,
                                                    User.employee_no == "S001"))
    today = clock.today(enterprise.timezone)
    notice = services.summary_for(director, periods.of(SummaryKind.MONTH, today).before())
    services.save_comments(notice, director, COMMENTS)
    services.make_final(notice, director)
