from flask import Blueprint, render_template
from flask_login import current_user

from blueprints.dashboard import queue as work_queue
from blueprints.inspections import due

bp = Blueprint("dashboard", __name__)


@bp.route("/home")
def home():
    """Today's checks for the user, most urgent first."""
    gaps = due.gaps_for(current_user)
    return render_template("dashboard/home.html", gaps=gaps, queue=work_queue.work_queue(current_user),
                           units=due.units_for(current_user, gaps_known=gaps), due_states=due.DueState)


@bp.route("/hazards/queue")
def queue():
    """Everything waiting for the user's decision, beyond what the home shows."""
    return render_template("dashboard/queue.html", queue=work_queue.work_queue(current_user))
