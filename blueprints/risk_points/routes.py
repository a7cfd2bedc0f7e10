"""Risk points: the list, a point's page, its form, checklist editor, grade and QR labels."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.briefings.queries import OVERSEERS
from blueprints.common import clock, qr, refusal
from blueprints.common import ledger as common_ledger
from blueprints.common.access import get_owned, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, row_id
from blueprints.common.web import render
from blueprints.inspections import due
from blueprints.inspections.services import RECORD_READERS
from blueprints.org import services as org_services
from blueprints.org.models import ScoringMethod, User
from blueprints.risk_points import forms, grading, ledger, services
from blueprints.risk_points.models import CheckLevel, Frequency, Grade, RiskPoint

bp = Blueprint("risk_points", __name__)

editors_only = roles_required(*services.EDITORS)
label_keepers_only = roles_required(*services.LABEL_KEEPERS)


@bp.context_processor
def _enums():
    """For the risk point templates' comparisons with stored values."""
    return {"Frequency": Frequency, "ScoringMethod": ScoringMethod}


# --- the list -------------------------------------------------------------------------------

@bp.route("/points")
def list_points():
    grade = Grade.lookup(request.args.get("grade")) or ""
    department_id = request.args.get("department", type=row_id)
    points = services.list_points(current_user.enterprise_id, grade or None, department_id)
    return render("risk_points/list.html", "risk_points/_list.html", points=points,
                  grades=list(Grade), grade=grade, department_id=department_id,
                  departments=org_services.departments(current_user.enterprise_id,
                                                       active_only=True),
                  may_print=current_user.has_role(*services.LABEL_KEEPERS),
                  may_edit=current_user.has_role(*services.EDITORS),
                  may_see_briefings=current_user.has_role(*OVERSEERS))


# --- one point ------------------------------------------------------------------------------

def _detail(point, override_form=None, status=200):
    return render_template(
        "risk_points/detail.html", point=point,
        override_form=override_form or forms.OverrideForm(formdata=None, data={
            "grade": point.override_grade or "", "reason": point.override_reason or ""}),
        gaps=due.gaps(point.enterprise_id, [point]),
        may_edit=current_user.has_role(*services.EDITORS),
        may_label=current_user.has_role(*services.LABEL_KEEPERS),
        may_read_records=current_user.has_role(*RECORD_READERS)), status


@bp.route("/points/<int:point_id>")
def detail(point_id):
    return _detail(get_owned(RiskPoint, point_id))


@bp.route("/points/<int:point_id>/override", methods=["POST"])
@editors_only
def override(point_id):
    point = get_owned(RiskPoint, point_id)
    form = forms.OverrideForm()
    if not form.validate_on_submit():
        return _detail(point, form, status=400)
    grade = Grade(form.grade.data) if form.grade.data else None
    try:
        services.set_override(point, grade, form.reason.data or "", current_user.id)
    except refusal.Refused as refused:
        db.session.rollback()
        return _detail(point, form, status=refusal.show(form, refused))
    db.session.commit()
    flash(_("The grade is overridden.") if grade else _("The override is cleared."), "success")
    return redirect(url_for("risk_points.detail", point_id=point.id))


# --- create and edit ------------------------------------------------------------------------

def _point_form(point=None):
    enterprise_id = current_user.enterprise_id
    form = forms.RiskPointForm(obj=point)
    form.set_choices(
        [d for d in org_services.departments(enterprise_id)
         if d.active or (point and d.id == point.department_id)],
        [t for t in org_services.teams(enterprise_id)
         if t.active or (point and t.id == point.team_id)],
        [u for u in db.session.scalars(db.select(User).where(
            User.enterprise_id == enterprise_id).order_by(User.name))
         if u.active or (point and u.id == point.responsible_user_id)])
    return form


def _form_page(form, point, refused=None):
    status = refusal.show(form, refused)
    enterprise = current_user.enterprise
    return render_template("risk_points/edit.html", form=form, point=point,
                           method=enterprise.scoring_method,
                           scored=_try_score(enterprise, form)), status


def _try_score(enterprise, form) -> grading.Scored | None:
    """The grade of the values picked so far, or None while they are incomplete."""
    picked = services.RiskPointData(code="", name="", department_id=0,
                                    lec=forms.score_values(form, "lec"),
                                    ls=forms.score_values(form, "ls"))
    try:
        return services.score(enterprise, picked)
    except grading.InvalidScore:
        return None


def _save_point(form, point=None):
    """The saved point, or None and the refusal, if any (nothing is written then)."""
    if not form.validate_on_submit():
        return None, None
    enterprise = current_user.enterprise
    data = form.data_for()
    try:
        services.check_point(enterprise, data, point)
    except refusal.Refused as refused:
        return None, refused
    if point is None:
        point = services.create_risk_point(enterprise, data, current_user.id)
    else:
        services.update_risk_point(point, enterprise, data, current_user.id)
    db.session.commit()
    return point, None


@bp.route("/points/new", methods=["GET", "POST"])
@editors_only
def new_point():
    form = _point_form()
    point, refused = _save_point(form)
    if point:
        flash(_("Saved. Grade: %(grade)s. Now add its check items.", grade=point.grade.label),
              "success")
        return redirect(url_for("risk_points.edit_checklist", point_id=point.id))
    return _form_page(form, None, refused)


