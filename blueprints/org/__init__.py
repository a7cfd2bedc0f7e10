from flask import Blueprint

bp = Blueprint("org", __name__)

from blueprints.org import routes  # noqa: E402,F401
