from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.briefings import queries as briefings
from blueprints.briefings import services as briefing_services
from blueprints.common import clock
from blueprints.common import ledger as common_ledger
from blueprints.common.access import roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, page_number
from blueprints.dashboard import charts, statistics
from blueprints.dashboard import queue as work_queue
from blueprints.hazards import queries
from blueprints.hazards import statistics as hazard_statistics
from blueprints.hazards.permissions import LEDGER_READERS
from blueprints.inspections import due
from blueprints.inspections.services import RECORD_READERS
from blueprints.org import services as org_services
from blueprints.org.models import Role
from blueprints.reporting import queries as reports
from blueprints.reporting.permissions import OVERSEERS as REWARD_OVERSEERS
from blueprints.reporting.permissions import TRIAGERS
from blueprints.risk_points.models import CheckLevel
from blueprints.summaries import services as summaries
from blueprints.summaries.permissions import READERS as SUMMARY_READERS
from blueprints.training import certificates
from blueprints.training import queries as lessons
from blueprints.training.permissions import OVERSEERS as TRAINING_OVERSEERS

bp = Blueprint("dashboard", __name__)

UNSCANNED_PER_PAGE = 50
MISSED_PER_PAGE = 100
# Whose home counts the people an unpassed first lesson keeps from work.
HELD_BACK_SHOWN = (Role.TEAM_LEADER, Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR,
                   Role.PRINCIPAL)


@bp.route("/home")
def home():
    """What this user must do now, most urgent first: by role the count strip and the work
    queue, then for everyone the fixes sent back to them and the hazards they are
    rectifying, today's briefing (the leader's card, the teams' at a glance, or 不安全不上岗),
    today's checks, and the department's undone team checks. A first lesson to pass comes
    before everything (不上第一课不开工); who such a lesson keeps from work, for those above;
    the certificates expired or expiring, and the hazard reports and rewards waiting, for the
    safety staff."""
    user = current_user
    today = clock.today(user.enterprise.timezone)
    off_work = briefing_services.off_work(user) if user.has_role(*due.CHECKERS) else None
    leading = briefings.leading(user)
    glance = briefings.today(user) if user.has_role(*briefings.OVERSEERS) else None
    gaps = due.gaps_for(user)
    units = due.units_for(user, gaps_known=gaps)
    mine = queries.assigned_to(user)
    strip = None
    if user.has_role(*work_queue.STRIP_ROLES):
        strip = {**queries.counts(user), "missed": len(due.overdue_units(user.enterprise_id)),
                 "unscanned": work_queue.unscanned_count(user)}
    return render_template(
        "dashboard/home.html", gaps=gaps, units=units, due_states=due.DueState,
        done=sum(unit.state == due.DueState.DONE for unit in units),
        sent_back=[m for m in mine if m.rejection is not None],
        assigned=[m for m in mine if m.rejection is None],
        queue=work_queue.work_queue(user), strip=strip,
        team_undone=due.department_team_units_undone(user) if user.has_role(Role.DEPT_HEAD) else [],
        majors=work_queue.open_major(user) if user.has_role(Role.PRINCIPAL) else None,
        month=statistics.month(user, today) if user.has_role(Role.PRINCIPAL)
        else None,
        off_work=off_work, leading=leading, glance=glance,
        kept=briefings.kept_off_work(user) if leading or glance is not None else [],
        to_sign_in=briefings.to_sign_in(user) if user.has_role(*due.CHECKERS) and not off_work else None,
        counts=briefings.counts, local_day=briefings.local_day(user.enterprise),
        lessons_due=lessons.for_home(user), today=today,
        held_back=lessons.held_back(user) if user.has_role(*HELD_BACK_SHOWN) else None,
        certificates=certificates.counts(user) if user.has_role(*certificates.COUNTS_SHOWN) else None,
        reports_waiting=reports.waiting(user) if user.has_role(*TRIAGERS) else None,
        decides_rewards=user.has_role(Role.SAFETY_DIRECTOR), ledgers_shown=user.has_role(*LEDGER_READERS),
        summaries_shown=user.has_role(*SUMMARY_READERS),
        notice=None if user.has_role(*SUMMARY_READERS) else summaries.latest_notice(user, today))


@bp.route("/hazards/queue")
def queue():
    """Everything waiting for the user's decision, beyond what the home shows."""
    return render_template("dashboard/queue.html", queue=work_queue.work_queue(current_user))


def _strip_user():
    if not current_user.has_role(*work_queue.STRIP_ROLES):
        abort(404)
    return current_user


