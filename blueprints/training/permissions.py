"""Who may do what with the first lessons: one table for sessions (who sees them, who
gives one, who teaches it) and one for trainees (the person's own lesson and quiz, the
safety officer's waiver), asked through common.permissions.can. A session about to be
created is asked as an unsaved row."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_

from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.common.predicates import holds
from blueprints.org.models import Role, User
from blueprints.training.models import Certificate, LessonSession, SpotTest, Trainee

# Keep the lessons, give sessions, and lift the gate for a person (with a reason).
KEEPERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
# Follow who has and has not passed: the leaders, the safety staff, the principal.
OVERSEERS = (Role.TEAM_LEADER, Role.DEPT_HEAD, *KEEPERS, Role.PRINCIPAL, Role.ADMIN)
# Give spot tests (逢查必考): a leader to his own people, the safety staff and the principal to anyone.
EXAMINERS = (Role.TEAM_LEADER, Role.DEPT_HEAD, *KEEPERS, Role.PRINCIPAL)


def _session_seen_by(user: User):
    mine = [LessonSession.teacher_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(LessonSession.enterprise_id == user.enterprise_id)
    return and_(LessonSession.enterprise_id == user.enterprise_id, or_(*mine))


def _keeper(user, _thing):
    return user.has_role(*KEEPERS)


def _teaches(user, session):
    return user.id == session.teacher_id or user.has_role(*KEEPERS)


SESSION_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "create": Rule(_keeper, lambda s: s.id is None),
    "teach": Rule(_teaches, lambda s: s.in_person and s.closed_at is None,
                  _l("The attendance of this session is closed.")),
}


def _trainee_seen_by(user: User):
    mine = [Trainee.user_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(Trainee.enterprise_id == user.enterprise_id)
    return and_(Trainee.enterprise_id == user.enterprise_id, or_(*mine))


def _own(user, trainee):
    return user.id == trainee.user_id


def _pending(trainee):
    return trainee.passed_at is None and trainee.waived_at is None


TRAINEE_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    "attend": Rule(_own, always, denied=_l("You are not among the people of this lesson: ask who "
                                          "teaches it to confirm you by hand.")),
    "attempt": Rule(_own, lambda t: t.passed_at is None, _l("You have passed this lesson already.")),
    "waive": Rule(_keeper, _pending, _l("This person has passed the lesson or may already work.")),
}


def sees_record(user: User, person: User) -> bool:
    """A person's whole training record: their own, and anyone's for those who follow the
    lessons (they see every lesson's people already)."""
    return user.enterprise_id == person.enterprise_id and (user.id == person.id or user.has_role(*OVERSEERS))


def _certificate_seen_by(user: User):
    """One's own certificates; everyone's for those who follow the lessons too."""
    mine = [Certificate.user_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(Certificate.enterprise_id == user.enterprise_id)
    return and_(Certificate.enterprise_id == user.enterprise_id, or_(*mine))


CERTIFICATE_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    # Recorded from the paper by the safety staff; a certificate about to be recorded is
    # asked as an unsaved row.
    "record": Rule(_keeper, lambda c: c.id is None),
    "replace": Rule(_keeper, lambda c: c.replaced_by_id is None,
                    _l("This certificate has been replaced already: renew the one that replaced it.")),
}


def _spot_test_seen_by(user: User):
    """One's own results and those one gave; everyone's for those who follow the lessons."""
    mine = [SpotTest.user_id == user.id, SpotTest.examiner_id == user.id]
    if user.has_role(*OVERSEERS):
        mine.append(SpotTest.enterprise_id == user.enterprise_id)
    return and_(SpotTest.enterprise_id == user.enterprise_id, or_(*mine))


def _examines(user: User):
    """Whose spot tests the user may give, as a condition on the test (the person's team and
    department when tested): a team leader his team's, a department head his department's."""
    if user.has_role(*KEEPERS, Role.PRINCIPAL):
        return SpotTest.enterprise_id == user.enterprise_id
    # A leader not (or no longer) in a team or department examines nobody, not those without one.
    if user.has_role(Role.DEPT_HEAD) and user.effective_department_id is not None:
        return SpotTest.department_id == user.effective_department_id
    if user.has_role(Role.TEAM_LEADER) and user.team_id is not None:
        return SpotTest.team_id == user.team_id
    return false()


def _gives(user, test):
    return test.user_id != user.id and holds(_examines(user), test)


SPOT_TEST_RULES: dict[str, Rule] = {
    "view": Rule(anyone, always),
    # Asked as an unsaved row for the person about to be tested.
    "give": Rule(_gives, lambda t: t.id is None,
                 denied=_l("You may not test this person: a leader tests his own team or department.")),
}

SESSIONS = table_for(LessonSession, Table(_session_seen_by, SESSION_RULES))
TRAINEES = table_for(Trainee, Table(_trainee_seen_by, TRAINEE_RULES))
CERTIFICATES = table_for(Certificate, Table(_certificate_seen_by, CERTIFICATE_RULES))
SPOT_TESTS = table_for(SpotTest, Table(_spot_test_seen_by, SPOT_TEST_RULES))
