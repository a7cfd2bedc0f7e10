"""The morning briefing (班前会, 鲁安发〔2022〕4号): a team's template of the rule's six
steps, each briefing held from it, its roll call, and the sign-ins that prove who was there.
A closed briefing is never edited; what comes later is a new note or a sign-in made
before the close and received after it."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import client_uuid, created_at, enterprise_fk
from blueprints.org.models import Department, Team, User
from blueprints.photos.models import Photo

# The rule's least length of a briefing; a team may set a longer one in its template.
MIN_MINUTES = 5


class BriefingStep(LabelledEnum):
    """The rule's six steps, in their order."""
    ROLL_CALL = "roll_call", _l("Roll call")
    STATE = "state", _l("Check everyone's state")
    TASKS = "tasks", _l("Assign today's tasks")
    LESSON = "lesson", _l("Short lesson")
    SAFETY_POINTS = "safety_points", _l("Today's safety points")
    RECORD = "record", _l("File the record")


class BriefingTemplate(db.Model):
    """A team's briefing, versioned like a checklist: saving makes a new number, and each
    briefing keeps the version it was held from."""
    __table_args__ = (UniqueConstraint("team_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    number: Mapped[int]
    min_minutes: Mapped[int] = mapped_column(default=MIN_MINUTES)
    created_at: Mapped[datetime] = created_at()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    team: Mapped[Team] = relationship()
    items: Mapped[list["BriefingTemplateItem"]] = relationship(
        back_populates="template", order_by="BriefingTemplateItem.position")

    def items_of(self, step: "BriefingStep") -> list["BriefingTemplateItem"]:
        return [item for item in self.items if item.step == step]


class BriefingTemplateItem(db.Model):
    """One prompt of a step; the state step's prompts are the 班前三查."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    template_id: Mapped[int] = mapped_column(ForeignKey("briefing_template.id"), index=True)
    position: Mapped[int]
    step: Mapped[BriefingStep] = mapped_column(stored_as(BriefingStep, 16))
    text: Mapped[str] = mapped_column(Text)
    template: Mapped[BriefingTemplate] = relationship(back_populates="items")


class Briefing(db.Model):
    """One team's briefing before one shift (for a team without shifts, one work day)."""
    __table_args__ = (UniqueConstraint("team_id", "shift_start"),
                      Index("ix_briefing_enterprise_shift", "enterprise_id", "shift_start"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    # The team's department and the shift's name as they were: the record keeps them.
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    shift_name: Mapped[str] = mapped_column(String(50), default="")
    work_day: Mapped[date]
    shift_start: Mapped[datetime]
    shift_end: Mapped[datetime]
    template_id: Mapped[int] = mapped_column(ForeignKey("briefing_template.id"))
    min_minutes: Mapped[int]
    leader_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    close_uuid: Mapped[str | None] = client_uuid()
    # Keys the rotating sign-in code (codes.py); shown to the leader's page only.
    secret: Mapped[str] = mapped_column(String(64))
    # What the app put before the leader at the start (one per line), then their own.
    safety_points: Mapped[str] = mapped_column(Text, default="")
    extra_points: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))

    team: Mapped[Team] = relationship()
    department: Mapped[Department] = relationship()
    template: Mapped[BriefingTemplate] = relationship()
    leader: Mapped[User] = relationship()
    photo: Mapped[Photo | None] = relationship()
    attendees: Mapped[list["Attendee"]] = relationship(back_populates="briefing", order_by="Attendee.id")
    sign_ins: Mapped[list["SignIn"]] = relationship(back_populates="briefing", order_by="SignIn.id")
    notes: Mapped[list["BriefingNote"]] = relationship(back_populates="briefing", order_by="BriefingNote.id")

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def minutes(self) -> float | None:
        if self.closed_at is None:
            return None
        return (self.closed_at - self.started_at).total_seconds() / 60

    @property
    def is_short(self) -> bool:
        """Closed sooner than the rule's (or the team's) least length."""
        return self.minutes is not None and self.minutes < self.min_minutes

    def sign_in_of(self, user_id: int) -> "SignIn | None":
        return next((s for s in self.sign_ins if s.user_id == user_id), None)


class Presence(LabelledEnum):
    PRESENT = "present", _l("Present")
    ABSENT = "absent", _l("Absent")
    LEAVE = "leave", _l("On leave")


class Fitness(LabelledEnum):
    """不安全不上岗: a worker the leader is not easy about (不放心) works beside a named
    helper, or is kept off work for the shift and a named substitute takes the post."""
    FIT = "fit", _l("Fit for work")
    HELPER = "helper", _l("Not easy about: works with a helper")
    OFF_WORK = "off_work", _l("Not easy about: off work this shift")


class Attendee(db.Model):
    """A roster member's line of the roll call: made at the start, filled at the close."""
    __table_args__ = (UniqueConstraint("briefing_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    presence: Mapped[Presence] = mapped_column(stored_as(Presence, 10), default=Presence.PRESENT)
    ppe_ok: Mapped[bool] = mapped_column(default=True)
    fitness: Mapped[Fitness] = mapped_column(stored_as(Fitness, 10), default=Fitness.FIT)
    reason: Mapped[str] = mapped_column(Text, default="")
    # The helper (HELPER) or the substitute (OFF_WORK).
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    briefing: Mapped[Briefing] = relationship(back_populates="attendees")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id])


class SignInMethod(LabelledEnum):
    CODE = "code", _l("Scanned the code")
    LEADER = "leader", _l("Confirmed by the leader")


class SignIn(db.Model):
    """A worker's confirmation that they attended: by scanning the leader's rotating code
    on their own phone (possibly queued offline), or by the leader for a worker without
    a phone, with a note."""
    __table_args__ = (UniqueConstraint("briefing_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    client_uuid: Mapped[str | None] = client_uuid()
    method: Mapped[SignInMethod] = mapped_column(stored_as(SignInMethod, 10))
    # The scan's time on the worker's phone (naive UTC); the close, for the leader's.
    signed_at: Mapped[datetime]
    received_at: Mapped[datetime] = created_at()
    minute: Mapped[int | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    briefing: Mapped[Briefing] = relationship(back_populates="sign_ins")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])


class BriefingNote(db.Model):
    """An addition to a closed briefing: the record itself stays as it was."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefing.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = created_at()
    text: Mapped[str] = mapped_column(Text)
    briefing: Mapped[Briefing] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()
