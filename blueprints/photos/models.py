from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.common.extensions import db
from blueprints.common.model_helpers import created_at, enterprise_fk


class Photo(db.Model):
    """A checked and re-encoded JPEG; the bytes live in blueprints/photos/storage.py."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = created_at()
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
