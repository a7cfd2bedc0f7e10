"""The certificate form's fields, read into the service's input, and what the form shows
(what was posted; for a renewal, the old certificate's kind and issuer; else blank).

    user_id, kind, operation, number, issued_by, issued_on, expires_on, photo (file), photo_id (kept)
"""
from blueprints.common.inputs import optional_day, optional_id
from blueprints.photos.services import save_upload
from blueprints.training.certificates import CertificateInput
from blueprints.training.models import Certificate


def read(form) -> CertificateInput:
    return CertificateInput(
        user_id=optional_id(form.get("user_id")), kind=form.get("kind", ""),
        operation=form.get("operation", ""), number=form.get("number", ""),
        issued_by=form.get("issued_by", ""), issued_on=optional_day(form.get("issued_on")),
        expires_on=optional_day(form.get("expires_on")), photo_id=optional_id(form.get("photo_id")))


def photo_taken(files, user):
    """Stores the photo newly taken when called (raises PhotoRejected): its id, or None."""
    def store() -> int | None:
        photo = save_upload(files.get("photo"), user.enterprise_id, user.id)
        return photo.id if photo else None
    return store


def shown(posted: CertificateInput | None, replaces: Certificate | None, user_id: int | None) -> dict:
    """The form's values as strings; a photo taken before a refusal is kept by its id."""
    if posted is not None:
        values = vars(posted)
    elif replaces is not None:
        values = {"user_id": replaces.user_id, "kind": replaces.kind.value,
                  "operation": replaces.operation.value if replaces.operation else "",
                  "issued_by": replaces.issued_by}
    else:
        values = {"user_id": user_id}
    return {key: "" if value is None else str(value) for key, value in values.items()}
