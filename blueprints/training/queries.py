"""What is known of the lessons: a person's own, the sessions with their progress, and
who an unpassed lesson keeps from work now."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from blueprints.common.extensions import db
from blueprints.common.permissions import TABLES
from blueprints.org.models import Role, User
from blueprints.training.gate import holding_back, local_today
from blueprints.training.models import Lesson, LessonSession, LessonVersion, Trainee

PER_PAGE = 30
# A lesson coming up this soon is shown on the person's home already.
SHOWN_AHEAD = timedelta(days=7)


def of_user(user: User) -> list[Trainee]:
    """Every lesson assigned to the user: those still to pass first (soonest first), then
    the others, newest first."""
    rows = list(db.session.scalars(select(Trainee).options(
        selectinload(Trainee.session).selectinload(LessonSession.version))
        .where(Trainee.user_id == user.id).order_by(Trainee.due_on.desc(), Trainee.id.desc())))
    pending = sorted((t for t in rows if t.passed_at is None and t.waived_at is None), key=lambda t: t.due_on)
    return pending + [t for t in rows if t.passed_at is not None or t.waived_at is not None]


def for_home(user: User) -> list[Trainee]:
    """The user's lessons still to pass, due by now or within SHOWN_AHEAD: the home shows
    them first."""
    horizon = local_today(user) + SHOWN_AHEAD
    return [t for t in of_user(user) if t.passed_at is None and t.waived_at is None and t.due_on <= horizon]


def sessions(user: User):
    """The sessions the user may see, newest first."""
    return (select(LessonSession).options(selectinload(LessonSession.version),
                                          selectinload(LessonSession.trainees),
                                          selectinload(LessonSession.teacher))
            .where(TABLES[LessonSession].seen_by(user))
            .order_by(LessonSession.held_on.desc(), LessonSession.id.desc()))


@dataclass
class Progress:
    people: int
    attended: int
    passed: int
    waived: int

    @property
    def pending(self) -> int:
        return self.people - self.passed - self.waived


def progress(session: LessonSession) -> Progress:
    trainees = session.trainees
    attended = {a.user_id for a in session.attendance}
    return Progress(len(trainees), sum(t.user_id in attended for t in trainees),
                    sum(t.passed_at is not None for t in trainees),
                    sum(t.passed_at is None and t.waived_at is not None for t in trainees))


def held_back(user: User, today: date | None = None) -> list[Trainee]:
    """Who an unpassed lesson keeps from work today, once each (their earliest lesson): a
    team leader's team, a department head's department, everyone for the safety staff and
    the principal."""
    query = select(Trainee).options(selectinload(Trainee.user).selectinload(User.team),
                                    selectinload(Trainee.session).selectinload(LessonSession.version)).where(
        Trainee.enterprise_id == user.enterprise_id, holding_back(today or local_today(user)))
    if user.has_role(Role.TEAM_LEADER):
        # A leader not (or no longer) in a team leads nobody: not the people without a team.
        team = User.team_id == user.team_id if user.team_id is not None else false()
        query = query.where(Trainee.user_id.in_(select(User.id).where(team)))
    elif user.has_role(Role.DEPT_HEAD):
        query = query.where(Trainee.department_id == user.effective_department_id)
    first = {}
    for trainee in db.session.scalars(query.order_by(Trainee.due_on, Trainee.id)):
        first.setdefault(trainee.user_id, trainee)
    return sorted(first.values(), key=lambda t: t.user.employee_no)


def lessons(enterprise_id: int) -> list[Lesson]:
    return list(db.session.scalars(select(Lesson).options(
        selectinload(Lesson.versions).selectinload(LessonVersion.questions))
        .where(Lesson.enterprise_id == enterprise_id, Lesson.active.is_(True)).order_by(Lesson.id.desc())))


def unpassed_sessions(enterprise_id: int, days: list[date]) -> list[tuple[LessonSession, list[Trainee]]]:
    """The enterprise's sessions of those days with people who have neither passed nor been
    let work without it, and those people: the escalation ladder's lesson rung."""
    found = db.session.scalars(select(LessonSession).options(
        selectinload(LessonSession.version),
        selectinload(LessonSession.trainees).selectinload(Trainee.user))
        .where(LessonSession.enterprise_id == enterprise_id, LessonSession.held_on.in_(days))
        .order_by(LessonSession.id))
    rows = []
    for session in found:
        pending = [t for t in session.trainees if t.passed_at is None and t.waived_at is None]
        if pending:
            rows.append((session, pending))
    return rows
