"""Request-wide behaviour: login by default, the language, htmx partials, errors, headers."""
from flask import Flask, current_app, g, has_request_context, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from blueprints.common import clock, excel, refusal
from blueprints.common.access import is_public
from blueprints.common.extensions import db, login_manager

LANGUAGES = ("zh_CN", "en")


def select_locale() -> str:
    """The language the user chose, zh-CN by default and outside a request (a command)."""
    if not has_request_context():
        return "zh_CN"
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else "zh_CN"


def is_htmx() -> bool:
    """Whether htmx asks for a fragment. Not for a boosted link, and not for its history
    restore (after a history-cache miss it fetches the page it goes Back to and shows it
    whole). The answer then differs by these headers: the response says so (Vary)."""
    g.varies_by_htmx = True
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") != "true")


def _vary_by_htmx(response):
    if g.pop("varies_by_htmx", False):
        response.vary.update(("HX-Request", "HX-History-Restore-Request"))
    return response


def commit(change):
    """Runs change() and commits; a refusal rolls back and is raised on."""
    try:
        result = change()
    except refusal.Refused:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def save(form, change):
    """For a valid submitted form, runs change(), commits and returns its result; on a
    refusal shows the reasons on the form and returns None (nothing is written)."""
    if not form.validate_on_submit():
        return None
    try:
        return commit(change)
    except refusal.Refused as refused:
        refusal.show(form, refused)
        return None


def render(template: str, partial: str | None = None, **context):
    """The full page, or only its fragment when htmx asks for it."""
    if partial and is_htmx():
        return render_template(partial, **context)
    return render_template(template, **context)


def _require_login():
    if request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or request.endpoint == "static" or is_public(view):
        return None
    if not current_user.is_authenticated:
        if is_htmx():
            # htmx would swap the login page into a fragment; send the whole page there.
            response = current_app.response_class(status=401)
            response.headers["HX-Redirect"] = url_for("auth.login", next=request.full_path)
            return response
        return login_manager.unauthorized()
    return None


# Scripts and styles only from our own files: no inline script, no on*="" handler, no
# eval (htmx's is turned off in base.html), so injected markup cannot run. The label sheet
# inlines its QR codes as data: images; a photo field shows what the camera took as blob: images.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data: blob:; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # The policy, framing and referrer rules act only where a document runs (pages here,
    # the service worker sets its own); on every script, style and icon they would cost
    # some 300 bytes of a weak signal each.
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _private_pages(response):
    """A logged-in user's pages and JSON are kept by no cache but the app's own (which
    the phone empties at logout): not a proxy's, not the browser's disk cache. Responses
    that set their own rule (photos, static files, sw.js) keep it."""
    if (response.mimetype in ("text/html", "application/json")
            and "Cache-Control" not in response.headers and current_user.is_authenticated):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _error_page(code: int, message: str):
    if is_htmx():
        return render_template("_error.html", code=code, message=message), code
    return render_template("error.html", code=code, message=message), code


def _plain_lazy_strings(value):
    # Flask-Babel's lazy strings claim to be safe HTML (they define __html__), so a lazy
    # message carrying user text, such as a checklist item, would skip escaping.
    return str(value) if isinstance(value, LazyString) else value


def local_time(moment, fmt: str = "%Y-%m-%d %H:%M", tz_name: str | None = None) -> str:
    """A stored time (naive UTC) as the wall-clock time of the user's enterprise (of the
    one named by tz_name on a page without a login)."""
    if moment is None:
        return ""
    return clock.to_local(moment, tz_name or current_user.enterprise.timezone).strftime(fmt)


def register(app: Flask) -> None:
    app.jinja_env.finalize = _plain_lazy_strings
    app.add_template_filter(local_time)
    app.add_template_filter(excel.shown, "ledger_value")
    app.before_request(_require_login)
    app.after_request(_security_headers)
    app.after_request(_private_pages)
    app.after_request(_vary_by_htmx)

    @app.context_processor
    def inject():
        user_agent = request.headers.get("User-Agent", "")
        return {"lang": "zh-CN" if get_locale().language == "zh" else "en",
                "in_wechat": "MicroMessenger" in user_agent}

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _error_page(400, _("The form expired or was sent from elsewhere. Please go back, "
                                  "reload the page and try again."))

    @app.errorhandler(403)
    def forbidden(_error):
        return _error_page(403, _("You may not do this."))

    @app.errorhandler(404)
    def not_found(_error):
        return _error_page(404, _("Not found."))

    @app.errorhandler(413)
    def too_large(_error):
        return _error_page(413, _("The upload is too large (at most 10 MB)."))

    login_manager.login_message = None

    @app.route("/")
    def index():
        return redirect(url_for("dashboard.home"))
