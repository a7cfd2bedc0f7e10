"""Login by default, role checks, and rows fetched only inside the user's enterprise."""
from functools import wraps

from flask import abort
from flask_login import current_user

from blueprints.common.extensions import db
from blueprints.common.permissions import can


def public(view):
    """Marks a view that needs no login (login page, service worker, language switch)."""
    view._public = True
    return view


def is_public(view_function) -> bool:
    return getattr(view_function, "_public", False)


def roles_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def get_seen(model, row_id):
    """The row if the user may see it by its area's table (common.permissions); another
    enterprise's, or one of his own enterprise he may not see, 404 alike."""
    row = get_owned(model, row_id)
    if not can(current_user, "view", row):
        abort(404)
    return row


def get_owned(model, row_id):
    """The row if it belongs to the current user's enterprise, else 404 (never 403,
    so that ids of other enterprises are not even confirmed to exist)."""
    row = db.session.get(model, row_id)
    if row is None or row.enterprise_id != current_user.enterprise_id:
        abort(404)
    return row
