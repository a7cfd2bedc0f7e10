from flask import render_template
from flask_login import current_user

from blueprints.common import clock
from blueprints.dashboard import bp
from blueprints.inspections import due


@bp.route("/home")
def home():
    """Today's checks for the user, most urgent first."""
    tz_name = current_user.enterprise.timezone
    return render_template("dashboard/home.html", units=due.units_for(current_user),
                           local_time=lambda moment: clock.to_local(moment, tz_name).strftime("%m-%d %H:%M"))
