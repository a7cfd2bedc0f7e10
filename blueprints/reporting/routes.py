"""The report pages: 随手拍 and the reporter's own list, the safety staff's queue with its
three answers, and the rewards (decide, pay, the scale)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from blueprints.common import clock, qr, refusal
from blueprints.common import ledger as common_ledger
from blueprints.common.access import get_seen, public, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, page_number
from blueprints.common.permissions import can, check
from blueprints.common.refusal import Refused
from blueprints.common.web import commit, render, save
from blueprints.hazards.models import Hazard
from blueprints.org.models import Department, Role
from blueprints.photos.services import prepare_files
from blueprints.reporting import forms, ledger, queries, services
from blueprints.reporting.models import Report, ReportKind, Reward, RewardState
from blueprints.reporting.permissions import OVERSEERS, TRIAGERS
from blueprints.risk_points.models import RiskPoint

bp = Blueprint("reporting", __name__)


# --- 随手拍 ------------------------------------------------------------------------------

def _points():
    return db.session.scalars(select(RiskPoint).where(
        RiskPoint.enterprise_id == current_user.enterprise_id, RiskPoint.active.is_(True))
        .order_by(RiskPoint.code))


@bp.route("/reports/new", methods=["GET", "POST"])
def new():
    """Three taps: what kind, a photo, send. The place is the scanned point (?point=), one
    chosen from the list or typed; works offline through the outbox."""
    form = forms.ReportForm()
    forms.set_point_choices(form, _points())
    if request.method == "GET":
        form.risk_point_id.data = request.args.get("point", "")
    report = save(form, lambda: services.submit(current_user, services.ReportInput(
        kind=form.kind.data or "", description=form.description.data or "",
        risk_point_id=optional_id(form.risk_point_id.data), location=form.location.data or "",
        client_uuid=form.client_uuid.data or None),
        lambda: services.store_photos(request.files, current_user.enterprise_id, current_user)))
    if report:
        flash(_("Report sent. Thank you: you can follow it here."), "success")
        return redirect(url_for("reporting.detail", report_id=report.id))
    point = db.session.get(RiskPoint, optional_id(form.risk_point_id.data) or 0)
    return render_template("reporting/new.html", form=form, kinds=list(ReportKind),
                           point=point), refusal.status()


@bp.route("/reports")
def mine():
    """The user's own reports and how far each has come."""
    page = db.paginate(queries.mine(current_user), per_page=queries.PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render("reporting/mine.html", "reporting/_mine_rows.html", page=page)


@bp.route("/reports/<int:report_id>")
def detail(report_id):
    report = get_seen(Report, report_id)
    return render_template("reporting/detail.html", report=report, steps=queries.progress(report),
                           late=queries.is_late(report),
                           may_answer=can(current_user, "answer", report),
                           show_contact=can(current_user, "see_contact", report),
                           see_hazard=report.hazard is not None and can(current_user, "view", report.hazard),
                           see_reward=report.reward is not None and can(current_user, "view", report.reward))


# --- the safety staff's queue ----------------------------------------------------------------

@bp.route("/reports/review")
@roles_required(*OVERSEERS)
def review():
    answered = request.args.get("answered") == "1"
    page = db.paginate(queries.for_review(current_user, answered), per_page=queries.PER_PAGE,
                       error_out=False, page=request.args.get("page", 1, type=page_number))
    return render("reporting/review.html", "reporting/_review_rows.html", page=page, answered=answered,
                  is_late=queries.is_late, may_poster=current_user.has_role(*TRIAGERS))


def _answer_page(report, form, template, **context):
    return render_template(template, report=report, form=form,
                           show_contact=can(current_user, "see_contact", report), **context), refusal.status()


def _answered(message):
    flash(message, "success")
    return redirect(url_for("reporting.review"))


def _answerable(report_id):
    """The report, unless the table says it cannot be answered (by this user, or any more):
    then the page saying why."""
    report = get_seen(Report, report_id)
    try:
        check(current_user, "answer", report)
    except Refused as refused:
        abort(make_response(refusal.error_page(refused)))
    return report


@bp.route("/reports/<int:report_id>/accept", methods=["GET", "POST"])
def accept(report_id):
    """It becomes a hazard, graded and worded by the safety staff; its reward is proposed."""
    report = _answerable(report_id)
    form = forms.AcceptForm()
    departments = db.session.scalars(select(Department).where(
        Department.enterprise_id == current_user.enterprise_id, Department.active.is_(True))
        .order_by(Department.name))
    form.department_id.choices = [(str(d.id), d.name) for d in departments]
    if request.method == "GET":
        form.description.data = report.description or f"{report.kind.label} · {report.place}"
        department_id = (report.risk_point.department_id if report.risk_point
                         else report.reporter.effective_department_id if report.reporter else None)
        form.department_id.data = str(department_id or "")
    hazard = save(form, lambda: services.accept(report, current_user, services.Acceptance(
        description=form.description.data, department_id=optional_id(form.department_id.data),
        grade=form.grade.data, category=form.category.data, criteria=form.criteria.data or [],
        basis=form.basis.data or "")))
    if hazard:
        flash(_("Accepted: the report is now a hazard, and its reward is proposed."), "success")
        return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    return _answer_page(report, form, "reporting/accept.html")


@bp.route("/reports/<int:report_id>/duplicate", methods=["GET", "POST"])
def duplicate(report_id):
    report = _answerable(report_id)
    form = forms.DuplicateForm()
    candidates = queries.duplicate_candidates(report, current_user)
    form.hazard_id.choices = [(str(h.id), h.description) for h in candidates]
    if save(form, lambda: services.mark_duplicate(
            report, current_user, db.session.get(Hazard, optional_id(form.hazard_id.data) or 0),
            form.note.data or "")):
        return _answered(_("Marked as already reported: the first reporter keeps the credit."))
    return _answer_page(report, form, "reporting/duplicate.html", candidates=candidates)


@bp.route("/reports/<int:report_id>/decline", methods=["GET", "POST"])
def decline(report_id):
    report = _answerable(report_id)
    form = forms.DeclineForm()
    if save(form, lambda: services.decline(report, current_user, form.reason.data)):
        return _answered(_("Declined: the reporter sees your reason."))
    return _answer_page(report, form, "reporting/decline.html")


# --- rewards -------------------------------------------------------------------------------

@bp.route("/rewards")
@roles_required(*OVERSEERS)
def rewards():
    state = RewardState.lookup(request.args.get("state"))
    page = db.paginate(queries.rewards(current_user, state), per_page=queries.PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render("reporting/rewards.html", "reporting/_reward_rows.html", page=page, state=state,
                  states=list(RewardState), today=clock.today(current_user.enterprise.timezone),
                  is_overdue=queries.is_overdue, may_scale=current_user.has_role(Role.SAFETY_DIRECTOR))


@bp.route("/rewards/<int:reward_id>", methods=["GET", "POST"])
def reward(reward_id):
    """The reward and, for the safety director, its decision (as proposed, changed or with
    a bonus); for the safety staff once approved, the button that marks it paid."""
    row = get_seen(Reward, reward_id)
    form = forms.DecisionForm()
    if request.method == "GET":
        form.amount.data, form.points.data = row.proposed_amount, row.proposed_points
    if save(form, lambda: services.decide(row, current_user, services.Decision(
            amount=form.amount.data, points=form.points.data, bonus=form.bonus.data or Decimal(0),
            reason=form.reason.data or ""))):
        flash(_("Reward decided."), "success")
        return redirect(url_for("reporting.reward", reward_id=row.id))
    today = clock.today(current_user.enterprise.timezone)
    return render_template("reporting/reward.html", reward=row, form=form,
                           overdue=queries.is_overdue(row, today),
                           may_decide=can(current_user, "decide", row),
                           may_pay=can(current_user, "pay", row)), refusal.status()


@bp.route("/rewards/<int:reward_id>/pay", methods=["POST"])
def pay(reward_id):
    row = get_seen(Reward, reward_id)
    try:
        commit(lambda: services.pay(row, current_user, request.form.get("receipt", "")))
    except Refused as refused:
        return refusal.error_page(refused)
    flash(_("Marked paid."), "success")
    return redirect(url_for("reporting.reward", reward_id=row.id))


@bp.route("/rewards/scale", methods=["GET", "POST"])
@roles_required(Role.SAFETY_DIRECTOR)
def scale():
    row = services.settings_for(current_user.enterprise_id)
    form = forms.SettingsForm(obj=row)
    if save(form, lambda: services.save_settings(current_user.enterprise_id, current_user, services.Scale(
            **{name: form[name].data for name in services.SCALE_LIMITS}))):
        flash(_("Saved."), "success")
        return redirect(url_for("reporting.scale"))
    return render_template("reporting/scale.html", form=form), refusal.status()


# --- the reward ledger and the monthly points --------------------------------------------------

@bp.route("/rewards/ledger")
@roles_required(*OVERSEERS)
def reward_ledger():
    """奖励台账: the rewards of the reports accepted in a period (this year so far unless
    chosen) and the monthly totals per department; printed, or in Excel."""
    chosen = common_ledger.period(clock.today(current_user.enterprise.timezone))
    sheets, rows = ledger.period(current_user, chosen.start, chosen.end)
    return common_ledger.respond(_("Reward ledger"), f"{_('Reward ledger')} {chosen.start}_{chosen.end}",
                                 sheets, {0: [url_for("reporting.reward", reward_id=r.id) for r in rows]},
                                 period=chosen, signature=_("Safety director (signature)"))


def _month(value: str) -> date:
    """type= for ?month=YYYY-MM, in the years people enter."""
    day = datetime.strptime(value, "%Y-%m").date()
    if not clock.EARLIEST.year <= day.year < clock.LATEST.year:
        raise ValueError(value)
    return day


@bp.route("/rewards/leaderboard")
def leaderboard():
    """The month's points (colleagues only, never public reporters), for everyone."""
    today = clock.today(current_user.enterprise.timezone)
    month = request.args.get("month", type=_month) or today.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    local = common_ledger.LocalTime(current_user.enterprise.timezone)
    since, until = local.bounds(month, following - timedelta(days=1))
    return render_template("reporting/leaderboard.html", month=month,
                           board=queries.leaderboard(current_user.enterprise_id, since, until),
                           previous=(month - timedelta(days=1)).replace(day=1),
                           following=following if following <= today else None)


# --- the public channel: anyone, without a login ----------------------------------------------

RECEIPT = "public_receipt"   # the session's last receipt: its page can be reloaded


def _public_enterprise(code: str):
    enterprise = services.enterprise_of_code(code)
    if enterprise is None:
        abort(404)
    return enterprise


@bp.route("/p/<code>", methods=["GET", "POST"])
@public
def public_form(code):
    """The poster's QR code opens this: a photo, a few words, the place, optionally a way to
    reach the sender. Guarded: a honeypot, rate limits per sender and per enterprise
    (checked before any photo is decoded, and again in the write), photo checks."""
    enterprise = _public_enterprise(code)
    form = forms.PublicReportForm()
    if form.validate_on_submit():
        data = services.PublicInput(kind=form.kind.data or "", description=form.description.data or "",
                                    location=form.location.data or "", contact=form.contact.data or "",
                                    honeypot=form.website.data or "")
        try:
            services.check_public(enterprise, data, request.remote_addr)
            uploads = services.photo_uploads(request.files, services.PUBLIC_MAX_PHOTOS)
            db.session.commit()  # nothing written: SQLite's write lock is let go while photos decode
            prepare_files(uploads)
            report, receipt = commit(lambda: services.submit_public(
                enterprise, data, request.remote_addr, lambda: services.store_photos(
                    request.files, enterprise.id, None, services.PUBLIC_MAX_PHOTOS)))
        except Refused as refused:
            db.session.rollback()
            refusal.show(form, refused)
        else:
            session[RECEIPT] = {"code": code, "report_id": report.id, "receipt": receipt}
            return redirect(url_for("reporting.public_receipt", code=code))
    return render_template("reporting/public_form.html", form=form, enterprise=enterprise,
                           kinds=list(ReportKind), code=code), refusal.status()


@bp.route("/p/<code>/receipt")
@public
def public_receipt(code):
    enterprise = _public_enterprise(code)
    given = session.get(RECEIPT)
    if not given or given.get("code") != code:
        return redirect(url_for("reporting.public_status", code=code))
    return render_template("reporting/public_receipt.html", enterprise=enterprise, code=code,
                           receipt=given["receipt"])


@bp.route("/p/<code>/status", methods=["GET", "POST"])
@public
def public_status(code):
    """The outcome of one report, by its receipt code (sent in the form, not in the address)."""
    enterprise = _public_enterprise(code)
    form = forms.ReceiptForm()
    report = None
    if form.validate_on_submit():
        report = services.by_receipt(enterprise, form.receipt.data)
        if report is None:
            refusal.show(form, Refused(_("No report of %(name)s has this receipt code.",
                                         name=enterprise.name), "receipt", status=404))
    return render_template("reporting/public_status.html", enterprise=enterprise, code=code, form=form,
                           report=report, steps=queries.progress(report) if report else []), refusal.status()


@bp.route("/reports/poster", methods=["GET", "POST"])
@roles_required(*TRIAGERS)
def poster():
    """The poster for gates, canteens and contractor areas: the public link's QR code. The
    link is made (POST) the first time; a new one retires the old posters, as when abused."""
    if request.method == "POST":
        had_one = services.settings_for(current_user.enterprise_id).public_code is not None
        commit(lambda: services.new_public_code(current_user.enterprise_id, current_user))
        if had_one:
            flash(_("A new link is made: print the poster again; the old posters no longer work."), "success")
        return redirect(url_for("reporting.poster"))
    code = services.settings_for(current_user.enterprise_id).public_code
    link = qr.public_link("reporting.public_form", code=code) if code else None
    return render_template("reporting/poster.html", link=link,
                           qr_image=qr.qr_data_uri(link) if link else None,
                           address_from_request=qr.address_from_request())
