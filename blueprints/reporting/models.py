"""Rewarded hazard reporting (随手拍): what someone saw, the safety staff's answer to it
(受理 → 核查 → 反馈), and the reward for a real hazard (奖励). A report is answered once:
accepted as a new hazard, taken as a duplicate of an open one, or declined with a reason
the reporter sees; a reward is proposed from the enterprise's scale, decided by the safety
director and then paid, each step once."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import client_uuid, created_at, enterprise_fk
from blueprints.hazards.models import Hazard, HazardGrade
from blueprints.org.models import Department, User
from blueprints.photos.models import Photo
from blueprints.risk_points.models import RiskPoint


class ReportKind(LabelledEnum):
    """The national scheme's four kinds of what is wrong (人的不安全行为, 物的不安全状态,
    环境的不安全因素, 管理上的缺陷)."""
    UNSAFE_ACT = "act", _l("Unsafe act")
    UNSAFE_EQUIPMENT = "equipment", _l("Unsafe equipment")
    UNSAFE_ENVIRONMENT = "environment", _l("Unsafe environment")
    MANAGEMENT_GAP = "management", _l("Gap in safety management")


class ReportState(LabelledEnum):
    RECEIVED = "received", _l("Received, awaiting an answer")
    ACCEPTED = "accepted", _l("Accepted as a hazard")
    DUPLICATE = "duplicate", _l("Already reported")
    DECLINED = "declined", _l("Not accepted")


class Report(db.Model):
    """A report as it arrived, and the one answer it got. The reporter is a colleague
    (reporter_id), or for a public report nobody: then it keeps the optional contact (the
    safety director's alone), the digest of its receipt code, and a keyed digest of the
    sender's address, by which the public form is rate-limited without keeping the address.
    The hazard is the one it became or duplicates."""
    __table_args__ = (Index("ix_report_enterprise_state", "enterprise_id", "state", "received_at"),
                      Index("ix_report_address_received", "address_digest", "received_at"),
                      Index("ix_report_enterprise_public", "enterprise_id", "reporter_id", "received_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    client_uuid: Mapped[str | None] = client_uuid()
    kind: Mapped[ReportKind] = mapped_column(stored_as(ReportKind, 12))
    description: Mapped[str] = mapped_column(Text)
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_point.id"))
    location: Mapped[str] = mapped_column(String(200), default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    found_at: Mapped[datetime]             # the phone's time when it was made offline
    received_at: Mapped[datetime] = created_at()
    answer_due_at: Mapped[datetime]
    state: Mapped[ReportState] = mapped_column(stored_as(ReportState, 10), default=ReportState.RECEIVED)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[datetime | None]
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id"), index=True)
    # Why it was declined, or a note on the duplicate: the reporter reads it.
    answer: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    receipt_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    address_digest: Mapped[str | None] = mapped_column(String(64))

    risk_point: Mapped[RiskPoint | None] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    hazard: Mapped[Hazard | None] = relationship()
    photos: Mapped[list["ReportPhoto"]] = relationship(order_by="ReportPhoto.position")
    reward: Mapped["Reward | None"] = relationship(back_populates="report")

    @property
    def place(self) -> str:
        if self.risk_point is not None:
            return f"{self.risk_point.code} {self.risk_point.name}"
        return self.location


class ReportPhoto(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photo.id"), index=True)
    position: Mapped[int]
    photo: Mapped[Photo] = relationship()


class ReportingSettings(db.Model):
    """The enterprise's answer time, decision time and reward scale (per hazard grade)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    answer_hours: Mapped[int] = mapped_column(default=24)
    decision_working_days: Mapped[int] = mapped_column(default=15)
    general_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("100"))
    general_points: Mapped[int] = mapped_column(default=10)
    major_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("3000"))
    major_points: Mapped[int] = mapped_column(default=100)
    # The public report link's code (its poster's QR); a new one retires the old posters.
    public_code: Mapped[str | None] = mapped_column(String(16), unique=True)

    def rate(self, grade: HazardGrade) -> tuple[Decimal, int]:
        if grade == HazardGrade.MAJOR:
            return self.major_amount, self.major_points
        return self.general_amount, self.general_points


class RewardState(LabelledEnum):
    PROPOSED = "proposed", _l("Awaiting the director's decision")
    APPROVED = "approved", _l("Approved, to be paid")
    PAID = "paid", _l("Paid")


class Reward(db.Model):
    """The reward of an accepted report: proposed from the scale when accepted, decided
    once by the safety director (a change or a bonus with its reason), paid once."""
    __table_args__ = (Index("ix_reward_enterprise_state", "enterprise_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), unique=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    grade: Mapped[HazardGrade] = mapped_column(stored_as(HazardGrade, 10))
    proposed_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    proposed_points: Mapped[int]
    proposed_at: Mapped[datetime] = created_at()
    decide_by: Mapped[date]
    state: Mapped[RewardState] = mapped_column(stored_as(RewardState, 10), default=RewardState.PROPOSED)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    points: Mapped[int | None]
    bonus: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paid_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="reward")
    hazard: Mapped[Hazard] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    department: Mapped[Department | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id])

    @property
    def total(self) -> Decimal | None:
        return None if self.amount is None else self.amount + self.bonus
