from flask import Response

from blueprints.common.access import get_owned
from blueprints.photos import bp, storage
from blueprints.photos.models import Photo


@bp.route("/photos/<int:photo_id>.jpg")
def show(photo_id):
    """Only logged-in users of the photo's enterprise (login is required by default)."""
    photo = get_owned(Photo, photo_id)
    response = Response(storage.get(photo.storage_key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
