"""The first lesson's steps as plain functions: each checks (permissions.py), changes and
flushes; the view commits once. A lesson's save is always a new version; a session
assigns its people once, when it is made; attendance and attempts are rows of their own,
which may arrive late from a phone's outbox."""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blueprints.common import audit, clock, rotating_code
from blueprints.common.extensions import db
from blueprints.common.permissions import check
from blueprints.common.refusal import Refused
from blueprints.org.models import Department, Role, Team, User
from blueprints.photos.models import Photo
from blueprints.training import gate
from blueprints.training.models import (
    Attempt,
    Attendance,
    AttendanceMethod,
    Audience,
    Choice,
    Lesson,
    LessonSection,
    LessonSession,
    LessonVersion,
    Occasion,
    Question,
    SectionKind,
    Trainee,
    Waiver,
)
from blueprints.training.permissions import TRAINEE_RULES

MAX_TEXT = 4000
MAX_TITLE = 200
MAX_CHOICE = 500
DEFAULT_PASS_PERCENT = 80
# Who a session for the enterprise or a department assigns: everyone who works at the
# site below the principal; a team's session, its members.
STAFF_ROLES = (Role.WORKER, Role.TEAM_LEADER, Role.DEPT_HEAD)
TEAM_ROLES = (Role.WORKER, Role.TEAM_LEADER)

WRONG = _l("This is not the code of this lesson. Scan the code on the teacher's screen again.")
STALE = _l("This code had already changed when it was scanned. Scan the code on the teacher's "
           "screen again (and check that your phone's clock is right).")
NOT_OPEN = _l("The lesson's attendance was not open when this code was scanned.")
ATTEND_FIRST = _l("This lesson is given in person: sign in there first by scanning the code on "
                  "the teacher's screen, then answer the questions.")


# --- lessons ------------------------------------------------------------------------------

@dataclass
class SectionInput:
    kind: str
    text: str
    photo_id: int | None = None


@dataclass
class ChoiceInput:
    text: str
    correct: bool = False


@dataclass
class QuestionInput:
    text: str
    multiple: bool = False
    choices: list[ChoiceInput] = field(default_factory=list)


@dataclass
class LessonInput:
    title: str
    occasion: str
    pass_percent: int | None = DEFAULT_PASS_PERCENT
    sections: list[SectionInput] = field(default_factory=list)
    questions: list[QuestionInput] = field(default_factory=list)


def _lesson_errors(data: LessonInput, enterprise_id: int) -> dict:
    errors = {}
    if not data.title.strip():
        errors["title"] = _l("Give the lesson a title.")
    if Occasion.lookup(data.occasion) is None:
        errors["occasion"] = _l("Choose the occasion of the lesson.")
    if data.pass_percent is None or not 1 <= data.pass_percent <= 100:
        errors["pass_percent"] = _l("Enter the pass mark as a percentage from 1 to 100.")
    if not data.sections:
        errors["sections"] = _l("Write at least one section for people to read.")
    for n, section in enumerate(data.sections, 1):
        if SectionKind.lookup(section.kind) is None:
            errors[f"section-{n}-kind"] = _l("Choose what this section is about.")
        if section.photo_id is not None:
            photo = db.session.get(Photo, section.photo_id)
            if photo is None or photo.enterprise_id != enterprise_id:
                errors[f"section-{n}-photo"] = _l("This picture was not found. Please add it again.")
    if not data.questions:
        errors["questions"] = _l("Ask at least one question: understanding is checked.")
    for n, question in enumerate(data.questions, 1):
        right = sum(choice.correct for choice in question.choices)
        if len(question.choices) < 2:
            errors[f"question-{n}"] = _l("Give question %(n)s at least two choices.", n=n)
        elif right == 0:
            errors[f"question-{n}"] = _l("Mark the right choice of question %(n)s.", n=n)
        elif right > 1 and not question.multiple:
            errors[f"question-{n}"] = _l("Question %(n)s has several right choices: make it a "
                                         "multiple-choice question, or mark one.", n=n)
    return errors


