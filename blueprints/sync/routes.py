from functools import wraps

from flask import Blueprint, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, generate_csrf

from blueprints.common.access import public
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused, as_json
from blueprints.common.web import CONTENT_SECURITY_POLICY
from blueprints.sync import assets, services

bp = Blueprint("sync", __name__)
bp.record_once(assets.set_asset_version)


def api_login_required(view):
    """JSON answers 401 where a page would redirect to the login form, so that a
    replaying phone knows to wait for its user to log in again. (The login restored
    by the remember-me cookie counts: Flask-Login loads it before this runs.)"""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return jsonify(error=_("Please log in again; your records stay on the phone."), retry=True), 401
        return view(*args, **kwargs)
    # The site-wide login check would redirect; this one answers in JSON instead.
    return public(wrapped)


@bp.errorhandler(CSRFError)
def csrf_failed(_error):
    return jsonify(error=_("The security token is out of date. The phone will fetch a new one "
                           "and send again."), retry=True), 403


@bp.route("/api/v1/csrf")
@api_login_required
def csrf_token():
    """A fresh token for a replay, and whose queue may be sent under this login."""
    return jsonify(csrf_token=generate_csrf(), user_id=current_user.id)


@bp.route("/api/v1/offline-pages")
@api_login_required
def offline_pages():
    return jsonify(services.offline_pages(current_user))


@bp.route("/api/v1/outbox", methods=["POST"])
@api_login_required
def outbox():
    """One queued submission: meta fields start with an underscore, the rest are the
    form's own fields and files. A replayed UUID answers the first result. Every answer
    names the UUID: the phone lets go of an item only on an answer naming it (a Wi-Fi
    login page answering 200 is not one)."""
    form = request.form
    client_uuid = form.get("client_uuid", "").strip()
    if form.get("_user_id") != str(current_user.id):
        return as_json(Refused(_("This record was made by another user and is sent only under "
                                 "their login."), status=403), client_uuid=client_uuid)
    if not 8 <= len(client_uuid) <= 64:
        return as_json(Refused(_("The record has no identity (client UUID).")))
    try:
        submission = services.Submission(
            kind=form.get("_kind", ""), client_uuid=client_uuid,
            done_at=services.parse_done_at(form.get("_done_at")), user=current_user,
            fields=form, files=request.files,
            user_agent=request.headers.get("User-Agent", ""))
        outcome = services.submit(submission, form.get("_action"))
    except Refused as refused:
        db.session.rollback()
        return as_json(refused, client_uuid=client_uuid)
    db.session.commit()
    return jsonify(ok=True, client_uuid=client_uuid, id=outcome.id, url=outcome.url,
                   replayed=outcome.replayed, notice=outcome.notice)


@bp.route("/scan")
def scanner():
    """扫一扫: the in-app QR scanner (the phone's own camera and WeChat work too)."""
    return render_template("scanner/scan.html")


@bp.route("/offline")
@public
def offline():
    """What the service worker shows for a page it has not kept; fetched without cookies."""
    return render_template("offline.html")


@bp.route("/sw.js")
@public
def service_worker():
    """Served from the root so that its scope is the whole app, never cached stale, with
    the app shell's files written in from the one list. The same for everyone: rendered
    without the pages' context (no user, no session)."""
    response = make_response(current_app.jinja_env.get_template("sw.js").render(
        shell_urls=[url_for("static", filename=name) for name in assets.SHELL]))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY  # the worker's own
    return response
