"""Photos from phones: checked by content, shrunk, EXIF orientation applied, stored."""
import hashlib
import io
import uuid
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from blueprints.common.extensions import db
from blueprints.photos import storage
from blueprints.photos.models import Photo

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; anything bigger is a decompression bomb
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


# Keys of files written in the open transaction: a rollback must not leave them behind.
_UNCOMMITTED = "photos_uncommitted"


@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    session.info.pop(_UNCOMMITTED, None)


@event.listens_for(Session, "after_rollback")
def _drop_files(session: Session) -> None:
    for key in session.info.pop(_UNCOMMITTED, []):
        storage.delete(key)


class PhotoRejected(ValueError):
    """The message is for the user, in their language."""


def save_photo(data: bytes, enterprise_id: int, uploaded_by_id: int | None) -> Photo:
    if not data:
        raise PhotoRejected(_l("The photo is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(_l("The photo is too large (at most 10 MB)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise PhotoRejected(_l("Only photos (JPEG, PNG or WebP) can be uploaded."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise PhotoRejected(_l("The photo has too many pixels."))
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_l("The photo has too many pixels."))
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise PhotoRejected(_l("This file is not a photo we can read."))
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)  # re-encoding also drops EXIF (GPS etc.)
    jpeg = out.getvalue()
    key = f"{enterprise_id}/{uuid.uuid4().hex}.jpg"
    storage.put(key, jpeg)
    db.session.info.setdefault(_UNCOMMITTED, []).append(key)
    photo = Photo(enterprise_id=enterprise_id, storage_key=key, uploaded_by_id=uploaded_by_id,
                  width=image.width, height=image.height, size_bytes=len(jpeg),
                  sha256=hashlib.sha256(jpeg).hexdigest())
    db.session.add(photo)
    db.session.flush()
    return photo


def save_upload(file_storage, enterprise_id: int, uploaded_by_id: int | None) -> Photo | None:
    """A werkzeug FileStorage from a form, or None when no file was chosen."""
    if file_storage is None or not file_storage.filename:
        return None
    return save_photo(file_storage.read(MAX_UPLOAD_BYTES + 1), enterprise_id, uploaded_by_id)
