"""The master-data audit trail: who changed what (users, risk points, tokens)."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.common.extensions import db
from blueprints.common.model_helpers import created_at, enterprise_fk


class AuditLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = created_at()
    action: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    detail: Mapped[dict] = mapped_column(db.JSON, default=dict)


def record(enterprise_id: int, actor_id: int | None, action: str, subject, **detail) -> None:
    db.session.add(AuditLog(enterprise_id=enterprise_id, actor_id=actor_id, action=action,
                            subject_type=subject.__tablename__, subject_id=subject.id,
                            detail=detail))
