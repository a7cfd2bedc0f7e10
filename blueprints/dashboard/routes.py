from flask import render_template

from blueprints.dashboard import bp


@bp.route("/home")
def home():
    return render_template("dashboard/home.html")