def save_lesson(enterprise_id: int, lesson: Lesson | None, data: LessonInput,
                actor: User) -> LessonVersion:
    """A new lesson, or a new version of one: sessions already given keep their version."""
    data.sections = [s for s in data.sections if s.text.strip() or s.photo_id]
    data.questions = [q for q in data.questions if q.text.strip()]
    for question in data.questions:
        question.choices = [c for c in question.choices if c.text.strip()]
    errors = _lesson_errors(data, enterprise_id)
    if errors:
        raise Refused.many(errors)
    if lesson is None:
        lesson = Lesson(enterprise_id=enterprise_id)
        db.session.add(lesson)
        db.session.flush()
    number = lesson.versions[-1].number + 1 if lesson.versions else 1
    version = LessonVersion(enterprise_id=enterprise_id, lesson_id=lesson.id, number=number,
                            title=data.title.strip()[:MAX_TITLE], occasion=Occasion(data.occasion),
                            pass_percent=data.pass_percent, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    for position, section in enumerate(data.sections, 1):
        db.session.add(LessonSection(enterprise_id=enterprise_id, version_id=version.id, position=position,
                                     kind=SectionKind(section.kind), text=section.text.strip()[:MAX_TEXT],
                                     photo_id=section.photo_id))
    for position, question in enumerate(data.questions, 1):
        row = Question(enterprise_id=enterprise_id, version_id=version.id, position=position,
                       text=question.text.strip()[:MAX_TEXT], multiple=question.multiple)
        db.session.add(row)
        db.session.flush()
        for at, choice in enumerate(question.choices, 1):
            db.session.add(Choice(enterprise_id=enterprise_id, question_id=row.id, position=at,
                                  text=choice.text.strip()[:MAX_CHOICE], correct=choice.correct))
    db.session.flush()
    db.session.refresh(lesson)
    db.session.refresh(version)
    audit.record(enterprise_id, actor.id, "lesson.saved", version, number=number)
    return version


# --- sessions -----------------------------------------------------------------------------

@dataclass
class SessionInput:
    audience: str
    held_on: date | None
    department_id: int | None = None
    team_id: int | None = None
    people: list[int] = field(default_factory=list)
    in_person: bool = True
    teacher_id: int | None = None
    place: str = ""


def _active(enterprise_id: int, *where) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.enterprise_id == enterprise_id, User.active.is_(True), *where).order_by(User.employee_no)))


def _owned(model, row_id: int | None, enterprise_id: int) -> bool:
    row = db.session.get(model, row_id) if row_id else None
    return row is not None and row.enterprise_id == enterprise_id


def audience_of(enterprise_id: int, data: SessionInput) -> list[User]:
    """The people a session assigns, refused when its group is not of the enterprise."""
    audience = Audience.lookup(data.audience)
    if audience == Audience.ENTERPRISE:
        return _active(enterprise_id, User.role.in_(STAFF_ROLES))
    if audience == Audience.DEPARTMENT:
        if not _owned(Department, data.department_id, enterprise_id):
            raise Refused(_l("Choose the department."), "department_id")
        team_ids = select(Team.id).where(Team.department_id == data.department_id)
        return _active(enterprise_id, User.role.in_(STAFF_ROLES),
                       (User.department_id == data.department_id) | User.team_id.in_(team_ids))
    if audience == Audience.TEAM:
        if not _owned(Team, data.team_id, enterprise_id):
            raise Refused(_l("Choose the team."), "team_id")
        return _active(enterprise_id, User.role.in_(TEAM_ROLES), User.team_id == data.team_id)
    if audience == Audience.PEOPLE:
        people = _active(enterprise_id, User.id.in_(data.people)) if data.people else []
        if not people:
            raise Refused(_l("Choose the people this lesson is for."), "people")
        return people
    raise Refused(_l("Choose whom the lesson is for."), "audience")


