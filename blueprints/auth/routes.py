from urllib.parse import urlsplit

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from blueprints.auth import services
from blueprints.common.access import public
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.common.web import LANGUAGES

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    enterprise_code = StringField()
    identifier = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(default=True)


def _safe_next(target: str | None) -> str:
    """Only paths on this site, so the login cannot bounce users elsewhere. No control
    character (a line break would end the Location header) and no backslash (browsers
    read "/\\host" as "//host")."""
    if target and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.enterprise_code.data = request.cookies.get("enterprise_code", "")
    need_code = services.needs_enterprise_code()
    error = None
    status = 200
    if form.validate_on_submit():
        enterprise = services.enterprise_by_code(form.enterprise_code.data if need_code else None)
        try:
            user = services.authenticate(enterprise, form.identifier.data, form.password.data,
                                         request.remote_addr)
        except Refused as refused:
            error, status = refused.message, refused.status
        else:
            login_user(user, remember=form.remember.data)
            response = make_response(redirect(_safe_next(request.args.get("next"))))
            response.set_cookie("enterprise_code", enterprise.code, max_age=365 * 86400,
                                samesite="Lax", httponly=True)
            return response
    elif request.method == "POST":
        status = 400
        error = _("Please enter your employee number or mobile number and your password.")
    return render_template("auth/login.html", form=form, error=error,
                           need_code=need_code), status


@bp.route("/logout", methods=["POST"])
def logout():
    # Ends copies of the cookies too, and the user's sessions on other devices.
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code):
    response = make_response(redirect(_safe_next(request.form.get("next"))))
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax")
    return response
