"""逢查必考: whoever inspects a workplace may test a person there on what the lessons teach.
The examiner picks the person and the questions (or lets a few be drawn from every
lesson), the person answers on the examiner's phone and signs, and the result is kept in
the person's training record. The questions are the lessons' current ones, scored as the
lessons' quizzes are (services.score)."""
import random
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.permissions import TABLES, can, check
from blueprints.common.refusal import Refused
from blueprints.org.models import User
from blueprints.training import queries, services
from blueprints.training.models import LessonVersion, Question, SpotTest

DEFAULT_COUNT = 5
MAX_QUESTIONS = 20
MAX_PLACE = 200


def draft(examiner: User, person: User) -> SpotTest:
    """The test about to be given, as the permission table asks it."""
    return SpotTest(enterprise_id=examiner.enterprise_id, user_id=person.id, team_id=person.team_id,
                    department_id=person.effective_department_id, examiner_id=examiner.id)


def examinable(examiner: User) -> list[User]:
    """Whom the examiner may test: his team, his department, or anyone for the safety staff."""
    people = db.session.scalars(select(User).options(selectinload(User.team)).where(
        User.enterprise_id == examiner.enterprise_id, User.active.is_(True)).order_by(User.employee_no))
    return [person for person in people if can(examiner, "give", draft(examiner, person))]


def askable(enterprise_id: int) -> list[LessonVersion]:
    """The questions to ask: those of each kept lesson's current version."""
    return [lesson.current for lesson in queries.lessons(enterprise_id) if lesson.current.questions]


@dataclass
class Paper:
    person: User
    questions: list[Question]
    pass_percent: int


def paper(examiner: User, person_id: int | None, question_ids: list[int], count: int | None,
          pass_percent: int | None) -> Paper:
    """The person and the questions, checked: the chosen ones in their order, or `count`
    drawn at random from every lesson when none is chosen."""
    person = db.session.get(User, person_id) if person_id else None
    if person is None or person.enterprise_id != examiner.enterprise_id or not person.active:
        raise Refused(_l("Choose the person to test."), "user_id")
    check(examiner, "give", draft(examiner, person))
    if pass_percent is None or not 1 <= pass_percent <= 100:
        raise Refused(_l("Enter the pass mark as a percentage from 1 to 100."), "pass_percent")
    if question_ids:
        # Any of the lessons' questions, not only their current versions': a test answered
        # offline still counts when a lesson was saved again meanwhile.
        found = {q.id: q for q in db.session.scalars(select(Question).options(selectinload(Question.choices))
                 .where(Question.enterprise_id == examiner.enterprise_id, Question.id.in_(question_ids)))}
        if len(set(question_ids)) != len(question_ids) or set(question_ids) - set(found):
            raise Refused(_l("Some of these questions are not known. Please choose them again."), "questions")
        if len(question_ids) > MAX_QUESTIONS:
            raise Refused(_l("Ask at most %(count)s questions.", count=MAX_QUESTIONS), "questions")
        return Paper(person, [found[q] for q in question_ids], pass_percent)
    pool = {q.id: q for version in askable(examiner.enterprise_id) for q in version.questions}
    if not pool:
        raise Refused(_l("No lesson has questions yet: the safety officer writes them with the lessons."))
    if count is None or not 1 <= count <= MAX_QUESTIONS:
        raise Refused(_l("Ask from 1 to %(count)s questions.", count=MAX_QUESTIONS), "count")
    drawn = random.sample(sorted(pool), min(count, len(pool)))
    return Paper(person, [pool[q] for q in drawn], pass_percent)


def by_uuid(client_uuid: str | None) -> SpotTest | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(SpotTest).where(SpotTest.client_uuid == client_uuid))


def record(examiner: User, sheet: Paper, answers: dict[int, set[int]], signed: bool, place: str = "",
           done_at: datetime | None = None, client_uuid: str | None = None) -> SpotTest:
    """The answers given, scored and kept whatever the score; the same UUID again returns
    the first record."""
    already = by_uuid(client_uuid)
    if already is not None:
        if already.examiner_id != examiner.id:
            raise Refused(_l("This record was already sent from another login."), status=409)
        return already
    row = draft(examiner, sheet.person)
    check(examiner, "give", row)
    errors = services.answer_errors(sheet.questions, answers, signed,
                                    _l("The person tested ticks to sign the answers as their own."))
    if errors:
        raise Refused.many(errors)
    correct = services.score(sheet.questions, answers)
    total = len(sheet.questions)
    row.client_uuid = client_uuid
    row.done_at = min(done_at or clock.now(), clock.now())
    row.place = place.strip()[:MAX_PLACE]
    row.pass_percent = sheet.pass_percent
    row.questions = [q.id for q in sheet.questions]
    row.answers = services.as_stored(answers)
    row.correct, row.total = correct, total
    row.passed = services.passes(correct, total, sheet.pass_percent)
    db.session.add(row)
    db.session.flush()
    return row


def marked(test: SpotTest) -> list[tuple[Question, set[int], bool]]:
    """Each question of a test in the order asked, with the choices picked and whether that
    was right."""
    found = {q.id: q for q in db.session.scalars(select(Question).options(selectinload(Question.choices))
                                                 .where(Question.id.in_(test.questions)))}
    picked = {int(q): set(c) for q, c in test.answers.items()}
    return [(found[q], picked.get(q, set()), picked.get(q, set()) == found[q].right)
            for q in test.questions if q in found]


def listed(user: User, person_id: int | None = None, newest_first: bool = True):
    """The spot tests the user may see (of one person), newest first (the lists) or oldest
    first (the ledgers, read in order)."""
    query = (select(SpotTest).options(selectinload(SpotTest.user), selectinload(SpotTest.examiner))
             .where(TABLES[SpotTest].seen_by(user)))
    if person_id is not None:
        query = query.where(SpotTest.user_id == person_id)
    if newest_first:
        return query.order_by(SpotTest.done_at.desc(), SpotTest.id.desc())
    return query.order_by(SpotTest.done_at, SpotTest.id)