def create_session(user: User, version: LessonVersion, data: SessionInput) -> LessonSession:
    """Assigns the lesson to everyone of the group (but who teaches it) as of now."""
    if data.held_on is None:
        raise Refused(_l("Give the day of the lesson."), "held_on")
    teacher = db.session.get(User, data.teacher_id) if data.teacher_id else None
    if data.in_person and (teacher is None or teacher.enterprise_id != user.enterprise_id
                           or not teacher.active):
        raise Refused(_l("Name who teaches it in person (the principal, for the first lesson "
                         "after a holiday)."), "teacher_id")
    people = [p for p in audience_of(user.enterprise_id, data) if teacher is None or p.id != teacher.id]
    if not people:
        raise Refused(_l("Nobody of this group would take the lesson."), "audience")
    session = LessonSession(
        enterprise_id=user.enterprise_id, version_id=version.id, audience=Audience(data.audience),
        department_id=data.department_id if data.audience == Audience.DEPARTMENT else None,
        team_id=data.team_id if data.audience == Audience.TEAM else None, held_on=data.held_on,
        in_person=data.in_person, teacher_id=teacher.id if teacher else None,
        place=data.place.strip()[:200], created_by_id=user.id, secret=rotating_code.new_secret())
    check(user, "create", session)
    db.session.add(session)
    db.session.flush()
    for person in people:
        db.session.add(Trainee(enterprise_id=user.enterprise_id, session_id=session.id, user_id=person.id,
                               due_on=data.held_on, department_id=person.effective_department_id))
    db.session.flush()
    db.session.refresh(session)
    audit.record(user.enterprise_id, user.id, "lesson_session.created", session, people=len(people))
    return session


def open_attendance(session: LessonSession, user: User, moment: datetime | None = None) -> None:
    """Whoever teaches it opens the attendance on the day: the rotating code shows from then."""
    check(user, "teach", session)
    moment = moment or clock.now()
    if gate.local_today(user, moment) < session.held_on:
        raise Refused(_l("This lesson is given on %(day)s: the attendance opens that day.",
                         day=session.held_on.isoformat()), status=409)
    if session.opened_at is None:
        session.opened_at = moment
        db.session.flush()


def close_attendance(session: LessonSession, user: User, moment: datetime | None = None) -> None:
    check(user, "teach", session)
    if session.opened_at is None:
        raise Refused(_l("The attendance has not been opened."), status=409)
    session.closed_at = max(moment or clock.now(), session.opened_at)
    db.session.flush()


def trainee_of(session: LessonSession, user_id: int) -> Trainee | None:
    return next((t for t in session.trainees if t.user_id == user_id), None)


def attendance_by_uuid(client_uuid: str | None) -> Attendance | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Attendance).where(Attendance.client_uuid == client_uuid))


def attend(user: User, session: LessonSession, minute: int | None, code: str, scanned_at: datetime,
           client_uuid: str | None = None, user_agent: str = "") -> Trainee:
    """A person's own sign-in by the teacher's rotating code, by the briefing's rules
    (rotating_code.check_scan); signing in again changes nothing."""
    trainee = trainee_of(session, user.id)
    already = attendance_by_uuid(client_uuid)
    if already is not None:
        if already.user_id != user.id:
            raise Refused(_l("This record was already sent from another login."), status=409)
        return trainee
    if trainee is None:
        raise Refused(TRAINEE_RULES["attend"].denied, status=403)
    check(user, "attend", trainee)
    rotating_code.check_scan(session.secret, session.id, minute, code, scanned_at, session.opened_at,
                             session.closed_at, WRONG, STALE, NOT_OPEN)
    if session.attended(user.id) is None:
        db.session.add(Attendance(enterprise_id=session.enterprise_id, session_id=session.id, user_id=user.id,
                                  client_uuid=client_uuid, method=AttendanceMethod.CODE, signed_at=scanned_at,
                                  minute=minute, user_agent=user_agent[:300]))
        db.session.flush()
        db.session.refresh(session)
    return trainee


def confirm_attendance(session: LessonSession, teacher: User, user_id: int | None, note: str) -> Attendance:
    """The teacher confirms a person without a phone, with a note of how."""
    check(teacher, "teach", session)
    trainee = trainee_of(session, user_id) if user_id else None
    if trainee is None:
        raise Refused(_l("This person is not among the people of this lesson."), "user_id")
    if not session.is_open:
        raise Refused(_l("Open the attendance first."), status=409)
    if not note.strip():
        raise Refused(_l("Say how you know this person attended (no phone, signed on paper…)."), "note")
    existing = session.attended(user_id)
    if existing is not None:
        return existing
    row = Attendance(enterprise_id=session.enterprise_id, session_id=session.id, user_id=user_id,
                     method=AttendanceMethod.TEACHER, signed_at=clock.now(), confirmed_by_id=teacher.id,
                     note=note.strip()[:500])
    db.session.add(row)
    db.session.flush()
    db.session.refresh(session)
    return row


