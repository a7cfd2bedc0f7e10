from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from blueprints.common import clock
from blueprints.common.access import get_owned
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id
from blueprints.common.refusal import Refused
from blueprints.inspections import due, forms, services
from blueprints.inspections.models import Inspection
from blueprints.risk_points import services as rp_services
from blueprints.risk_points.models import RiskPoint

bp = Blueprint("inspections", __name__)


@bp.route("/q/<token>")
def scan(token):
    """The QR label's link. Login comes first (by default); then the scan is recorded
    and the worker lands on the point's check. Never prefetched by the service worker."""
    qr = rp_services.token_lookup(token)
    if qr is None or qr.enterprise_id != current_user.enterprise_id:
        return render_template("error.html", code=404, message=_(
            "This QR code is not known. Please tell your safety officer.")), 404
    if qr.retired_at is not None:
        return render_template("error.html", code=410, message=_(
            "This QR label has been replaced and no longer works. Please scan the new label or "
            "tell your safety officer.")), 410
    services.record_scan(current_user, qr, request.headers.get("User-Agent", ""))
    db.session.commit()
    return redirect(url_for("inspections.check", point_id=qr.risk_point_id))


def _form(point, level, frequency_key, version, items, error=None, status=200):
    others = [u for u in due.units_of_point(point, current_user.enterprise.timezone)
              if (u.level, u.frequency_key) != (level, frequency_key)
              and services.may_check(current_user, point, u.level)]
    unit = due.unit_state(point, level, frequency_key, items, current_user.enterprise.timezone)
    return render_template("inspections/check.html", point=point, unit=unit, version=version,
                           items=items, others=others, error=error, values=request.form), status


def _refused(point, level):
    """Not this user's check: why, and the way to report a hazard at the point instead."""
    return render_template("inspections/point_notice.html", point=point,
                           reason=services.check_refusal(point, level)), 403


@bp.route("/points/<int:point_id>/check", methods=["GET"])
def check(point_id):
    """The one check screen: the chosen unit's items, each with 正常 / 异常 / 不适用."""
    point = get_owned(RiskPoint, point_id)
    unit = services.choose_unit(current_user, point, request.args.get("level"),
                                request.args.get("freq"))
    if unit is None:
        if request.args.get("level") or request.args.get("freq"):
            abort(404)
        return render_template("inspections/point_notice.html", point=point, reason=_(
            "This risk point has no check items yet. Please tell your safety officer."))
    if not services.may_check(current_user, point, unit.level):
        return _refused(point, unit.level)
    return _form(point, unit.level, unit.frequency_key, point.checklist, unit.items)


def _show_refusal(point, refused: Refused):
    """Back to the form with the reason; or the point's notice when the check is someone
    else's; or an error page when the form itself is out of date."""
    level, frequency_key = request.form.get("level", ""), request.form.get("freq", "")
    if isinstance(refused, services.NotYourCheck):
        return _refused(point, level)
    try:
        version, items = services.unit_items(point, optional_id(request.form.get("version_id")),
                                             level, frequency_key)
    except Refused:
        return render_template("error.html", code=refused.status,
                               message=refused.message), refused.status
    return _form(point, level, frequency_key, version, items, error=str(refused),
                 status=refused.status)


@bp.route("/points/<int:point_id>/check", methods=["POST"])
def submit(point_id):
    point = get_owned(RiskPoint, point_id)
    client_uuid = (request.form.get("client_uuid") or "")[:64] or None
    repeat = services.by_client_uuid(client_uuid)
    if repeat is not None:
        return redirect(url_for("inspections.record", inspection_id=repeat.id))
    try:
        result = forms.submit(current_user, point, request.form, request.files,
                              done_at=clock.parse_utc(request.form.get("done_at")),
                              client_uuid=client_uuid,
                              user_agent=request.headers.get("User-Agent", ""))
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        return _show_refusal(point, refused)
    except IntegrityError:
        # The same submission raced itself in from two requests: answer with the first.
        db.session.rollback()
        repeat = services.by_client_uuid(client_uuid)
        if repeat is None:
            raise
        return redirect(url_for("inspections.record", inspection_id=repeat.id))
    if result.outdated_version:
        flash(_("The checklist was changed while you were checking. Your answers were saved "
                "against the version you saw; the next check uses the new one."), "error")
    return redirect(url_for("inspections.record", inspection_id=result.inspection.id))


@bp.route("/inspections/<int:inspection_id>")
def record(inspection_id):
    """What was checked, when, by whom, with or without a scan, and the hazards raised."""
    inspection = get_owned(Inspection, inspection_id)
    if not services.can_view(current_user, inspection):
        abort(404)
    return render_template("inspections/record.html", inspection=inspection,
                           hazards=services.hazards_of(inspection),
                           hazard_url=_hazard_url,
                           unit_label=f"{inspection.level.label} · "
                                      f"{due.frequency_label(inspection.frequency_key)}")


def _hazard_url(hazard):
    return url_for("hazards.detail", hazard_id=hazard.id)