@bp.route("/checks/overdue")
def overdue_checks():
    """Every check of the enterprise that is overdue now: the strip's "checks overdue"."""
    user = _strip_user()
    return render_template("dashboard/overdue_checks.html", units=due.overdue_units(user.enterprise_id),
                           due_states=due.DueState)


@bp.route("/checks/unscanned")
def unscanned():
    """The checks of the last days made without a QR scan, newest first."""
    page = db.paginate(work_queue.unscanned(_strip_user()), per_page=UNSCANNED_PER_PAGE, error_out=False,
                       page=request.args.get("page", 1, type=page_number))
    return render_template("dashboard/unscanned.html", page=page, days=work_queue.NO_SCAN_DAYS)


# What an inspector asks for first (台账制): each ledger, for those who may open it.
LEDGERS = (
    ("hazards.hazard_ledger", _l("Hazard ledger"),
     _l("On-site and basic management hazards, their rectification and sign-off"), LEDGER_READERS),
    ("hazards.major_ledger", _l("Major hazard ledger"),
     _l("Judgement, report to the regulator, 五定 plan and close"), LEDGER_READERS),
    ("inspections.check_records", _l("Check records"),
     _l("Every item of every check: who, when, scanned or not"), RECORD_READERS),
    ("risk_points.register", _l("Risk register"),
     _l("Every risk point with its grade, control level and measures"), None),
    ("risk_points.check_items", _l("Check-item list"),
     _l("Every check item with its standard, frequency and level"), None),
    ("training.period_ledger", _l("Training ledger"), _l("Lessons, attendance and spot tests"),
     TRAINING_OVERSEERS),
    ("reporting.reward_ledger", _l("Reward ledger"), _l("Rewards for hazard reports, approved and paid"),
     REWARD_OVERSEERS),
)


def ledgers_for(user) -> list[tuple]:
    return [(endpoint, title, about) for endpoint, title, about, roles in LEDGERS
            if roles is None or user.has_role(*roles)]


@bp.route("/ledgers")
def ledgers():
    """Every ledger the user may open, each printed or downloaded in Excel."""
    return render_template("dashboard/ledgers.html", ledgers=ledgers_for(current_user))


# --- the statistics of a period ----------------------------------------------------------------

def _statistics_filter():
    """The period (this year so far by default) and, for all but a department head, the
    department."""
    today = clock.today(current_user.enterprise.timezone)
    chosen = common_ledger.period(today)
    departments = org_services.departments(current_user.enterprise_id, active_only=True)
    filters = [] if current_user.has_role(Role.DEPT_HEAD) else [common_ledger.department_choice(departments)]
    department = optional_id(filters[0].value) if filters else None
    return chosen, filters, department, today


def _presets(today):
    """This month, this quarter, this year, last year: (label, from, to)."""
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    last_year = today.replace(year=today.year - 1)
    return [(_l("This month"), today.replace(day=1), today), (_l("This quarter"), quarter, today),
            (_l("This year"), today.replace(month=1, day=1), today),
            (_l("Last year"), last_year.replace(month=1, day=1), last_year.replace(month=12, day=31))]


@bp.route("/statistics")
@roles_required(*LEDGER_READERS)
def statistics_page():
    """The figures of a period and a department, each linking to the ledger rows it counts."""
    chosen, filters, department, today = _statistics_filter()
    found = statistics.figures(current_user, chosen.start, chosen.end, department)
    scope = {"from": chosen.start.isoformat(), "to": chosen.end.isoformat()}
    if found.department_id:
        scope["department"] = found.department_id
    return render_template(
        "dashboard/statistics.html", period=chosen, filters=filters, figures=found, scope=scope,
        link=lambda endpoint, **args: url_for(endpoint, **{**scope, **args}),
        trend=charts.trend(found.hazards.trend), share=charts.share, presets=_presets(today),
        args=common_ledger.query_args("from", "to"),
        weekly=hazard_statistics.weekly(chosen.start, chosen.end))


@bp.route("/statistics/missed")
@roles_required(*LEDGER_READERS)
def missed_checks():
    """The checks missed in the period, of a team or a level if asked: the statistics' "missed"."""
    chosen, filters, department, _today = _statistics_filter()
    team, level = request.args.get("team", ""), request.args.get("level", "")
    rows = statistics.missed(current_user, chosen.start, chosen.end, department, team,
                             level if CheckLevel.lookup(level) else "")
    window = common_ledger.window(len(rows), MISSED_PER_PAGE)
    return render_template("dashboard/missed_checks.html", period=chosen, filters=filters,
                           rows=rows[window.offset:window.offset + window.per_page], window=window,
                           args=common_ledger.query_args("page"), total=len(rows),
                           back=url_for("dashboard.statistics_page", **common_ledger.query_args(
                               "page", "team", "level")))