# --- the quiz -----------------------------------------------------------------------------

def score(questions: list[Question], answers: dict[int, set[int]]) -> int:
    """How many questions are answered right: a multiple-choice question counts only with
    every right choice and no wrong one (all or nothing)."""
    return sum(answers.get(question.id, set()) == question.right for question in questions)


def answer_errors(questions: list[Question], answers: dict[int, set[int]], signed: bool,
                  unsigned) -> dict:
    """What is wrong with a set of answers to these questions (a lesson's quiz, a spot test):
    every question answered with its own choices (one, unless multiple choice), nothing
    else, and the person's signature (`unsigned` says what to tick)."""
    known = {q.id: {c.id for c in q.choices} for q in questions}
    errors = {}
    for n, question in enumerate(questions, 1):
        chosen = answers.get(question.id, set())
        if not chosen:
            errors[f"q-{question.id}"] = _l("Answer question %(n)s.", n=n)
        elif not chosen <= known[question.id] or (len(chosen) > 1 and not question.multiple):
            errors[f"q-{question.id}"] = _l("The answer to question %(n)s is not one of its choices. "
                                            "Please reload the page.", n=n)
    if set(answers) - set(known):
        errors[None] = _l("Some answers do not belong to these questions. Please reload the page.")
    if not signed:
        errors["signed"] = unsigned
    return errors


def as_stored(answers: dict[int, set[int]]) -> dict:
    return {str(q): sorted(c) for q, c in answers.items()}


def passes(correct: int, total: int, pass_percent: int) -> bool:
    """At or above the pass mark, in whole numbers (4 of 5 is 80 %, exactly)."""
    return total > 0 and correct * 100 >= pass_percent * total


def attempt_by_uuid(client_uuid: str | None) -> Attempt | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Attempt).where(Attempt.client_uuid == client_uuid))


def submit_attempt(trainee: Trainee, user: User, answers: dict[int, set[int]], signed: bool,
                   done_at: datetime | None = None, client_uuid: str | None = None) -> Attempt:
    """One go at the quiz, kept whatever its score; the first pass lifts the gate. Every
    question must be answered, and the person signs that they studied the lesson. The same
    UUID again returns the first attempt."""
    already = attempt_by_uuid(client_uuid)
    if already is not None:
        if already.trainee_id != trainee.id:
            raise Refused(_l("This record was already sent from another login."), status=409)
        return already
    check(user, "attempt", trainee)
    session = trainee.session
    if session.in_person and session.attended(user.id) is None:
        raise Refused(ATTEND_FIRST, status=409)
    version = session.version
    errors = answer_errors(version.questions, answers, signed,
                           _l("Tick to sign that you studied this lesson."))
    if errors:
        raise Refused.many(errors)
    correct = score(version.questions, answers)
    total = len(version.questions)
    done_at = min(done_at or clock.now(), clock.now())
    passed = passes(correct, total, version.pass_percent)
    row = Attempt(enterprise_id=trainee.enterprise_id, trainee_id=trainee.id, client_uuid=client_uuid,
                  done_at=done_at, answers=as_stored(answers),
                  correct=correct, total=total, passed=passed)
    db.session.add(row)
    if passed:
        trainee.passed_at = done_at
    db.session.flush()
    db.session.refresh(trainee)
    return row


def waive(trainee: Trainee, user: User, reason: str) -> Waiver:
    """Lets the person work without the lesson passed; the reason is kept, and logged."""
    check(user, "waive", trainee)
    if not reason.strip():
        raise Refused(_l("Give the reason for letting this person work without the lesson."), "reason")
    row = Waiver(enterprise_id=trainee.enterprise_id, trainee_id=trainee.id, by_id=user.id,
                 reason=reason.strip()[:MAX_TEXT])
    db.session.add(row)
    trainee.waived_at = clock.now()
    db.session.flush()
    audit.record(trainee.enterprise_id, user.id, "trainee.waived", trainee, reason=row.reason)
    return row
