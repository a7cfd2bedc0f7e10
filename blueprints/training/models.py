"""The first lesson before work (开工第一课, 鲁安办发〔2021〕68号) and the training it
records: lessons versioned like checklists (sections to read, a short quiz with a pass
mark), sessions of a lesson given to a group on a day, the people each session assigns,
their attendance by the rotating code, every quiz attempt, and the safety officer's
logged waivers. Attempts and attendance are evidence and never edited; an assignment
only notes when it was first passed."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import client_uuid, created_at, enterprise_fk
from blueprints.org.models import Department, Team, User
from blueprints.photos.models import Photo


class Occasion(LabelledEnum):
    HOLIDAY = "holiday", _l("First working day after a holiday")
    RESUMPTION = "resumption", _l("Work resumes after a stop")
    NEW_WORKER = "new_worker", _l("New or transferred worker")
    NEW_PROJECT = "new_project", _l("Before a new project")
    ACCIDENT = "accident", _l("After an accident")


class SectionKind(LabelledEnum):
    """The content the rule asks of a first lesson, in its order."""
    RULES = "rules", _l("Rules of the job")
    RISKS = "risks", _l("Main risks of the site")
    CASE = "case", _l("Accident case")
    EMERGENCY = "emergency", _l("Emergency steps")


class Lesson(db.Model):
    """A lesson the safety officer keeps; what it says is in its versions."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()
    versions: Mapped[list["LessonVersion"]] = relationship(
        back_populates="lesson", order_by="LessonVersion.number")

    @property
    def current(self) -> "LessonVersion":
        return self.versions[-1]


