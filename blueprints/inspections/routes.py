from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common.extensions import db
from blueprints.inspections import bp, services
from blueprints.risk_points import services as rp_services


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
            "This QR label has been replaced and no longer works. Please scan the new label or tell your safety officer.")), 410
    services.record_scan(current_user, qr, request.headers.get("User-Agent", ""))
    db.session.commit()
    return redirect(url_for("inspections.check", point_id=qr.risk_point_id))
