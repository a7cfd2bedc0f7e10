from flask import Blueprint

bp = Blueprint("hazards", __name__)

from blueprints.hazards import routes  # noqa: E402,F401
