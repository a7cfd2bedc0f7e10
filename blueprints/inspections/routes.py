from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from blueprints.common import clock, refusal
from blueprints.common import ledger as common_ledger
from blueprints.common.access import get_owned, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, row_id
from blueprints.common.refusal import Refused
from blueprints.inspections import due, forms, ledger, services
from blueprints.inspections.models import AnswerResult, Inspection
from blueprints.org import services as org_services
from blueprints.risk_points import services as rp_services
from blueprints.risk_points.models import RiskPoint

bp = Blueprint("inspections", __name__)


@bp.route("/q/<token>")
def scan(token):
    """The QR label's link. Login comes first (by default); then the scan is recorded
    and the worker lands on the point's check. Never prefetched by the service worker."""
    qr = rp_services.token_lookup(token)
    if qr is None or qr.enterprise_id != current_user.enterprise_id:
        return render_template("error.html", code=404, message=_(
            "This QR code is not known. Please tell your safety officer.")), 404
    if qr.retired_at is not None:
        return render_template("error.html", code=410, message=_(
            "This QR label has been replaced and no longer works. Please scan the new label or "
            "tell your safety officer.")), 410
    services.record_scan(current_user, qr, request.headers.get("User-Agent", ""))
    db.session.commit()
    return redirect(url_for("inspections.check", point_id=qr.risk_point_id))


def _form(point, groups, version, error=None, status=200, asked=False):
    """The check screen of the given groups; done ones are only named, unless asked for
    by the one-group URL (a check again)."""
    tz_name = current_user.enterprise.timezone
    shown = {(u.level, u.frequency_key) for u in groups}
    others = [u for u in due.units_of_point(point, tz_name)
              if (u.level, u.frequency_key) not in shown
              and services.may_check(current_user, point, u.level)]
    todo = [u for u in groups if asked or u.state != due.DueState.DONE]
    scan = services.scan_before(current_user, point, clock.now())
    return render_template("inspections/check.html", point=point, groups=todo, version=version,
                           done=[u for u in groups if u not in todo], others=others, error=error,
                           values=request.form, scan=scan, typed=services.TYPED), status


def _refused(point, level, reason=None):
    """Not this user's check: why, and the way to report a hazard at the point instead."""
    return render_template("inspections/point_notice.html", point=point,
                           reason=reason or services.check_refusal(current_user, point, level)), 403


@bp.route("/points/<int:point_id>/check", methods=["GET"])
def check(point_id):
    """The one check screen: everything due at the point for this user (or the one group
    the query names), each item with 正常 / 异常 / 不适用, sent with one button."""
    point = get_owned(RiskPoint, point_id)
    level, frequency_key = request.args.get("level"), request.args.get("freq")
    if level or frequency_key:
        unit = services.choose_unit(current_user, point, level, frequency_key)
        if unit is None:
            abort(404)
        groups = [unit]
    else:
        groups = services.point_groups(current_user, point)
    if not groups:
        return render_template("inspections/point_notice.html", point=point, reason=_(
            "This risk point has no check items yet. Please tell your safety officer."))
    if not services.may_check(current_user, point, groups[0].level):
        return _refused(point, groups[0].level)
    return _form(point, groups, point.checklist, asked=bool(level or frequency_key))


def _show_refusal(point, refused: Refused):
    """Back to the form with the answers and the reason; or the point's notice when the
    check is someone else's; or an error page when the form itself is out of date."""
    if isinstance(refused, services.NotYourCheck):
        return _refused(point, forms.units(request.form)[0][0], refused.message)
    tz_name, groups = current_user.enterprise.timezone, []
    try:
        for level, frequency_key in forms.units(request.form):
            version, items = services.unit_items(
                point, optional_id(request.form.get("version_id")), level, frequency_key)
            groups.append(due.unit_state(point, level, frequency_key, items, tz_name))
    except Refused:
        return refusal.error_page(refused)
    return _form(point, groups, version, error=str(refused), status=refused.status, asked=True)


@bp.route("/points/<int:point_id>/check", methods=["POST"])
def submit(point_id):
    point = get_owned(RiskPoint, point_id)
    client_uuid = (request.form.get("client_uuid") or "")[:64] or None
    repeat = forms.previous(request.form, client_uuid)
    if repeat:
        return redirect(services.done_url(repeat))
    try:
        result = forms.submit(current_user, point, request.form, request.files,
                              done_at=clock.parse_utc(request.form.get("done_at")),
                              client_uuid=client_uuid,
                              user_agent=request.headers.get("User-Agent", ""))
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        return _show_refusal(point, refused)
    except IntegrityError:
        # The same submission raced itself in from two requests: answer with the first.
        db.session.rollback()
        repeat = forms.previous(request.form, client_uuid)
        if not repeat:
            raise
        return redirect(services.done_url(repeat))
    if result.outdated_version:
        flash(_("The checklist was changed while you were checking. Your answers were saved "
                "against the version you saw; the next check uses the new one."), "error")
    return redirect(services.done_url(result.inspections))