@bp.route("/points/<int:point_id>/edit", methods=["GET", "POST"])
@editors_only
def edit_point(point_id):
    point = get_owned(RiskPoint, point_id)
    form = _point_form(point)
    saved, refused = _save_point(form, point)
    if saved:
        flash(_("Saved. Grade: %(grade)s.", grade=saved.grade.label), "success")
        return redirect(url_for("risk_points.detail", point_id=point.id))
    return _form_page(form, point, refused)


@bp.route("/points/grade")
@editors_only
def grade_preview():
    """The grade the picked values give, shown while the form is filled in."""
    form = forms.RiskPointForm(formdata=request.args, meta={"csrf": False})
    return render_template("risk_points/_grade.html",
                           scored=_try_score(current_user.enterprise, form),
                           method=current_user.enterprise.scoring_method)


# --- the checklist --------------------------------------------------------------------------

def _checklist_page(point, items, errors=(), status=200):
    return render_template("risk_points/checklist.html", point=point, items=items, errors=errors,
                           frequencies=list(Frequency), levels=list(CheckLevel),
                           max_hours=services.MAX_EVERY_HOURS), status


@bp.route("/points/<int:point_id>/checklist", methods=["GET", "POST"])
@editors_only
def edit_checklist(point_id):
    """Add, remove and move items on the page; only "save" writes, as a new version."""
    point = get_owned(RiskPoint, point_id)
    if request.method == "GET":
        current = point.checklist.items if point.checklist else []
        return _checklist_page(point, [services.ItemData(
            text=i.text, standard=i.standard, frequency=i.frequency, every_hours=i.every_hours,
            level=i.level) for i in current] or [services.ItemData(text="")])
    items = forms.items_from_form(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        return _checklist_page(point, forms.rearranged(items, action))
    try:
        services.check_checklist(items)
    except refusal.Refused as refused:
        return _checklist_page(point, items, refused.messages, status=refused.status)
    version = services.save_checklist(point, items, current_user.id)
    db.session.commit()
    flash(_("Saved as checklist version %(n)s.", n=version.number), "success")
    return redirect(url_for("risk_points.detail", point_id=point.id))


# --- QR codes and labels --------------------------------------------------------------------

def _scan_link(token: str) -> str:
    return qr.public_link("inspections.scan", token=token)


@bp.route("/points/<int:point_id>/qr.png")
@label_keepers_only
def qr_png(point_id):
    """Only label keepers: whoever holds the image could "scan" without being there."""
    point = get_owned(RiskPoint, point_id)
    if point.current_token is None:
        return Response(status=404)
    response = Response(qr.qr_png(_scan_link(point.current_token.token)),
                        mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/points/labels", endpoint="labels")
@label_keepers_only
def label_sheet():
    points = services.points_by_ids(current_user.enterprise_id,
                                    request.args.getlist("ids", type=row_id))
    sheet = [(p, qr.qr_data_uri(_scan_link(p.current_token.token)))
             for p in points if p.current_token]
    return render_template("risk_points/labels.html", sheet=sheet,
                           address_from_request=qr.address_from_request())


@bp.route("/points/<int:point_id>/rotate", methods=["GET", "POST"])
@label_keepers_only
def rotate(point_id):
    """GET asks to confirm; POST retires the old token and makes a new one."""
    point = get_owned(RiskPoint, point_id)
    if request.method == "GET":
        return render_template("risk_points/rotate.html", point=point)
    services.rotate_token(point, current_user.id)
    db.session.commit()
    flash(_("A new QR code is made. Print and put up the new label; the old one no longer works."),
          "success")
    return redirect(url_for("risk_points.detail", point_id=point.id))


# --- the risk register and the check-item list: printed, or in Excel --------------------------

def _register_filters(*extra: common_ledger.Choice) -> list[common_ledger.Choice]:
    departments = org_services.departments(current_user.enterprise_id, active_only=True)
    return [common_ledger.department_choice(departments),
            common_ledger.choice("grade", _l("Risk grade"), [(g.value, g.label) for g in Grade]),
            *extra]


def _register_points(filters: list[common_ledger.Choice]):
    by_name = {f.name: f.value for f in filters}
    found = services.list_points(current_user.enterprise_id, by_name["grade"] or None,
                                 optional_id(by_name["department"]), with_people=True)
    return found, ledger.current_items([p.id for p in found]), by_name


@bp.route("/points/register")
def register():
    """风险分级管控清单: every active point, most serious first."""
    filters = _register_filters()
    found, items, _chosen = _register_points(filters)
    title = _("Risk register")
    day = clock.today(current_user.enterprise.timezone)
    return common_ledger.respond(
        title, f"{title} {day}", [ledger.register_sheet(current_user.enterprise, found, items, day)],
        {0: [url_for("risk_points.detail", point_id=p.id) for p in found]}, filters=filters)


@bp.route("/points/check-items")
def check_items():
    """隐患排查清单: every item of the points' current checklists, by point."""
    filters = _register_filters(common_ledger.choice(
        "level", _l("Check level"), [(c.value, c.label) for c in CheckLevel]))
    found, items, chosen = _register_points(filters)
    title = _("Check-item list")
    day = clock.today(current_user.enterprise.timezone)
    sheet, owners = ledger.items_sheet(current_user.enterprise, found, items, day, chosen["level"])
    return common_ledger.respond(
        title, f"{title} {day}", [sheet], {0: [url_for("risk_points.detail", point_id=i) for i in owners]},
        filters=filters)
