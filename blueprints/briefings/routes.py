"""The morning briefing's pages: the leader's screen (start, run, close), the worker's
sign-in, the records (history, one briefing and its print, today at a glance) and the
safety officer's templates."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.briefings import forms, permissions, queries, services
from blueprints.briefings.models import MIN_MINUTES, Briefing, BriefingStep
from blueprints.common import refusal
from blueprints.common.access import get_owned, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import iso_day, page_number, row_id
from blueprints.common.refusal import Refused
from blueprints.common.web import render
from blueprints.org.models import Team

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


# --- the records: one briefing and its notes, the history; the templates (issue 11, engineer D)

def _seen(briefing_id: int) -> Briefing:
    """The briefing, if the user may see it; another enterprise's or one he may not, 404 alike."""
    briefing = get_owned(Briefing, briefing_id)
    if not permissions.can(current_user, "view", briefing):
        abort(404)
    return briefing


def _record(briefing: Briefing, refused: Refused | None = None):
    may_run = permissions.can(current_user, "close", briefing)
    return render_template(
        "briefings/detail.html", briefing=briefing, counts=queries.counts(briefing),
        may_note=permissions.can(current_user, "add_note", briefing),
        run_url=url_for("briefings.run", briefing_id=briefing.id) if may_run else None,
        enterprise=current_user.enterprise, refused=refused,
        text=request.form.get("text", "") if refused else ""), refusal.status(refused)


@bp.route("/<int:briefing_id>")
def detail(briefing_id):
    """One briefing's record: running, who leads it; closed, everything the leader recorded,
    the sign-ins and how each was made, and the notes added since. It prints on one page."""
    return _record(_seen(briefing_id))


@bp.route("/<int:briefing_id>/notes", methods=["POST"])
def add_note(briefing_id):
    briefing = _seen(briefing_id)
    try:
        services.add_note(briefing, current_user, request.form.get("text", ""))
    except Refused as refused:
        db.session.rollback()
        return _record(briefing, refused)
    db.session.commit()
    flash(_("Note added."), "success")
    return redirect(url_for("briefings.detail", briefing_id=briefing.id))


@bp.route("/")
def history():
    """The briefings the user may see, newest first, by team and by day."""
    team_id = request.args.get("team", type=row_id)
    day = request.args.get("date", type=iso_day)
    page = db.paginate(queries.history(current_user, team_id, day), per_page=queries.HISTORY_PER_PAGE,
                       error_out=False, page=request.args.get("page", 1, type=page_number))
    return render("briefings/history.html", "briefings/_history_rows.html", page=page,
                  teams=queries.history_teams(current_user), team_id=team_id, day=day,
                  counts=queries.counts, may_keep=current_user.has_role(*permissions.KEEPERS))


@bp.route("/templates")
@roles_required(*permissions.KEEPERS)
def templates():
    """Every team that holds briefings, with the version of its template in force."""
    teams = queries.briefing_teams(current_user.enterprise_id)
    return render_template("briefings/templates.html",
                           rows=[(team, services.template_of(team)) for team in teams])


@bp.route("/templates/<int:team_id>", methods=["GET", "POST"])
@roles_required(*permissions.KEEPERS)
def edit_template(team_id):
    """Saving makes a new version; a briefing held from an older one keeps it."""
    team = get_owned(Team, team_id)
    current = services.template_of(team)
    form = forms.TemplateForm()
    if request.method == "GET":
        if current is not None:
            form.fill(current.min_minutes, {step: [item.text for item in current.items_of(step)]
                                            for step in BriefingStep})
        else:
            form.fill(MIN_MINUTES, services.default_items())
    refused = None
    if form.validate_on_submit():
        try:
            saved = services.save_template(team, form.min_minutes.data, form.prompts(), current_user.id)
        except Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            flash(_("Saved as version %(number)s. Briefings already held keep the version they used.",
                    number=saved.number), "success")
            return redirect(url_for("briefings.templates"))
    status = refusal.show(form, refused)
    return render_template("briefings/template_edit.html", form=form, team=team, current=current,
                           steps=BriefingStep), status
