"""Who is logged in, and the navigation they are shown."""
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common.extensions import db, login_manager
from blueprints.org.models import Role, User


@login_manager.user_loader
def load_user(session_id: str):
    """The user of a session or remember-me cookie, unless its session version is out of
    date (logged out, password changed, deactivated): then the cookie is worth nothing."""
    user_id, _colon, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.session_version == int(version) else None


# (endpoint, label, icon in the sprite, roles or None for everyone)
NAV = (
    ("dashboard.home", _l("Home"), "home", None),
    ("sync.scanner", _l("Scan"), "scan", None),
    ("risk_points.list_points", _l("Risk points"), "map-pin", None),
    ("hazards.list_hazards", _l("Hazards"), "list-details", None),
    ("reporting.new", _l("Snap & report"), "camera", None),
    ("org.users", _l("People"), "users", (Role.ADMIN,)),
)


def _nav_items():
    return [(endpoint, label, icon) for endpoint, label, icon, roles in NAV
            if roles is None or current_user.has_role(*roles)]


def register(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {"nav_items": _nav_items}
