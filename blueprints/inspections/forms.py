"""The check form's fields, turned into the plain data services.submit_check takes.
The items are the checklist's, so the fields are named by item id rather than declared."""

from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from blueprints.common import clock
from blueprints.inspections.services import Answer, ScanInfo
from blueprints.photos.services import MAX_UPLOAD_BYTES


def _read(upload: FileStorage | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    # One byte more than allowed, so that save_photo can tell "too large" apart.
    return upload.read(MAX_UPLOAD_BYTES + 1) or None


def answers(form: ImmutableMultiDict, files: ImmutableMultiDict, item_ids) -> list[Answer]:
    """Only the items shown; unanswered ones are left out for the service to refuse."""
    result = []
    for item_id in item_ids:
        choice = form.get(f"result-{item_id}")
        if choice is None:
            continue
        result.append(Answer(item_id=item_id, result=choice,
                             note=form.get(f"note-{item_id}", "")[:2000],
                             photo=_read(files.get(f"photo-{item_id}"))))
    return result


def scan_info(form: ImmutableMultiDict) -> ScanInfo | None:
    token, scanned_at = form.get("scan_token"), clock.parse_utc(form.get("scanned_at"))
    if not token or scanned_at is None:
        return None
    return ScanInfo(token=token[:64], scanned_at=scanned_at,
                    client_uuid=(form.get("scan_uuid") or None))
