from flask import Blueprint

bp = Blueprint("inspections", __name__)

from blueprints.inspections import routes  # noqa: E402,F401
