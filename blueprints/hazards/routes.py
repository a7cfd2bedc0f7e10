"""Hazard screens: list, report, detail with timeline, one small form per action."""
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from blueprints.common import clock, refusal
from blueprints.common import ledger as common_ledger
from blueprints.common.access import get_owned, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, page_number, row_id
from blueprints.common.web import local_time, render
from blueprints.hazards import forms, ledger, permissions, queries, transitions
from blueprints.hazards.models import (
    MAJOR_CRITERIA,
    Hazard,
    HazardCategory,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
)
from blueprints.hazards.permissions import HazardError, InvalidTransition, PermissionDenied
from blueprints.org.models import Department, User
from blueprints.photos.services import save_upload
from blueprints.risk_points.models import RiskPoint

bp = Blueprint("hazards", __name__)


# An event's data keeps the old and new grade or category as plain strings.
VALUE_LABELS = {m: m.label for m in (*HazardGrade, *HazardCategory)}


def _inspection_url(inspection_id: int) -> str:
    return url_for("inspections.record", inspection_id=inspection_id)


@bp.app_context_processor
def hazard_helpers():
    """For every template."""
    return {"can_hazard": permissions.can, "pending_plan": permissions.pending_plan,
            "pending_extension": permissions.pending_extension,
            "hazard_overdue": queries.is_overdue, "inspection_url": _inspection_url,
            "major_criteria": MAJOR_CRITERIA}


@bp.app_template_filter("hazard_iso")
def hazard_iso(text, fmt="%Y-%m-%d %H:%M"):
    """An event's stored ISO time (naive UTC) in the enterprise's local time."""
    return local_time(datetime.fromisoformat(text), fmt) if text else ""


TITLE_LENGTH = 32
_BREAKS = " ，。；、,.;"


@bp.app_template_filter("hazard_title")
def hazard_title(text: str) -> str:
    """A hazard's text as its title: the first line, cut after a whole word or clause
    when it is long (the full text is on the page below)."""
    line = text.strip().split("\n", 1)[0].strip()
    if len(line) <= TITLE_LENGTH:
        return line
    cut = line[:TITLE_LENGTH]
    at = max(cut.rfind(mark) for mark in _BREAKS)
    if at >= TITLE_LENGTH // 2:
        cut = cut[:at]
    return cut.rstrip(_BREAKS) + "…"


@bp.app_template_filter("hazard_value")
def hazard_value(value):
    return VALUE_LABELS.get(value, value)


def _photo(file_storage):
    photo = save_upload(file_storage, current_user.enterprise_id, current_user.id)
    return photo.id if photo else None


# --- list and report ---------------------------------------------------------------------------

@bp.route("/hazards")
def list_hazards():
    wanted = queries.HazardFilter(
        state=HazardState.lookup(request.args.get("state")) or "",
        grade=HazardGrade.lookup(request.args.get("grade")) or "",
        category=HazardCategory.lookup(request.args.get("category")) or "",
        department_id=request.args.get("department", type=row_id),
        overdue=request.args.get("overdue") == "1",
        open=request.args.get("open") == "1",
        awaiting_approval=request.args.get("approval") == "1",
        page=request.args.get("page", 1, type=page_number))
    page = queries.search(current_user, wanted)
    departments = db.session.scalars(select(Department).where(
        Department.enterprise_id == current_user.enterprise_id).order_by(Department.name)).all()
    return render("hazards/list.html", "hazards/_list.html", page=page, wanted=wanted,
                  departments=departments, states=list(HazardState), grades=list(HazardGrade),
                  categories=list(HazardCategory),
                  may_read_ledger=current_user.has_role(*permissions.LEDGER_READERS))


def _report_form():
    form = forms.ReportForm()
    enterprise_id = current_user.enterprise_id
    points = db.session.scalars(select(RiskPoint).where(
        RiskPoint.enterprise_id == enterprise_id, RiskPoint.active.is_(True)).order_by(RiskPoint.code))
    departments = db.session.scalars(select(Department).where(
        Department.enterprise_id == enterprise_id, Department.active.is_(True)).order_by(Department.name))
    forms.set_report_choices(form, points, departments)
    if request.method == "GET":
        form.department_id.data = str(current_user.effective_department_id or "")
        form.risk_point_id.data = request.args.get("point", "")
    return form


