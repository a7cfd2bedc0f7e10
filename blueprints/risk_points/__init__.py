from flask import Blueprint

bp = Blueprint("risk_points", __name__)

from blueprints.risk_points import routes  # noqa: E402,F401
