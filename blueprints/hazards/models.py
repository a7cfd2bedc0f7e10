from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import client_uuid, created_at, enterprise_fk
from blueprints.org.models import Department, User
from blueprints.photos.models import Photo
from blueprints.risk_points.models import RiskPoint


class HazardState(LabelledEnum):
    REPORTED = "reported", _l("Reported")
    ASSIGNED = "assigned", _l("Assigned")
    RECTIFIED = "rectified", _l("Rectified, awaiting verification")
    CLOSED = "closed", _l("Verified and closed")


class HazardGrade(LabelledEnum):
    GENERAL = "general", _l("General hazard"), "hz-general"
    MAJOR = "major", _l("Major hazard"), "hz-major"


# The grounds for judging a hazard major (重大事故隐患), as the regulations list them.
MAJOR_CRITERIA = {
    "national_standard": _l("Meets the national criteria for major accident hazards (MEM Order No. 10 etc.)"),
    "stop_production": _l("Requires stopping production in whole or in part"),
    "hard_to_fix": _l("Difficult to remediate and needs a long time"),
    "costly": _l("Needs considerable funds"),
    "external": _l("External factors make it hard for the enterprise to remove by itself"),
}


class HazardCategory(LabelledEnum):
    ONSITE = "onsite", _l("On-site management")
    MANAGEMENT = "management", _l("Basic management")


class HazardSource(LabelledEnum):
    """How the hazard came to be known: the statistics count each source apart."""
    CHECK = "check", _l("Found by a check")
    REPORT = "report", _l("Employee report (随手拍)")
    PUBLIC = "public", _l("Public report")
    DIRECT = "direct", _l("Registered directly")


class HazardEventKind(LabelledEnum):
    """What a step of a hazard's life was; the label heads it on the timeline."""
    REPORTED = "reported", _l("Reported")
    ASSIGNED = "assigned", _l("Assigned")
    GRADE_CHANGED = "grade_changed", _l("Grade changed")
    CATEGORY_CHANGED = "category_changed", _l("Category changed")
    PLAN_SUBMITTED = "plan_submitted", _l("五定 plan submitted")
    PLAN_APPROVED = "plan_approved", _l("五定 plan approved")
    PLAN_REFUSED = "plan_refused", _l("五定 plan refused")
    RECTIFIED = "rectified", _l("Rectified")
    VERIFIED = "verified", _l("Verified and closed")
    REJECTED = "rejected", _l("Rectification rejected")
    EXTENSION_REQUESTED = "extension_requested", _l("Extension requested")
    EXTENSION_APPROVED = "extension_approved", _l("Extension approved")
    EXTENSION_REFUSED = "extension_refused", _l("Extension refused")
    REGULATOR_REPORTED = "regulator_reported", _l("Reported to the regulator")


class Hazard(db.Model):
    """The current state of a hazard. Every change is also a HazardEvent: the
    events are the record, these columns are their latest result."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    client_uuid: Mapped[str | None] = client_uuid()
    risk_point_id: Mapped[int | None] = mapped_column(ForeignKey("risk_point.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    checklist_item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_item.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(200), default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    grade: Mapped[HazardGrade] = mapped_column(stored_as(HazardGrade, 10), default=HazardGrade.GENERAL)
    category: Mapped[HazardCategory] = mapped_column(stored_as(HazardCategory, 12),
                                                     default=HazardCategory.ONSITE)
    state: Mapped[HazardState] = mapped_column(stored_as(HazardState, 12), default=HazardState.REPORTED,
                                               index=True)
    source: Mapped[HazardSource] = mapped_column(stored_as(HazardSource, 10), default=HazardSource.DIRECT)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    found_at: Mapped[datetime]
    received_at: Mapped[datetime] = created_at()
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    deadline: Mapped[datetime | None]
    original_deadline: Mapped[datetime | None]
    rectified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # 整改资金: the approved 五定 plan's funds, then what the rectification says it cost.
    funds: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    closed_at: Mapped[datetime | None]
    # The current major judgement (the grade_changed events keep every earlier one): the
    # same-day regulator report counts from it, not from the day the hazard was found.
    judged_major_at: Mapped[datetime | None]
    judged_major_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    major_criteria: Mapped[list] = mapped_column(db.JSON, default=list)
    major_basis: Mapped[str] = mapped_column(Text, default="")

    risk_point: Mapped[RiskPoint | None] = relationship()
    department: Mapped[Department] = relationship()
    photo: Mapped[Photo | None] = relationship()
    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    rectified_by: Mapped[User | None] = relationship(foreign_keys=[rectified_by_id])
    judged_major_by: Mapped[User | None] = relationship(foreign_keys=[judged_major_by_id])
    events: Mapped[list["HazardEvent"]] = relationship(
        back_populates="hazard", order_by="HazardEvent.id")
    plans: Mapped[list["RectificationPlan"]] = relationship(
        back_populates="hazard", order_by="RectificationPlan.id")
    extensions: Mapped[list["DeadlineExtension"]] = relationship(
        back_populates="hazard", order_by="DeadlineExtension.id")
    regulator_reports: Mapped[list["RegulatorReport"]] = relationship(
        back_populates="hazard", order_by="RegulatorReport.id")

    @property
    def is_major(self) -> bool:
        return self.grade == HazardGrade.MAJOR


class HazardEvent(db.Model):
    """One step of a hazard's life; never edited."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    client_uuid: Mapped[str | None] = client_uuid()
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    kind: Mapped[HazardEventKind] = mapped_column(stored_as(HazardEventKind, 30))
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = created_at()
    note: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    data: Mapped[dict] = mapped_column(db.JSON, default=dict)
    hazard: Mapped[Hazard] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()
    photo: Mapped[Photo | None] = relationship()


class DecisionStatus(LabelledEnum):
    PENDING = "pending", _l("Awaiting decision")
    APPROVED = "approved", _l("Approved")
    REFUSED = "refused", _l("Refused")


class RectificationPlan(db.Model):
    """The 五定 plan of a major hazard; a refused plan is followed by a new one."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    measures: Mapped[str] = mapped_column(Text)
    responsible_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    funds: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    deadline: Mapped[datetime]
    contingency_plan: Mapped[str] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = created_at()
    status: Mapped[DecisionStatus] = mapped_column(stored_as(DecisionStatus, 10),
                                                   default=DecisionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    hazard: Mapped[Hazard] = relationship(back_populates="plans")
    responsible_user: Mapped[User] = relationship(foreign_keys=[responsible_user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class DeadlineExtension(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = created_at()
    reason: Mapped[str] = mapped_column(Text)
    old_deadline: Mapped[datetime]
    new_deadline: Mapped[datetime]
    status: Mapped[DecisionStatus] = mapped_column(stored_as(DecisionStatus, 10),
                                                   default=DecisionStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    hazard: Mapped[Hazard] = relationship(back_populates="extensions")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class RegulatorReport(db.Model):
    """A major hazard's report to the regulator (Shandong: the same day)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazard.id"), index=True)
    reported_at: Mapped[datetime]
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    method: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = created_at()
    note: Mapped[str] = mapped_column(Text, default="")
    hazard: Mapped[Hazard] = relationship(back_populates="regulator_reports")
    reported_by: Mapped[User] = relationship()
