"""The training ledger (培训台账) an inspector asks for: the sessions of a period with their
attendance and results, and the spot tests of that period; each session's people; each
person's whole record. Each ledger is defined once, as sheets of columns and rows, which
the printed page and the Excel download both show (common/excel.py)."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.common.excel import Column, Sheet
from blueprints.common.extensions import db
from blueprints.common.ledger import LocalTime
from blueprints.common.permissions import TABLES
from blueprints.org.models import User
from blueprints.training import certificates, queries, spot_tests
from blueprints.training.models import Audience, LessonSession, SpotTest, Trainee

PASSED = _l("Passed")
NOT_PASSED = _l("Not passed")
WAIVED = _l("Waived")


def _result(trainee: Trainee):
    if trainee.passed_at is not None:
        return PASSED
    return WAIVED if trainee.waived_at is not None else NOT_PASSED


def _audience(session: LessonSession):
    if session.audience == Audience.DEPARTMENT and session.department:
        return session.department.name
    if session.audience == Audience.TEAM and session.team:
        return session.team.name
    return session.audience.label


def _unit(person: User) -> str:
    department = person.effective_department
    return " · ".join(name for name in (department.name if department else "",
                                        person.team.name if person.team else "") if name)


def _best(trainee: Trainee) -> str:
    if not trainee.attempts:
        return ""
    return f"{max(a.correct for a in trainee.attempts)}/{trainee.attempts[-1].total}"


# --- the period's sessions and spot tests

SESSION_COLUMNS = [Column(_l("No."), 6), Column(_l("Day"), 12), Column(_l("Lesson"), 30),
                   Column(_l("Occasion"), 16), Column(_l("Taught by"), 10), Column(_l("Place"), 18),
                   Column(_l("For"), 16), Column(_l("Assigned"), 8), Column(_l("Attended"), 8),
                   Column(_l("Passed"), 8), Column(_l("Waived"), 8), Column(_l("Not yet passed"), 10)]

SPOT_TEST_COLUMNS = [Column(_l("No."), 6), Column(_l("Time"), 17), Column(_l("Full name"), 10),
                     Column(_l("Employee no."), 10), Column(_l("Department · team"), 22),
                     Column(_l("Tested by"), 10), Column(_l("Place"), 18), Column(_l("Questions"), 8),
                     Column(_l("Right"), 8), Column(_l("Pass mark (%%)"), 10), Column(_l("Result"), 10)]


def sessions_between(user: User, start: date, end: date) -> list[LessonSession]:
    loaded = [selectinload(getattr(LessonSession, name)) for name in
              ("version", "teacher", "department", "team", "trainees", "attendance")]
    return list(db.session.scalars(
        select(LessonSession).options(*loaded)
        .where(TABLES[LessonSession].seen_by(user), LessonSession.held_on.between(start, end))
        .order_by(LessonSession.held_on, LessonSession.id)))


def session_rows(sessions: list[LessonSession]):
    for n, session in enumerate(sessions, 1):
        progress = queries.progress(session)
        yield [n, session.held_on, session.version.title, session.version.occasion.label,
               session.teacher.name if session.teacher else "", session.place, _audience(session),
               progress.people, progress.attended if session.in_person else None, progress.passed,
               progress.waived, progress.pending]


def spot_tests_between(user: User, start: date, end: date, local: LocalTime) -> list[SpotTest]:
    since, until = local.bounds(start, end)
    query = (spot_tests.listed(user, newest_first=False)
             .options(selectinload(SpotTest.user).selectinload(User.team)))
    return list(db.session.scalars(query.where(SpotTest.done_at >= since, SpotTest.done_at < until)))


def spot_test_rows(tests: list[SpotTest], local: LocalTime):
    for n, test in enumerate(tests, 1):
        yield [n, local(test.done_at), test.user.name, test.user.employee_no, _unit(test.user),
               test.examiner.name, test.place, test.total, test.correct, test.pass_percent,
               PASSED if test.passed else NOT_PASSED]


def period(user: User, start: date, end: date, sessions: list[LessonSession]) -> list[Sheet]:
    """The period's sessions (sessions_between, one row each) and its spot tests."""
    local = LocalTime(user.enterprise.timezone)
    heading = _l("%(enterprise)s · training ledger · %(start)s to %(end)s", enterprise=user.enterprise.name,
                 start=start.isoformat(), end=end.isoformat())
    return [Sheet(_l("Lessons"), heading, SESSION_COLUMNS, list(session_rows(sessions))),
            Sheet(_l("Spot tests"), heading, SPOT_TEST_COLUMNS,
                  list(spot_test_rows(spot_tests_between(user, start, end, local), local)))]


# --- one session's people