@bp.route("/hazards/new", methods=["GET", "POST"])
def report():
    form = _report_form()
    refused = None
    if form.validate_on_submit():
        earlier = queries.by_client_uuid(form.client_uuid.data)
        if earlier is not None and earlier.enterprise_id == current_user.enterprise_id:
            return redirect(url_for("hazards.detail", hazard_id=earlier.id))
        try:
            hazard = transitions.report_from_form(current_user, transitions.ReportInput(
                description=form.description.data, location=form.location.data or "",
                department_id=optional_id(form.department_id.data),
                risk_point_id=optional_id(form.risk_point_id.data), category=form.category.data,
                client_uuid=form.client_uuid.data or None), lambda: _photo(form.photo.data))
        except refusal.Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            flash(_("Hazard reported. Thank you."), "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    status = refusal.show(form, refused)
    return render_template("hazards/report.html", form=form), status


# --- detail ------------------------------------------------------------------------------------

def _hazard(hazard_id: int) -> Hazard:
    hazard = get_owned(Hazard, hazard_id)
    if not permissions.can(current_user, "view", hazard):
        abort(403)
    return hazard


# What moves a hazard on in each state, most pressing first. The page's one big button is
# the first of these the user can do now; reassigning, regrading and the rest stay small.
NEXT_STEPS = {
    HazardState.REPORTED: ("assign", "submit_plan"),
    HazardState.ASSIGNED: ("approve_plan", "decide_extension", "rectify", "submit_plan"),
    HazardState.RECTIFIED: ("verify",),
}


@bp.route("/hazards/<int:hazard_id>")
def detail(hazard_id):
    hazard = _hazard(hazard_id)
    events = queries.timeline(hazard)
    actions = [name for name in ACTION_PAGES if permissions.can(current_user, name, hazard)]
    primary = next((name for name in NEXT_STEPS.get(hazard.state, ()) if name in actions), None)
    others = [(name, ACTION_PAGES[name].label) for name in actions if name != primary]
    return render_template("hazards/detail.html", hazard=hazard, others=others,
                           primary=(primary, ACTION_PAGES[primary].label) if primary else None,
                           photos=queries.before_and_after(hazard, events),
                           events=events,
                           on_time=queries.reported_on_time(hazard),
                           overdue=queries.is_overdue(hazard), kinds=HazardEventKind)


# --- one small form per action -----------------------------------------------------------------

def _local_deadline(day):
    return queries.end_of_local_day(day, current_user.enterprise.timezone) if day else None


def _person(value):
    return db.session.get(User, optional_id(value) or 0)


def _approve():
    return request.form.get("decision") == "approve"


def _people(hazard, form, field_name):
    getattr(form, field_name).choices = forms.people_choices(queries.assignable_people(hazard),
                                                             hazard.department_id)


def _prepare_assign(hazard, form):
    _people(hazard, form, "assignee_id")
    enterprise = current_user.enterprise
    days = enterprise.major_fix_days if hazard.is_major else enterprise.general_fix_days
    form.deadline.description = _("%(grade)s: %(days)s days, as the enterprise set.",
                                  grade=hazard.grade.label, days=days)
    if request.method == "GET":
        form.assignee_id.data = str(hazard.assignee_id or "")
        today = clock.today(enterprise.timezone)
        form.deadline.data = (clock.to_local(hazard.deadline, enterprise.timezone).date()
                              if hazard.deadline else today + timedelta(days=days))


def _prepare_regulator(hazard, form):
    if request.method == "GET":
        form.reported_at.data = clock.to_local(clock.now(), current_user.enterprise.timezone).replace(
            tzinfo=None, second=0, microsecond=0)


def _prepare_verify(hazard, form):
    if not transitions.closing_needs_reason(hazard):
        del form.unreported_reason


def _regulator_time(local):
    return clock.to_utc(local.replace(tzinfo=ZoneInfo(current_user.enterprise.timezone)))


@dataclass(frozen=True)
class ActionPage:
    label: str
    form: type
    apply: Callable                      # (hazard, form) -> anything; raises Refused
    done: str                            # flashed on success
    prepare: Callable | None = None      # (hazard, form): choices and defaults
    decision: bool = False               # approve / refuse buttons instead of one submit
    multipart: bool = False


ACTION_PAGES: dict[str, ActionPage] = {
    "assign": ActionPage(
        _l("Assign"), forms.AssignForm,
        lambda h, f: transitions.assign(h, current_user, _person(f.assignee_id.data),
                                     _local_deadline(f.deadline.data), f.note.data or ""),
        _l("Assigned."), _prepare_assign),
    "submit_plan": ActionPage(
        _l("Submit 五定 plan"), forms.PlanForm,
        lambda h, f: transitions.submit_plan(h, current_user, transitions.PlanData(
            measures=f.measures.data, responsible_user_id=optional_id(f.responsible_user_id.data),
            funds=f.funds.data, deadline=_local_deadline(f.deadline.data),
            contingency_plan=f.contingency_plan.data)),
        _l("Plan submitted for approval."), lambda h, f: _people(h, f, "responsible_user_id")),
    "approve_plan": ActionPage(
        _l("Decide on the 五定 plan"), forms.DecisionForm,
        lambda h, f: transitions.decide_plan(h, current_user, _approve(), f.note.data or ""),
        _l("Decision recorded."), decision=True),
    "rectify": ActionPage(
        _l("Record rectification"), forms.RectifyForm,
        lambda h, f: transitions.rectify(h, current_user, f.measure.data, _rectify_photo(h, f),
                                      f.client_uuid.data or None, f.funds.data),
        _l("Rectification recorded."), multipart=True),
    "request_extension": ActionPage(
        _l("Ask for more time"), forms.ExtensionForm,
        lambda h, f: transitions.request_extension(h, current_user, _local_deadline(f.new_deadline.data),
                                                f.reason.data),
        _l("Extension requested.")),
    "decide_extension": ActionPage(
        _l("Decide on the extension"), forms.DecisionForm,
        lambda h, f: transitions.decide_extension(h, current_user, _approve(), f.note.data or ""),
        _l("Decision recorded."), decision=True),
    "verify": ActionPage(
        _l("Verify and close"), forms.VerifyForm,
        lambda h, f: transitions.verify(h, current_user, f.note.data or "", _verify_photo(h, f),
                                     f.data.get("unreported_reason") or ""),
        _l("Verified and closed."), _prepare_verify, multipart=True),
    "reject": ActionPage(
        _l("Reject rectification"), forms.RejectForm,
        lambda h, f: transitions.reject(h, current_user, f.reason.data),
        _l("Sent back to the responsible person.")),
    "change_grade": ActionPage(
        _l("Change grade"), forms.GradeForm,
        lambda h, f: transitions.change_grade(h, current_user, f.grade.data, f.reason.data,
                                           f.criteria.data or []),
        _l("Grade changed.")),
    "change_category": ActionPage(
        _l("Change category"), forms.CategoryForm,
        lambda h, f: transitions.change_category(h, current_user, f.category.data, f.reason.data),
        _l("Category changed.")),
    "record_regulator_report": ActionPage(
        _l("Record report to regulator"), forms.RegulatorForm,
        lambda h, f: transitions.record_regulator_report(h, current_user,
                                                      _regulator_time(f.reported_at.data),
                                                      f.method.data, f.note.data or ""),
        _l("Report to the regulator recorded."), _prepare_regulator),
}


def _rectify_photo(hazard, form):
    # Check first, so that a refused rectification stores no photo; a repeat of a
    # recorded submission stores none either (the service answers with the first).
    if queries.rectification_by_uuid(form.client_uuid.data):
        return None
    permissions.check(current_user, "rectify", hazard)
    return _photo(form.photo.data)


def _verify_photo(hazard, form):
    permissions.check(current_user, "verify", hazard)
    return _photo(form.photo.data)


@bp.route("/hazards/<int:hazard_id>/<action>", methods=["GET", "POST"])
def act(hazard_id, action):
    page = ACTION_PAGES.get(action)
    if page is None:
        abort(404)
    hazard = _hazard(hazard_id)
    form = page.form()
    if page.prepare:
        page.prepare(hazard, form)
    refused = None
    if request.method == "GET":
        if not permissions.can(current_user, action, hazard):
            return _refusal(_checked(action, hazard))
    elif form.validate_on_submit():
        try:
            page.apply(hazard, form)
        except (PermissionDenied, InvalidTransition) as error:
            # Not about the input: the form would be of no help.
            db.session.rollback()
            return _refusal(error)
        except refusal.Refused as error:
            db.session.rollback()
            refused = error
        else:
            db.session.commit()
            flash(page.done, "success")
            return redirect(url_for("hazards.detail", hazard_id=hazard.id))
    status = refusal.show(form, refused)
    context = {"hazard": hazard, "form": form, "page": page, "action": action}
    return render("hazards/action.html", "hazards/_action_form.html", **context), status


def _checked(action, hazard):
    try:
        permissions.check(current_user, action, hazard)
    except HazardError as refused:
        return refused


def _refusal(refused):
    return render("error.html", "_error.html", code=refused.status,
                  message=refused.message), refused.status




# --- the hazard ledgers (隐患排查治理台账): printed, or in Excel -----------------------------

def _ledger_filter() -> tuple[ledger.LedgerFilter, common_ledger.Period, list[common_ledger.Choice]]:
    chosen = common_ledger.period(clock.today(current_user.enterprise.timezone))
    departments = db.session.scalars(select(Department).where(
        Department.enterprise_id == current_user.enterprise_id).order_by(Department.name))
    filters = [
        common_ledger.department_choice(departments),
        common_ledger.choice("grade", _l("Hazard grade"),
                             [(g.value, g.label) for g in HazardGrade]),
        common_ledger.choice("state", _l("State"),
                             [(key, label) for key, (label, _) in ledger.STATES.items()]),
        common_ledger.choice("source", _l("Source"), [(s.value, s.label) for s in HazardSource])]
    by_name = {f.name: f.value for f in filters}
    wanted = ledger.LedgerFilter(chosen.start, chosen.end, optional_id(by_name["department"]),
                                 by_name["grade"], by_name["state"], source=by_name["source"])
    return wanted, chosen, filters


@bp.route("/hazards/ledger")
@roles_required(*permissions.LEDGER_READERS)
def hazard_ledger():
    """Both sheets in Excel, every row streamed; on the page one sheet (?sheet=) a window
    of rows at a time, each description linking to its hazard."""
    wanted, chosen, filters = _ledger_filter()
    local = common_ledger.LocalTime(current_user.enterprise.timezone)
    today = clock.today(current_user.enterprise.timezone)
    title = _("Hazard ledger")
    filename = f"{title} {chosen.start}_{chosen.end}"
    if common_ledger.wants_excel():
        return common_ledger.respond(title, filename, [
            ledger.sheet(current_user, wanted, category, (row for _id, row in ledger.rows(
                ledger.statement(current_user, replace(wanted, category=category), local), local, today)))
            for category in HazardCategory])
    counts = ledger.counts_by_category(current_user, wanted, local)
    shown = HazardCategory.lookup(request.args.get("sheet")) or HazardCategory.ONSITE
    window = common_ledger.window(counts[shown])
    stmt = ledger.statement(current_user, replace(wanted, category=shown), local)
    pairs = list(ledger.rows(stmt.offset(window.offset).limit(window.per_page), local, today,
                             first=window.offset + 1))
    args = common_ledger.query_args("page")
    tabs = [common_ledger.Tab(category.label, url_for("hazards.hazard_ledger", **{**args, "sheet": category}),
                              counts[category], category == shown) for category in HazardCategory]
    return common_ledger.respond(
        title, filename, [ledger.sheet(current_user, wanted, shown, [row for _id, row in pairs])],
        {0: [url_for("hazards.detail", hazard_id=hazard_id) for hazard_id, _row in pairs]},
        period=chosen, filters=filters, tabs=tabs, window=window,
        signature=_("Head of the safety department"))


@bp.route("/hazards/ledger/major")
@roles_required(*permissions.LEDGER_READERS)
def major_ledger():
    """The major hazards found in the period: judgement, regulator report, 五定, close."""
    wanted, chosen, filters = _ledger_filter()
    local = common_ledger.LocalTime(current_user.enterprise.timezone)
    today = clock.today(current_user.enterprise.timezone)
    hazards = ledger.majors(current_user, wanted, local)
    title = _("Major hazard ledger")
    return common_ledger.respond(
        title, f"{title} {chosen.start}_{chosen.end}",
        [ledger.major_sheet(current_user, wanted, hazards, local, today)],
        {0: [url_for("hazards.detail", hazard_id=h.id) for h in hazards]},
        period=chosen, filters=[f for f in filters if f.name != "grade"],
        signature=_("Safety director"))
