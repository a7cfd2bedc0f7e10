from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import client_uuid, created_at, enterprise_fk
from blueprints.org.models import User
from blueprints.photos.models import Photo
from blueprints.risk_points.models import CheckLevel, ChecklistItem, ChecklistVersion, QRToken, RiskPoint


class Scan(db.Model):
    """Evidence that someone stood at the point: made by the QR link, or later
    uploaded from a phone that scanned offline (then client_time is the phone's)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    client_uuid: Mapped[str | None] = client_uuid()
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_point.id"), index=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("qr_token.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime] = created_at()
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(10), default="link")
    token: Mapped[QRToken] = relationship()
    user: Mapped[User] = relationship()


class Inspection(db.Model):
    """One completed check of one point's items of one level and frequency."""
    __table_args__ = (
        # A unit's latest check is one seek however long the history (due.latest_done).
        Index("ix_inspection_unit_done", "risk_point_id", "level", "frequency_key", "done_at"),
        # An enterprise's recent checks (the no-scan list) without walking all of its history.
        Index("ix_inspection_enterprise_done", "enterprise_id", "done_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    client_uuid: Mapped[str | None] = client_uuid()
    risk_point_id: Mapped[int] = mapped_column(ForeignKey("risk_point.id"), index=True)
    checklist_version_id: Mapped[int] = mapped_column(ForeignKey("checklist_version.id"))
    level: Mapped[CheckLevel] = mapped_column(stored_as(CheckLevel, 12))
    frequency_key: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    done_at: Mapped[datetime] = mapped_column(index=True)
    received_at: Mapped[datetime] = created_at()
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan.id"))
    no_scan: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")

    risk_point: Mapped[RiskPoint] = relationship()
    checklist_version: Mapped[ChecklistVersion] = relationship()
    user: Mapped[User] = relationship()
    scan: Mapped[Scan | None] = relationship()
    answers: Mapped[list["InspectionAnswer"]] = relationship(
        back_populates="inspection", order_by="InspectionAnswer.id")


class AnswerResult(LabelledEnum):
    """An item's answer; the value names its CSS classes (answer-<value>, result-<value>)."""
    OK = "ok", _l("OK")
    ABNORMAL = "abnormal", _l("Abnormal")
    NA = "na", _l("N/A")


class InspectionAnswer(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_item.id"))
    result: Mapped[AnswerResult] = mapped_column(stored_as(AnswerResult, 10))
    note: Mapped[str] = mapped_column(Text, default="")
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photo.id"))
    inspection: Mapped[Inspection] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()
    photo: Mapped[Photo | None] = relationship()
