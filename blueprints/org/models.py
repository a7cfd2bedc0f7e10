from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import created_at, enterprise_fk


class ScoringMethod(LabelledEnum):
    LEC = "LEC", _l("LEC: D = L × E × C")
    LS = "LS", _l("LS matrix: R = L × S")


class Enterprise(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    scoring_method: Mapped[ScoringMethod] = mapped_column(stored_as(ScoringMethod, 8),
                                                         default=ScoringMethod.LEC)
    # Lower bounds of each colour band; below yellow is blue. The enterprise sets them.
    lec_red_min: Mapped[float] = mapped_column(default=320)
    lec_orange_min: Mapped[float] = mapped_column(default=160)
    lec_yellow_min: Mapped[float] = mapped_column(default=70)
    ls_red_min: Mapped[int] = mapped_column(default=20)
    ls_orange_min: Mapped[int] = mapped_column(default=15)
    ls_yellow_min: Mapped[int] = mapped_column(default=9)
    # Shift, daily and every-N-hours checks are overdue this many hours after their period
    # starts; None: when the period ends (see inspections/due.py).
    check_within_hours: Mapped[int | None]
    # The assign form proposes a deadline this many days ahead, by hazard grade. The rules fix
    # no number: a general hazard "can be fixed at once or soon", a major one "needs a long
    # time" and gets its own 定时限 (../shared/DOMAIN.md, "A hazard's life"); so each
    # enterprise sets its own, 7 and 30 days to begin with.
    general_fix_days: Mapped[int] = mapped_column(default=7, server_default="7")
    major_fix_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # A team's briefing not held by its shift's start plus this many minutes is missing.
    briefing_late_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    # When a team without shifts starts work (its briefing is held before).
    workday_start: Mapped[time] = mapped_column(default=time(8), server_default="08:00:00")
    # A certificate expiring within this many days is told to its holder and the safety officer.
    certificate_warning_days: Mapped[int] = mapped_column(default=60, server_default="60")
    created_at: Mapped[datetime] = created_at()


class Department(db.Model):
    __table_args__ = (UniqueConstraint("enterprise_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    teams: Mapped[list["Team"]] = relationship(back_populates="department", order_by="Team.name")


class Team(db.Model):
    __table_args__ = (UniqueConstraint("enterprise_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    department: Mapped[Department] = relationship(back_populates="teams")
    shifts: Mapped[list["Shift"]] = relationship(order_by="Shift.start", back_populates="team")


class Shift(db.Model):
    """A team's shift. A shift whose end is not after its start runs past midnight;
    its "today" is the day it started."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    start: Mapped[time]
    end: Mapped[time]
    team: Mapped[Team] = relationship(back_populates="shifts")


class Role(LabelledEnum):
    WORKER = "worker", _l("Frontline worker")
    TEAM_LEADER = "team_leader", _l("Team leader")
    DEPT_HEAD = "dept_head", _l("Department head")
    SAFETY_OFFICER = "safety_officer", _l("Safety officer")
    SAFETY_DIRECTOR = "safety_director", _l("Safety director")
    PRINCIPAL = "principal", _l("Principal")
    ADMIN = "admin", _l("Administrator")


class User(UserMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("enterprise_id", "employee_no"),
        UniqueConstraint("enterprise_id", "mobile"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    employee_no: Mapped[str] = mapped_column(String(32))
    mobile: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(stored_as(Role, 20), default=Role.WORKER)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of every session and remember-me cookie (see get_id); raising it ends them all.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at()

    enterprise: Mapped[Enterprise] = relationship()
    department: Mapped[Department | None] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and in the remember-me cookie."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie given out so far stops working,
        copies included (logout, new password, deactivation)."""
        self.session_version += 1

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def effective_department_id(self) -> int | None:
        """A team member belongs to the team's department."""
        if self.team_id is not None and self.team is not None:
            return self.team.department_id
        return self.department_id

    @property
    def effective_department(self) -> Department | None:
        department_id = self.effective_department_id
        return db.session.get(Department, department_id) if department_id is not None else None


class LoginFailure(db.Model):
    """Kept in the database, not in a process, so that every gunicorn worker
    and every instance behind nginx slows the same guesser down."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    identifier: Mapped[str] = mapped_column(String(64), index=True)
    # Indexed: failures are also counted per client address across all login names.
    remote_addr: Mapped[str | None] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = created_at()


class DayKind(LabelledEnum):
    HOLIDAY = "holiday", _l("Holiday (no work)")
    MAKEUP = "makeup", _l("Make-up working day (调休)")


class CalendarDay(db.Model):
    """A day of the enterprise's working-day calendar that differs from Monday to Friday:
    a holiday, or a weekend day worked instead (see blueprints/common/workdays.py)."""
    __table_args__ = (UniqueConstraint("enterprise_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    day: Mapped[date]
    kind: Mapped[DayKind] = mapped_column(stored_as(DayKind, 10))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = created_at()
