from flask import Blueprint, render_template
from flask_login import current_user

from blueprints.inspections import due

bp = Blueprint("dashboard", __name__)


@bp.route("/home")
def home():
    """Today's checks for the user, most urgent first."""
    gaps = due.gaps_for(current_user)
    return render_template("dashboard/home.html", gaps=gaps,
                           units=due.units_for(current_user, gaps_known=gaps))
