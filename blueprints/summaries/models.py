"""A period's summary: the safety director's quarterly report, or a month's notice to the
workforce (公示). While it is a draft its figures are worked out whenever it is shown and
only the director's comments are stored; made final, the figures are stored with the
comments and never change again."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import enterprise_fk
from blueprints.org.models import Enterprise, User


class SummaryKind(LabelledEnum):
    QUARTER = "quarter", _l("Quarterly report of the safety director")
    MONTH = "month", _l("Monthly notice to the workforce")


class Summary(db.Model):
    __table_args__ = (UniqueConstraint("enterprise_id", "kind", "start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    kind: Mapped[SummaryKind] = mapped_column(stored_as(SummaryKind, 10))
    start: Mapped[date]
    end: Mapped[date]
    comments: Mapped[str] = mapped_column(Text, default="")
    comments_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comments_at: Mapped[datetime | None]
    # Set once, when made final: the figures as they were then (figures.compute's dict).
    figures: Mapped[dict | None] = mapped_column(db.JSON)
    final_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    final_at: Mapped[datetime | None]

    enterprise: Mapped[Enterprise] = relationship()
    comments_by: Mapped[User | None] = relationship(foreign_keys=[comments_by_id])
    final_by: Mapped[User | None] = relationship(foreign_keys=[final_by_id])

    @property
    def is_final(self) -> bool:
        return self.final_at is not None
