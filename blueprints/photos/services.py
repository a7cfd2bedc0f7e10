"""Photos from phones: checked by content, shrunk, EXIF orientation applied, stored.

Decoding a photo takes a while, so it is done in prepare_uploads(), before the request
touches the database: under SQLite a request that writes holds the one write lock from
its first query to its commit, and would hold it through the decoding too."""
import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login.config import COOKIE_NAME
from flask_login.utils import decode_cookie
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.photos import storage
from blueprints.photos.models import Photo

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
# JPEG (and MPO, its multi-picture variant) is decoded at 1/2, 1/4 or 1/8 scale by draft(),
# so even a 50 MP phone photo (8160 x 6120) costs about a 3 MP decode: allow a little above.
MAX_JPEG_PIXELS = 60_000_000
# PNG and WebP have no draft and are decoded whole (3 bytes a pixel, ~0.3 s for 16 MP);
# from phones they are screenshots and edited photos, well under 16 MP.
MAX_OTHER_PIXELS = 16_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
DRAFTS = {"JPEG", "MPO"}
# Older pending files and files without a row are left over by a crash (see sweep()).
SWEEP_AFTER = timedelta(hours=1)


# Keys of files written in the open transaction: final after commit, gone after rollback.
_UNCOMMITTED = "photos_uncommitted"


@event.listens_for(Session, "after_commit")
def _publish_files(session: Session) -> None:
    for key in session.info.pop(_UNCOMMITTED, []):
        storage.publish(key)


@event.listens_for(Session, "after_rollback")
def _drop_files(session: Session) -> None:
    for key in session.info.pop(_UNCOMMITTED, []):
        storage.discard(key)


class PhotoRejected(Refused):
    """Not a photo we take. Every form names its photo input "photo"."""

    def __init__(self, message, field: str | None = "photo", status: int = 400):
        super().__init__(message, field, status)


@dataclass(frozen=True)
class Prepared:
    """A photo ready to store: the re-encoded JPEG and its size."""
    jpeg: bytes
    width: int
    height: int


def _decoded(data: bytes) -> Image.Image:
    """The upright image, decoded no larger than needed; the pixel count is checked
    from the header before anything is decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise PhotoRejected(_l("Only photos (JPEG, PNG or WebP) can be uploaded."))
        limit = MAX_JPEG_PIXELS if image.format in DRAFTS else MAX_OTHER_PIXELS
        if image.width * image.height > limit:
            raise PhotoRejected(_l("The photo has too many pixels."))
        if image.format in DRAFTS:
            scale = MAX_SIDE / max(image.size)
            image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
        return ImageOps.exif_transpose(image)


def prepare(data: bytes) -> Prepared:
    """Checks, decodes, shrinks and re-encodes a photo; needs no database."""
    if not data:
        raise PhotoRejected(_l("The photo is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(_l("The photo is too large (at most 10 MB)."))
    try:
        image = _decoded(data)
        image = image.convert("RGB")
        image.thumbnail((MAX_SIDE, MAX_SIDE))  # reduce()s by whole factors first: fast
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected(_l("The photo has too many pixels.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise PhotoRejected(_l("This file is not a photo we can read.")) from None
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)  # re-encoding also drops EXIF (GPS etc.)
    return Prepared(out.getvalue(), image.width, image.height)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signed_in() -> bool:
    remember = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))
    return "_user_id" in session or (remember is not None and decode_cookie(remember) is not None)


def prepare_uploads() -> None:
    """before_request, registered ahead of anything that queries: prepares every uploaded
    file, so that storing it later in the write transaction is only a file write and an
    insert. A file that is no photo is refused later, where the form can say so. Only for
    a signed-in session or remember-me cookie (their signatures checked, not the
    database): nobody makes the server decode images before logging in (the public report
    form prepares its own few, once its rate limits have let the sender through)."""
    if _signed_in():
        prepare_files(request.files.values())


def prepare_files(uploads) -> None:
    """Prepares these uploads for save_photo() (see prepare_uploads); a public form calls it
    itself, for as many files as it takes, before its write transaction."""
    prepared = g.setdefault("prepared_photos", {})
    for upload in uploads:
        if not upload.filename:
            continue
        data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
        upload.stream.seek(0)
        try:
            prepared[_digest(data)] = prepare(data)
        except PhotoRejected as refused:
            prepared[_digest(data)] = refused


def _prepared(data: bytes) -> Prepared:
    """What prepare_uploads() made of these bytes, or (CLI, demo, tests) prepared now."""
    done = g.get("prepared_photos", {}).get(_digest(data)) if has_request_context() else None
    if done is None:
        return prepare(data)
    if isinstance(done, PhotoRejected):
        raise done
    return done


def save_photo(data: bytes, enterprise_id: int, uploaded_by_id: int | None) -> Photo:
    prepared = _prepared(data)
    key = f"{enterprise_id}/{uuid.uuid4().hex}.jpg"
    storage.put_pending(key, prepared.jpeg)
    db.session.info.setdefault(_UNCOMMITTED, []).append(key)
    photo = Photo(enterprise_id=enterprise_id, storage_key=key, uploaded_by_id=uploaded_by_id,
                  width=prepared.width, height=prepared.height, size_bytes=len(prepared.jpeg),
                  sha256=_digest(prepared.jpeg))
    db.session.add(photo)
    db.session.flush()
    return photo


def save_upload(file_storage, enterprise_id: int, uploaded_by_id: int | None) -> Photo | None:
    """A werkzeug FileStorage from a form, or None when no file was chosen."""
    if file_storage is None or not file_storage.filename:
        return None
    return save_photo(file_storage.read(MAX_UPLOAD_BYTES + 1), enterprise_id, uploaded_by_id)


def sweep() -> dict[str, int]:
    """Settles what a crash left behind, once it is older than SWEEP_AFTER: a pending file
    whose row was committed is made final, other pending files and final files without a
    row are removed. Running it again changes nothing."""
    known = set(db.session.scalars(select(Photo.storage_key)))
    done = {"published": 0, "removed": 0}
    for key, pending in list(storage.older_than(SWEEP_AFTER.total_seconds())):
        if key in known and pending:
            storage.publish(key)
            done["published"] += 1
        elif key not in known:
            storage.discard(key)
            done["removed"] += 1
    return done
