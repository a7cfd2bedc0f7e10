"""The morning briefing's pages: the leader's screen (start, run, close), the worker's
sign-in, the records (history, one briefing and its print, today at a glance) and the
safety officer's templates."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.briefings import close_form, forms, permissions, queries, services
from blueprints.briefings.models import MIN_MINUTES, Briefing, BriefingStep, Presence, SignIn
from blueprints.common import clock, refusal
from blueprints.common.access import get_owned, get_seen, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import iso_day, optional_id, page_number, row_id
from blueprints.common.refusal import Refused
from blueprints.common.web import is_htmx, render
from blueprints.org.models import Team
from blueprints.sync import services as sync_services

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


# --- the leader's screen: start, run, close

@bp.route("/start", methods=["POST"])
def start():
    """开始班前会, from whichever page holds the button: the team's briefing for its
    current shift (the running one, if it has started already), on the leader's screen."""
    team = get_owned(Team, optional_id(request.form.get("team_id")) or 0)
    try:
        briefing = services.start(current_user, team)
    except Refused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("dashboard.home"))
    db.session.commit()
    return redirect(url_for("briefings.run", briefing_id=briefing.id))


def _leaders(briefing_id: int) -> Briefing:
    """The briefing, for its leader only: his screen carries the secret of the code."""
    briefing = get_owned(Briefing, briefing_id)
    if not permissions.may(current_user, "close", briefing):
        abort(403)
    return briefing


def _run_page(briefing: Briefing, refused: Refused | None = None):
    """The leader's screen, or (htmx) who has signed in; refused, with what he entered
    and each message next to its field."""
    named = refused.errors if refused else []
    return render("briefings/run.html", "briefings/_sign_ins.html", briefing=briefing, step=BriefingStep,
                  presences=Presence, helpers=close_form.helpers(briefing), values=request.form,
                  posted=refused is not None, refused=refused,
                  # A person's messages go next to his inputs; the rest above the form.
                  errors={name: message for name, message in named if name and name.startswith("roll-")},
                  form_errors=[message for name, message in named if not (name or "").startswith("roll-")],
                  elapsed=clock.now() - briefing.started_at, no_lesson=services.held_back(briefing),
                  no_lesson_text=services.NO_LESSON), refusal.status(refused)


@bp.route("/<int:briefing_id>/run")
def run(briefing_id):
    briefing = _leaders(briefing_id)
    if briefing.is_closed:
        record = url_for("briefings.detail", briefing_id=briefing.id)
        # The screen's poll, once the close has arrived (from the outbox too): to the record.
        return ("", 200, {"HX-Redirect": record}) if is_htmx() else redirect(record)
    return _run_page(briefing)


@bp.route("/<int:briefing_id>/close", methods=["POST"])
def close(briefing_id):
    """The close form sent past the outbox (no script, or a phone that would not keep it)."""
    briefing = get_owned(Briefing, briefing_id)
    try:
        close_form.close(briefing, current_user, request.form, request.files,
                         clock.parse_utc(request.form.get("done_at")),
                         request.form.get("client_uuid", "").strip()[:64] or None)
    except Refused as refused:
        db.session.rollback()
        if refused.status != 400:
            return refusal.error_page(refused)
        return _run_page(briefing, refused)
    db.session.commit()
    flash(_("Briefing closed."), "success")
    return redirect(url_for("briefings.detail", briefing_id=briefing.id))


# --- the worker's sign-in

@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """确认签到: the page the leader's QR code opens. Its fragment (#briefing.minute.code)
    stays on the phone, where sign-in.js reads it and notes the scan's time; the form
    goes through the outbox, and here when the phone would not keep it."""
    refused = None
    if request.method == "POST":
        try:
            read = sync_services.sign_in_fields(current_user, request.form)
            row = services.sign_in(current_user, read.subject, read.minute, read.code, read.scanned_at,
                                   request.form.get("client_uuid", "").strip()[:64] or None,
                                   request.headers.get("User-Agent", ""))
        except Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            return redirect(url_for("briefings.signed", sign_in_id=row.id))
    return render_template("briefings/sign_in.html", refused=refused), refusal.status(refused)


@bp.route("/sign-in/<int:sign_in_id>")
def signed(sign_in_id: int):
    """The worker's proof that the sign-in counted: for him and whoever sees the briefing."""
    row = get_owned(SignIn, sign_in_id)
    if row.user_id != current_user.id and not permissions.can(current_user, "view", row.briefing):
        abort(404)
    return render_template("briefings/signed.html", sign_in=row)


# --- the records: one briefing and its notes, the history; the templates

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
    return _record(get_seen(Briefing, briefing_id))


@bp.route("/<int:briefing_id>/notes", methods=["POST"])
def add_note(briefing_id):
    briefing = get_seen(Briefing, briefing_id)
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


# --- today at a glance

@bp.route("/today")
@roles_required(*queries.OVERSEERS)
def today():
    """Each team's briefing of its current shift (a department head's teams, the safety
    staff's and the principal's all), missing first, with who is kept off work."""
    return render_template("briefings/today.html", rows=queries.today(current_user),
                           kept=queries.kept_off_work(current_user), counts=queries.counts,
                           local_day=queries.local_day(current_user.enterprise))
