from flask import Blueprint, Response, abort
from flask_login import current_user
from sqlalchemy import or_, select

from blueprints.briefings.models import Briefing
from blueprints.common.access import get_owned
from blueprints.common.extensions import db
from blueprints.common.permissions import can
from blueprints.hazards.models import Hazard, HazardEvent
from blueprints.inspections import services as inspections
from blueprints.inspections.models import Inspection, InspectionAnswer
from blueprints.org.models import User
from blueprints.photos import storage
from blueprints.photos.models import Photo
from blueprints.reporting.models import Report, ReportPhoto
from blueprints.training.models import Certificate, LessonSection

bp = Blueprint("photos", __name__)


def may_see(user: User, photo: Photo) -> bool:
    """A photo is seen by whoever may see a record it belongs to (a hazard, a step of one,
    a check, a briefing, a certificate, a report), each area answering by its own rule; one of no
    record yet, by its uploader. A lesson's picture is teaching for the whole enterprise
    (get_owned asks that)."""
    if db.session.scalar(select(LessonSection.id).where(LessonSection.photo_id == photo.id).limit(1)):
        return True
    hazards = list(db.session.scalars(select(Hazard).where(or_(
        Hazard.photo_id == photo.id,
        Hazard.id.in_(select(HazardEvent.hazard_id).where(HazardEvent.photo_id == photo.id))))))
    checks = list(db.session.scalars(select(Inspection).where(Inspection.id.in_(
        select(InspectionAnswer.inspection_id).where(InspectionAnswer.photo_id == photo.id)))))
    briefings = list(db.session.scalars(select(Briefing).where(Briefing.photo_id == photo.id)))
    certificates = list(db.session.scalars(select(Certificate).where(Certificate.photo_id == photo.id)))
    reports = list(db.session.scalars(select(Report).where(Report.id.in_(
        select(ReportPhoto.report_id).where(ReportPhoto.photo_id == photo.id)))))
    if not hazards and not checks and not briefings and not certificates and not reports:
        return photo.uploaded_by_id == user.id
    return (any(can(user, "view", record) for record in (*hazards, *briefings, *certificates, *reports))
            or any(inspections.can_view(user, check) for check in checks))


@bp.route("/photos/<int:photo_id>.jpg")
def show(photo_id):
    """404 alike for another enterprise's photo and one the user may not see."""
    photo = get_owned(Photo, photo_id)
    if not may_see(current_user, photo):
        abort(404)
    response = Response(storage.get(photo.storage_key), mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
