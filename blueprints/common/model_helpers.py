"""Column helpers shared by the models of every area."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.common import clock


def enterprise_fk() -> Mapped[int]:
    """Every row belongs to one enterprise."""
    return mapped_column(ForeignKey("enterprise.id"), index=True)


def created_at() -> Mapped[datetime]:
    return mapped_column(default=clock.now)


def client_uuid() -> Mapped[str | None]:
    """The UUID a phone made when the user pressed submit; a repeat creates nothing."""
    return mapped_column(unique=True, nullable=True)


def with_defaults(row):
    """An unsaved row with its columns' Python defaults filled in now (SQLAlchemy fills them
    only at insert), for the settings an enterprise has not saved yet."""
    for column in type(row).__table__.columns:
        if column.default is not None and getattr(row, column.key) is None:
            setattr(row, column.key, column.default.arg)
    return row
