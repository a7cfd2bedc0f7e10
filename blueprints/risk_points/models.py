from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import created_at, enterprise_fk
from blueprints.org.models import Department, ScoringMethod, Team, User
from blueprints.training.models import CertificateKind, Operation, certificate_title


class Grade(LabelledEnum):
    """The four risk colours, most serious first; the value names the colour's CSS classes."""
    RED = "red", _l("Major risk")
    ORANGE = "orange", _l("Significant risk")
    YELLOW = "yellow", _l("General risk")
    BLUE = "blue", _l("Low risk")

    @property
    def rank(self) -> int:
        return list(Grade).index(self)

    @property
    def min_control_level(self) -> "ControlLevel":
        """The lowest level that may control a point of this grade; lower needs a reason."""
        return MIN_CONTROL_LEVEL[self]


class ControlLevel(LabelledEnum):
    COMPANY = "company", _l("Company level")
    DEPARTMENT = "department", _l("Department level")
    TEAM = "team", _l("Team level")
    POST = "post", _l("Post level")

    def is_below(self, other: "ControlLevel") -> bool:
        """Lower in the hierarchy company > department > team > post."""
        order = list(ControlLevel)
        return order.index(self) > order.index(other)


MIN_CONTROL_LEVEL = {
    Grade.RED: ControlLevel.COMPANY,
    Grade.ORANGE: ControlLevel.DEPARTMENT,
    Grade.YELLOW: ControlLevel.TEAM,
    Grade.BLUE: ControlLevel.POST,
}


class RiskKind(LabelledEnum):
    """风险类别: what kind of thing the point is, as the risk register sorts them."""
    EQUIPMENT = "equipment", _l("Equipment and facilities")
    ACTIVITY = "activity", _l("Work activity")
    PLACE = "place", _l("Place or area")


class RiskPoint(db.Model):
    __table_args__ = (UniqueConstraint("enterprise_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    location: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[RiskKind] = mapped_column(stored_as(RiskKind, 10), default=RiskKind.EQUIPMENT)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    control_level: Mapped[ControlLevel] = mapped_column(stored_as(ControlLevel, 20),
                                                       default=ControlLevel.TEAM)
    # Why the point is controlled below its grade's lowest level (kept only while it is).
    control_reason: Mapped[str | None] = mapped_column(Text)
    hazard_factors: Mapped[str] = mapped_column(Text, default="")
    accident_types: Mapped[str] = mapped_column(Text, default="")
    control_measures: Mapped[str] = mapped_column(Text, default="")
    # The score as entered; the method is the enterprise's at the time of scoring.
    scoring_method: Mapped[ScoringMethod] = mapped_column(stored_as(ScoringMethod, 8))
    lec_l: Mapped[float | None]
    lec_e: Mapped[float | None]
    lec_c: Mapped[float | None]
    ls_l: Mapped[int | None]
    ls_s: Mapped[int | None]
    score: Mapped[float]
    computed_grade: Mapped[Grade] = mapped_column(stored_as(Grade, 10))
    override_grade: Mapped[Grade | None] = mapped_column(stored_as(Grade, 10))
    override_reason: Mapped[str | None] = mapped_column(Text)
    # The certificate whoever does the point's team check must hold valid (and, for a
    # special operation certificate, of which operation); None: anyone of the team.
    required_certificate: Mapped[CertificateKind | None] = mapped_column(stored_as(CertificateKind, 10))
    required_operation: Mapped[Operation | None] = mapped_column(stored_as(Operation, 16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()

    department: Mapped[Department] = relationship()
    team: Mapped[Team | None] = relationship()
    responsible_user: Mapped[User | None] = relationship()
    tokens: Mapped[list["QRToken"]] = relationship(back_populates="risk_point", order_by="QRToken.id")
    checklist_versions: Mapped[list["ChecklistVersion"]] = relationship(
        back_populates="risk_point", order_by="ChecklistVersion.number")

    @property
    def grade(self) -> Grade:
        """The grade in force: the override, else the computed one."""
        return self.override_grade or self.computed_grade

    @property
    def required_certificate_title(self):
        if self.required_certificate is None:
            return None
        return certificate_title(self.required_certificate, self.required_operation)

    @property
    def control_below_minimum(self) -> bool:
        return ControlLevel(self.control_level).is_below(self.grade.min_control_level)

    @property
    def current_token(self) -> "QRToken | None":
        live = [t for t in self.tokens if t.retired_at is None]
        return live[-1] if live else None

    @property
    def checklist(self) -> "ChecklistVersion | None":
        return self.checklist_versions[-1] if self.checklist_versions else None


class QRToken(db.Model):
    """A label's secret. Rotating retires the old token; scans of it are refused."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_point.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at()
    retired_at: Mapped[datetime | None]
    risk_point: Mapped[RiskPoint] = relationship(back_populates="tokens")


class Frequency(LabelledEnum):
    HOURS = "hours", _l("Every few hours")  # every N hours, counted from the start of the team's shift
    SHIFT = "shift", _l("Every shift")
    DAILY = "daily", _l("Daily")
    WEEKLY = "weekly", _l("Weekly")
    MONTHLY = "monthly", _l("Monthly")


def frequency_label(frequency_key: str):
    """How often, from an item's frequency key ("daily", "hours:4")."""
    kind, _, hours = frequency_key.partition(":")
    if kind == Frequency.HOURS:
        return _l("Every %(hours)s hours", hours=hours)
    return Frequency(kind).label


class CheckLevel(LabelledEnum):
    """Who checks an item: the post/team, the workshop or the enterprise."""
    TEAM = "team", _l("Post / team check")
    WORKSHOP = "workshop", _l("Workshop check")
    ENTERPRISE = "enterprise", _l("Enterprise check")


class ChecklistVersion(db.Model):
    """Editing a checklist makes a new version; records point at the version they used."""
    __table_args__ = (UniqueConstraint("risk_point_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_point.id"), index=True)
    number: Mapped[int]
    created_at: Mapped[datetime] = created_at()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    risk_point: Mapped[RiskPoint] = relationship(back_populates="checklist_versions")
    items: Mapped[list["ChecklistItem"]] = relationship(
        back_populates="version", order_by="ChecklistItem.position")


class ChecklistItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    standard: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[Frequency] = mapped_column(stored_as(Frequency, 10), default=Frequency.SHIFT)
    every_hours: Mapped[int | None]
    level: Mapped[CheckLevel] = mapped_column(stored_as(CheckLevel, 12), default=CheckLevel.TEAM)
    version: Mapped[ChecklistVersion] = relationship(back_populates="items")

    @property
    def frequency_label(self):
        return frequency_label(self.frequency_key)

    @property
    def frequency_key(self) -> str:
        """Items with the same key are checked together, in one inspection."""
        if self.frequency == Frequency.HOURS:
            return f"hours:{self.every_hours}"
        return str(self.frequency)
