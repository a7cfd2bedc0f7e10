from flask import Blueprint

bp = Blueprint("photos", __name__)

from blueprints.photos import routes  # noqa: E402,F401