PEOPLE_COLUMNS = [Column(_l("No."), 6), Column(_l("Full name"), 10), Column(_l("Employee no."), 10),
                  Column(_l("Department · team"), 22), Column(_l("Attendance"), 14),
                  Column(_l("Signed in at"), 17), Column(_l("Attempts"), 8), Column(_l("Best"), 8),
                  Column(_l("Result"), 10), Column(_l("Passed at (signed)"), 17), Column(_l("Note"), 30)]


def people_rows(session: LessonSession, local: LocalTime):
    trainees = db.session.scalars(select(Trainee).options(
        selectinload(Trainee.user).selectinload(User.team), selectinload(Trainee.attempts),
        selectinload(Trainee.waiver)).where(Trainee.session_id == session.id).order_by(Trainee.id))
    for n, trainee in enumerate(trainees, 1):
        attended = session.attended(trainee.user_id)
        note = ""
        if trainee.waiver:
            note = _l("Waived by %(name)s: %(reason)s", name=trainee.waiver.by.name,
                      reason=trainee.waiver.reason)
        elif attended and attended.note:
            note = attended.note
        yield [n, trainee.user.name, trainee.user.employee_no, _unit(trainee.user),
               attended.method.label if attended else (_l("Not attended") if session.in_person else ""),
               local(attended.signed_at) if attended else None, len(trainee.attempts), _best(trainee),
               _result(trainee), local(trainee.passed_at), note]


def of_session(user: User, session: LessonSession) -> list[Sheet]:
    local = LocalTime(user.enterprise.timezone)
    version = session.version
    heading = _l("%(enterprise)s · %(lesson)s (version %(number)s) · %(day)s · %(teacher)s · %(place)s",
                 enterprise=user.enterprise.name, lesson=version.title, number=version.number,
                 day=session.held_on.isoformat(), teacher=session.teacher.name if session.teacher else "—",
                 place=session.place or "—")
    return [Sheet(_l("Attendance and results"), heading, PEOPLE_COLUMNS, list(people_rows(session, local)))]


# --- one person's record

LESSON_COLUMNS = [Column(_l("No."), 6), Column(_l("Day"), 12), Column(_l("Lesson"), 30),
                  Column(_l("Occasion"), 16), Column(_l("Taught by"), 10), Column(_l("Signed in at"), 17),
                  Column(_l("Attempts"), 8), Column(_l("Best"), 8), Column(_l("Result"), 10),
                  Column(_l("Passed at (signed)"), 17)]

PERSON_TEST_COLUMNS = [Column(_l("No."), 6), Column(_l("Time"), 17), Column(_l("Tested by"), 10),
                       Column(_l("Place"), 18), Column(_l("Questions"), 8), Column(_l("Right"), 8),
                       Column(_l("Pass mark (%%)"), 10), Column(_l("Result"), 10)]

CERTIFICATE_COLUMNS = [Column(_l("No."), 6), Column(_l("Certificate"), 34), Column(_l("Number"), 22),
                       Column(_l("Issued by"), 20), Column(_l("Issued on"), 12),
                       Column(_l("Valid until"), 12), Column(_l("State"), 10)]

CERTIFICATE_STATES = {"valid": _l("Valid"), "expiring": _l("Expiring soon"), "expired": _l("Expired"),
                      "replaced": _l("Replaced")}


def of_person(user: User, person: User) -> list[Sheet]:
    local = LocalTime(user.enterprise.timezone)
    heading = _l("%(enterprise)s · training record of %(name)s (%(number)s) · %(unit)s",
                 enterprise=user.enterprise.name, name=person.name, number=person.employee_no,
                 unit=_unit(person) or person.role.label)
    lessons = [[n, t.due_on, t.session.version.title, t.session.version.occasion.label,
                t.session.teacher.name if t.session.teacher else "",
                local(t.attendance.signed_at) if t.attendance else None, len(t.attempts), _best(t),
                _result(t), local(t.passed_at)]
               for n, t in enumerate(sorted(queries.of_user(person), key=lambda t: (t.due_on, t.id)), 1)]
    tests = [[n, local(t.done_at), t.examiner.name, t.place, t.total, t.correct, t.pass_percent,
              PASSED if t.passed else NOT_PASSED]
             for n, t in enumerate(db.session.scalars(
                 spot_tests.listed(user, person.id, newest_first=False)), 1)]
    today, warning = queries.local_today(user), user.enterprise.certificate_warning_days
    held = [[n, c.title, c.number, c.issued_by, c.issued_on, c.expires_on,
             CERTIFICATE_STATES[certificates.state_of(c, today, warning)]]
            for n, c in enumerate(certificates.of_holder(person), 1)]
    return [Sheet(_l("Lessons"), heading, LESSON_COLUMNS, lessons),
            Sheet(_l("Spot tests"), heading, PERSON_TEST_COLUMNS, tests),
            Sheet(_l("Certificates"), heading, CERTIFICATE_COLUMNS, held)]
