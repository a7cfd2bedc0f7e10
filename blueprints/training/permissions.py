"""Who may do what with the first lessons: one table for sessions (who sees them, who
gives one, who teaches it) and one for trainees (the person's own lesson and quiz, the
safety officer's waiver), asked through common.permissions.can. A session about to be
created is asked as an unsaved row."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from blueprints.common.permissions import Rule, Table, always, anyone, table_for
from blueprints.org.models import Role, User
from blueprints.training.models import Certificate, LessonSession, Trainee

# Keep the lessons, give sessions, and lift the gate for a person (with a reason).
KEEPERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
# Follow who has and has not passed: the leaders, the safety staff, the principal.
OVERSEERS = (Role.TEAM_LEADER, Role.DEPT_HEAD, *KEEPERS, Role.PRINCIPAL, Role.ADMIN)


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

SESSIONS = table_for(LessonSession, Table(_session_seen_by, SESSION_RULES))
TRAINEES = table_for(Trainee, Table(_trainee_seen_by, TRAINEE_RULES))
CERTIFICATES = table_for(Certificate, Table(_certificate_seen_by, CERTIFICATE_RULES))