@bp.route("/inspections/<int:inspection_id>/done")
def done(inspection_id):
    """What the worker just sent (this inspection and the others of the same form, named
    in the query): how many items, the hazards it raised, and what is due next. The
    records (the audit view) stay a tap away."""
    first = get_owned(Inspection, inspection_id)
    inspections = services.sent_together(current_user, first, request.args.getlist("i"))
    if not inspections:
        abort(404)
    hazards = [hazard for inspection in inspections for hazard in services.hazards_of(inspection)]
    return render_template("inspections/done.html", point=first.risk_point, inspections=inspections,
                           hazards=hazards, label=_unit_label,
                           items=sum(len(i.answers) for i in inspections),
                           next_unit=services.next_due(current_user, first.risk_point))


@bp.route("/points/code", methods=["POST"])
def typed_code():
    """The point's code typed from its label when the camera cannot read the QR code:
    recorded as typed, not as a scan, and then the point's check."""
    code = request.form.get("code", "")
    try:
        point = services.point_by_code(current_user, code)
        services.record_typed(current_user, point, request.headers.get("User-Agent", ""))
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        return render_template("scanner/scan.html", code=code[:40],
                               code_error=refused.message), refused.status
    return redirect(url_for("inspections.check", point_id=point.id))


def _unit_label(inspection):
    return f"{inspection.level.label} · {due.frequency_label(inspection.frequency_key)}"


@bp.route("/inspections/<int:inspection_id>")
def record(inspection_id):
    """What was checked, when, by whom, with or without a scan, and the hazards raised."""
    inspection = get_owned(Inspection, inspection_id)
    if not services.can_view(current_user, inspection):
        abort(404)
    return render_template("inspections/record.html", inspection=inspection,
                           hazards=services.hazards_of(inspection),
                           hazard_url=_hazard_url, unit_label=_unit_label(inspection),
                           typed=services.TYPED)


def _hazard_url(hazard):
    return url_for("hazards.detail", hazard_id=hazard.id)


# --- the check records (隐患排查记录): printed, or in Excel -----------------------------------

def _record_filters(point: RiskPoint | None) -> list[common_ledger.Choice]:
    enterprise_id = current_user.enterprise_id
    filters = [
        common_ledger.department_choice(org_services.departments(enterprise_id, active_only=True)),
        common_ledger.choice("team", _l("Team"), [
            (str(t.id), f"{t.name} · {t.department.name}") for t in org_services.teams(enterprise_id)
            if t.active]),
        common_ledger.choice("result", _l("Check result"), [("abnormal", AnswerResult.ABNORMAL.label)]),
        common_ledger.choice("scan", _l("QR scan"), [("none", ledger.NOT_SCANNED)])]
    if point is not None:  # from a point's page: its records, the filter kept in the form
        filters.insert(0, common_ledger.choice("point", _l("Risk point"), [(str(point.id), point.name)]))
    return filters


@bp.route("/inspections/ledger")
@roles_required(*services.RECORD_READERS)
def check_records():
    """Every answer of the period's checks the user may see (?point= one point's): the
    Excel file streams them all, the page shows a window, each point linking to its check."""
    point_id = request.args.get("point", type=row_id)
    point = get_owned(RiskPoint, point_id) if point_id else None
    filters = _record_filters(point)
    chosen = {f.name: f.value for f in filters}
    period = common_ledger.period(clock.today(current_user.enterprise.timezone))
    wanted = ledger.RecordFilter(period.start, period.end, optional_id(chosen["department"]),
                                 optional_id(chosen["team"]), optional_id(chosen.get("point")),
                                 chosen["result"] == "abnormal", chosen["scan"] == "none")
    local = common_ledger.LocalTime(current_user.enterprise.timezone)
    stmt = ledger.statement(current_user, wanted, local)
    title = _("Check records")
    filename = f"{title} {period.start}_{period.end}"
    if common_ledger.wants_excel() and (period.end - period.start).days >= ledger.EXPORT_DAYS:
        flash(_("Check records download a year at a time: choose at most %(days)s days.",
                days=ledger.EXPORT_DAYS), "error")
        return redirect(url_for("inspections.check_records", **common_ledger.query_args("format")))
    if common_ledger.wants_excel():
        return common_ledger.respond(title, filename, [ledger.sheet(
            current_user.enterprise, wanted, (row for _id, row in ledger.rows(stmt, local)))])
    window = common_ledger.window(ledger.count(current_user, wanted, local))
    pairs = list(ledger.rows(stmt.offset(window.offset).limit(window.per_page), local, window.offset + 1))
    return common_ledger.respond(
        title, filename, [ledger.sheet(current_user.enterprise, wanted, [row for _id, row in pairs])],
        {0: [url_for("inspections.record", inspection_id=i) for i, _row in pairs]},
        period=period, filters=filters, window=window)