class LessonVersion(db.Model):
    """Saving a lesson makes a new number; a session keeps the version it was given from."""
    __table_args__ = (UniqueConstraint("lesson_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    occasion: Mapped[Occasion] = mapped_column(stored_as(Occasion, 12))
    # The least share of questions answered right to pass, in percent.
    pass_percent: Mapped[int]
    created_at: Mapped[datetime] = created_at()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    lesson: Mapped[Lesson] = relationship(back_populates="versions")
    sections: Mapped[list["LessonSection"]] = relationship(order_by="LessonSection.position")
    questions: Mapped[list["Question"]] = relationship(order_by="Question.position")


class LessonSection(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    version_id: Mapped[int] = mapped_column(ForeignKey("lesson_version.id"), index=True)
    position: Mapped[int]
    kind: Mapped[SectionKind] = mapped_column(stored_as(SectionKind, 10))
    text: Mapped[str] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    photo: Mapped[Photo | None] = relationship()


class Question(db.Model):
    """Single choice (one right choice) or multiple choice (every right one, nothing else)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    version_id: Mapped[int] = mapped_column(ForeignKey("lesson_version.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    multiple: Mapped[bool] = mapped_column(default=False)
    choices: Mapped[list["Choice"]] = relationship(order_by="Choice.position")

    @property
    def right(self) -> set[int]:
        return {choice.id for choice in self.choices if choice.correct}


class Choice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))
    correct: Mapped[bool] = mapped_column(default=False)


class Audience(LabelledEnum):
    """Whom a session is given to."""
    ENTERPRISE = "enterprise", _l("The whole enterprise")
    DEPARTMENT = "department", _l("A department")
    TEAM = "team", _l("A team")
    PEOPLE = "people", _l("Chosen people (new or transferred workers)")


class LessonSession(db.Model):
    """A lesson given to a group on a day. In person (the principal's 开工第一课), whoever
    teaches opens the attendance, which people sign by the rotating code; the quiz of
    such a session is taken once attended."""
    __table_args__ = (Index("ix_lesson_session_enterprise_day", "enterprise_id", "held_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    version_id: Mapped[int] = mapped_column(ForeignKey("lesson_version.id"))
    audience: Mapped[Audience] = mapped_column(stored_as(Audience, 12))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    held_on: Mapped[date]
    in_person: Mapped[bool] = mapped_column(default=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    place: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()
    # Keys the rotating attendance code (common/rotating_code.py); on the teacher's screen only.
    secret: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    version: Mapped[LessonVersion] = relationship()
    department: Mapped[Department | None] = relationship()
    team: Mapped[Team | None] = relationship()
    teacher: Mapped[User | None] = relationship(foreign_keys=[teacher_id])
    trainees: Mapped[list["Trainee"]] = relationship(back_populates="session", order_by="Trainee.id")
    attendance: Mapped[list["Attendance"]] = relationship(back_populates="session",
                                                          order_by="Attendance.id")

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None

    def attended(self, user_id: int) -> "Attendance | None":
        return next((a for a in self.attendance if a.user_id == user_id), None)


class Trainee(db.Model):
    """One person a session assigns the lesson to. Until passed or waived from the session's
    day on, the person does not work (不上第一课不开工: gate.py)."""
    __table_args__ = (UniqueConstraint("session_id", "user_id"),
                      Index("ix_trainee_pending", "user_id", "passed_at", "waived_at", "due_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    session_id: Mapped[int] = mapped_column(ForeignKey("lesson_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The session's day, kept here so that "held back today" is one indexed condition.
    due_on: Mapped[date]
    # The department the person belonged to when assigned: the heads' counts go by it.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    passed_at: Mapped[datetime | None]
    waived_at: Mapped[datetime | None]
    session: Mapped[LessonSession] = relationship(back_populates="trainees")
    user: Mapped[User] = relationship()
    attempts: Mapped[list["Attempt"]] = relationship(back_populates="trainee", order_by="Attempt.id")
    waiver: Mapped["Waiver | None"] = relationship(back_populates="trainee")

    @property
    def attendance(self) -> "Attendance | None":
        return self.session.attended(self.user_id)


class AttendanceMethod(LabelledEnum):
    CODE = "code", _l("Scanned the code")
    TEACHER = "teacher", _l("Confirmed by the teacher")


class Attendance(db.Model):
    """Who was at an in-person session: by the rotating code on their own phone (perhaps
    queued offline), or confirmed by whoever taught it for a person without a phone."""
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    session_id: Mapped[int] = mapped_column(ForeignKey("lesson_session.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    client_uuid: Mapped[str | None] = client_uuid()
    method: Mapped[AttendanceMethod] = mapped_column(stored_as(AttendanceMethod, 10))
    # The scan's time on the phone (naive UTC); the confirmation's, for the teacher's.
    signed_at: Mapped[datetime]
    received_at: Mapped[datetime] = created_at()
    minute: Mapped[int | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    session: Mapped[LessonSession] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Attempt(db.Model):
    """One go at the quiz, signed by its maker, kept whatever its score."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id"), index=True)
    client_uuid: Mapped[str | None] = client_uuid()
    # The phone's time of the press (naive UTC), and when it arrived.
    done_at: Mapped[datetime]
    received_at: Mapped[datetime] = created_at()
    # {question id: [choice ids]} as answered.
    answers: Mapped[dict] = mapped_column(db.JSON, default=dict)
    correct: Mapped[int]
    total: Mapped[int]
    passed: Mapped[bool]
    trainee: Mapped[Trainee] = relationship(back_populates="attempts")


class Waiver(db.Model):
    """The safety officer lets a person work without the lesson passed, with a reason."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainee.id"), unique=True)
    by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = created_at()
    reason: Mapped[str] = mapped_column(Text)
    trainee: Mapped[Trainee] = relationship(back_populates="waiver")
    by: Mapped[User] = relationship()


class CertificateKind(LabelledEnum):
    """The certificates the rules require held (三项人员 and special operations)."""
    SPECIAL = "special", _l("Special operation certificate (特种作业操作证)")
    SAFETY_MANAGER = "manager", _l("Safety manager certificate (安全管理人员证)")
    PRINCIPAL = "principal", _l("Principal's certificate (主要负责人证)")


class Operation(LabelledEnum):
    """The special operations of the national catalogue (特种作业目录): a special operation
    certificate names one, and a point that needs one names which."""
    ELECTRICAL = "electrical", _l("Electrical work")
    WELDING = "welding", _l("Welding and hot cutting")
    HEIGHT = "height", _l("Work at height")
    REFRIGERATION = "refrigeration", _l("Refrigeration and air conditioning")
    COAL_MINE = "coal_mine", _l("Coal mine safety work")
    MINE = "mine", _l("Metal and non-metal mine safety work")
    OIL_GAS = "oil_gas", _l("Oil and gas safety work")
    METALLURGY = "metallurgy", _l("Metallurgical (non-ferrous) production safety work")
    CHEMICALS = "chemicals", _l("Hazardous chemicals safety work")
    FIREWORKS = "fireworks", _l("Fireworks safety work")
    OTHER = "other", _l("Other work named by the authorities")


class Certificate(db.Model):
    """A certificate a person holds, as recorded from the paper (with its photo). Never
    edited: a renewal or a correction is a new certificate that replaces it, and the old
    one notes by which."""
    __table_args__ = (Index("ix_certificate_current", "user_id", "replaced_by_id", "expires_on"),
                      Index("ix_certificate_expiry", "enterprise_id", "replaced_by_id", "expires_on"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[CertificateKind] = mapped_column(stored_as(CertificateKind, 10))
    # Only for a special operation certificate: which operation it allows.
    operation: Mapped[Operation | None] = mapped_column(stored_as(Operation, 16))
    number: Mapped[str] = mapped_column(String(64))
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date | None]
    # The last day it is valid.
    expires_on: Mapped[date]
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    photo: Mapped[Photo | None] = relationship()
    replaced_by: Mapped["Certificate | None"] = relationship(remote_side=[id], foreign_keys=[replaced_by_id])

    @property
    def title(self):
        return certificate_title(self.kind, self.operation)


def certificate_title(kind: CertificateKind, operation: Operation | None):
    """Lazy, like the labels: a gap found by the escalation pass is read in each user's language."""
    if operation is None:
        return kind.label
    return _l("%(kind)s · %(operation)s", kind=kind.label, operation=operation.label)


class SpotTest(db.Model):
    """逢查必考: an examiner (a leader or the safety staff) asks a person questions taken
    from the lessons, on the examiner's phone, and the result goes into the person's
    training record. Evidence: never edited; the questions are kept by id (a lesson's
    versions are never changed) with the answers as given."""
    __table_args__ = (Index("ix_spot_test_person", "user_id", "done_at"),
                      Index("ix_spot_test_enterprise_day", "enterprise_id", "done_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The person's team and department when tested: their leaders follow the results.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    examiner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    client_uuid: Mapped[str | None] = client_uuid()
    # The phone's time of the press (naive UTC), and when it arrived.
    done_at: Mapped[datetime]
    received_at: Mapped[datetime] = created_at()
    place: Mapped[str] = mapped_column(String(200), default="")
    pass_percent: Mapped[int]
    # The question ids asked, in their order, and {question id: [choice ids]} as answered.
    questions: Mapped[list] = mapped_column(db.JSON, default=list)
    answers: Mapped[dict] = mapped_column(db.JSON, default=dict)
    correct: Mapped[int]
    total: Mapped[int]
    passed: Mapped[bool]
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    examiner: Mapped[User] = relationship(foreign_keys=[examiner_id])
