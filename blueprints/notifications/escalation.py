"""The escalation ladder in one place: who is told, of what, and when.

An Alert names its subject (a hazard), its rung, and its occurrence: "" for a
rung that happens once, the deadline for the deadline rungs (so an extended
deadline starts them afresh), the local day for daily repeats, the event id for
the alerts sent at once, the rectification event for the verification rung and
the time judged major for the regulator rung; for a missing briefing the team is the
subject and its shift's start the occurrence. (subject, rung, occurrence,
recipient, channel) is sent at most once; services.claim() enforces that with
unique keys.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blueprints.briefings import queries as briefings
from blueprints.common import clock
from blueprints.common.model_helpers import with_defaults
from blueprints.common.permissions import can
from blueprints.hazards.models import Hazard, HazardEvent, HazardEventKind, HazardState, RegulatorReport
from blueprints.inspections import due
from blueprints.notifications.models import EscalationSettings
from blueprints.org.models import Enterprise, Role, Team, User
from blueprints.reporting import queries as reports
from blueprints.risk_points.models import CheckLevel, RiskPoint
from blueprints.training import certificates
from blueprints.training import queries as lessons

HAZARD = "hazard"
HIGH, NORMAL = "high", "normal"


@dataclass
class Alert:
    enterprise_id: int
    subject_type: str
    subject_id: int
    rung: str
    occurrence: str
    recipients: list[User]
    title: str
    body: str
    url: str
    urgency: str = NORMAL
    department_id: int | None = None
    mobiles: list[str] = field(default_factory=list)


def settings_for(session: Session, enterprise_id: int) -> EscalationSettings:
    """The enterprise's row, or an unsaved one holding the defaults."""
    row = session.scalar(select(EscalationSettings)
                         .where(EscalationSettings.enterprise_id == enterprise_id))
    return row if row is not None else with_defaults(EscalationSettings(enterprise_id=enterprise_id))


# --- who ---------------------------------------------------------------------

# Each takes the subject (a hazard or a risk point: enterprise, department, team).

def _users(session: Session, enterprise_id: int, *roles: Role, department_id=None, team_id=None):
    query = select(User).where(User.enterprise_id == enterprise_id, User.active.is_(True),
                               User.role.in_(roles))
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    return list(session.scalars(query.order_by(User.id)))


def team_leaders(session, subject):
    if subject.team_id is None:
        return []
    return _users(session, subject.enterprise_id, Role.TEAM_LEADER, team_id=subject.team_id)


def directors(session, hazard):
    return _users(session, hazard.enterprise_id, Role.SAFETY_DIRECTOR)


def directors_and_principals(session, hazard):
    return _users(session, hazard.enterprise_id, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def officers(session, hazard):
    return _users(session, hazard.enterprise_id, Role.SAFETY_OFFICER)


def department_heads(session, hazard):
    return _users(session, hazard.enterprise_id, Role.DEPT_HEAD,
                  department_id=hazard.department_id)


def assignee(session, hazard):
    user = session.get(User, hazard.assignee_id) if hazard.assignee_id else None
    return [user] if user is not None and user.active else []


def permitted(action: str, *roles: Role):
    """Who may do `action` to the hazard now, as the hazards' one permission table says;
    the roles only spare reading every worker of the enterprise."""
    def who(session, hazard):
        return [u for u in _users(session, hazard.enterprise_id, *roles) if can(u, action, hazard)]
    return who


verifiers = permitted("verify", Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
# The head of the hazard's department (assigning is his: 交办).
department_assigners = permitted("assign", Role.DEPT_HEAD)


# --- what --------------------------------------------------------------------

# rung: (title, who). Titles are stored in the inbox in the enterprise's language.
LADDER = {
    "due_soon": (_l("Hazard rectification due soon"), assignee),
    "deadline": (_l("Hazard rectification deadline reached"), department_assigners),
    "overdue": (_l("Hazard rectification overdue"), directors),
    "major_overdue_daily": (_l("Major hazard overdue and still open"), directors_and_principals),
    "unassigned_officer": (_l("Reported hazard not yet assigned"),
                           permitted("assign", Role.SAFETY_OFFICER)),
    "unassigned_director": (_l("Reported hazard unassigned for a day"),
                            permitted("assign", Role.SAFETY_DIRECTOR)),
    "regulator_report": (_l("Major hazard not yet reported to the regulator"), directors),
    "verify_director": (_l("Rectification still awaiting verification"), directors),
}

# event kind: (title, who). Sent at once, whatever the ladder says.
AT_ONCE = {
    HazardEventKind.REPORTED: (_l("A hazard was reported in your department"), department_assigners),
    HazardEventKind.ASSIGNED: (_l("A hazard was assigned to you"), assignee),
    HazardEventKind.PLAN_SUBMITTED: (_l("A rectification plan awaits your approval"),
                       permitted("approve_plan", Role.SAFETY_DIRECTOR)),
    HazardEventKind.EXTENSION_REQUESTED: (_l("A deadline extension awaits your approval"),
                            permitted("decide_extension", Role.SAFETY_DIRECTOR)),
    HazardEventKind.RECTIFIED: (_l("A rectification awaits your verification"), verifiers),
    HazardEventKind.REJECTED: (_l("Your rectification was rejected"), assignee),
}
MAJOR_KINDS = {HazardEventKind.REPORTED, HazardEventKind.GRADE_CHANGED}
NEW_MAJOR_TITLE = _l("New major hazard")


def _path(endpoint: str, **values) -> str:
    """A page's path built without a request (the job runs from cron)."""
    return current_app.url_map.bind("").build(endpoint, values)


def hazard_path(hazard_id: int) -> str:
    return _path("hazards.detail", hazard_id=hazard_id)


def _local(moment: datetime, enterprise: Enterprise) -> datetime:
    return clock.to_local(moment, enterprise.timezone)


def _alert(session, hazard: Hazard, rung: str, occurrence: str, title, recipients) -> Alert:
    enterprise = session.get(Enterprise, hazard.enterprise_id)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        parts = [hazard.description[:120]]
        if hazard.location:
            parts.append(hazard.location)
        if hazard.deadline:
            parts.append(_("Deadline %(when)s",
                           when=_local(hazard.deadline, enterprise).strftime("%Y-%m-%d %H:%M")))
        grade = _("Major hazard") if hazard.is_major else _("General hazard")
        title = str(title)
        # Rungs about major hazards already name the grade in their title.
        text_title = title if grade in title else f"{title} · {grade}"
        body = " · ".join(parts)
    return Alert(enterprise_id=hazard.enterprise_id, subject_type=HAZARD, subject_id=hazard.id,
                 rung=rung, occurrence=occurrence, recipients=recipients, title=text_title,
                 body=body, url=hazard_path(hazard.id),
                 urgency=HIGH if hazard.is_major else NORMAL,
                 department_id=hazard.department_id,
                 mobiles=[u.mobile for u in recipients if u.mobile])


def _ladder_alert(session, hazard, rung, occurrence):
    title, who = LADDER[rung]
    recipients = who(session, hazard) or directors(session, hazard)  # never told to nobody
    return _alert(session, hazard, rung, occurrence, title, recipients)


def alerts_for_event(session: Session, event: HazardEvent) -> list[Alert]:
    """The alerts a new hazard event sends at once; the actor is never told of their own act,
    and when nobody may act, the safety director is told instead."""
    hazard = session.get(Hazard, event.hazard_id)
    found = []
    if event.kind in MAJOR_KINDS and hazard.is_major:
        # Reported as major or regraded to major: one alert (one group message) that
        # tells the department head as well as the director and the principal.
        found.append(("event:new_major", NEW_MAJOR_TITLE, department_assigners(session, hazard)
                      + directors_and_principals(session, hazard)))
    elif event.kind in AT_ONCE:
        title, who = AT_ONCE[event.kind]
        found.append((f"event:{event.kind}", title,
                      who(session, hazard) or directors(session, hazard)))
    alerts = []
    for rung, title, recipients in found:
        recipients = [u for u in recipients if u.id != event.actor_id]
        if recipients:
            alerts.append(_alert(session, hazard, rung, str(event.id), title, recipients))
    return alerts


def hazard_ladder(session: Session, hazard: Hazard, now: datetime,
                  settings: EscalationSettings) -> list[Alert]:
    """The rungs a hazard has reached by `now`; a closed hazard has none."""
    if hazard.state == HazardState.CLOSED:
        return []
    enterprise = session.get(Enterprise, hazard.enterprise_id)
    due = []
    if hazard.state == HazardState.REPORTED:
        waited = now - hazard.received_at
        if waited >= timedelta(hours=settings.unassigned_officer_hours):
            due.append(("unassigned_officer", ""))
        if waited >= timedelta(hours=settings.unassigned_director_hours):
            due.append(("unassigned_director", ""))
    # Once rectified, the fix waits for verification: asked for at once, and of the
    # director when nobody has verified it in time.
    if hazard.state == HazardState.RECTIFIED:
        fix = _last_fix(session, hazard)
        if fix and now >= fix.at + timedelta(hours=settings.verify_director_hours):
            due.append(("verify_director", str(fix.id)))
    elif hazard.deadline:
        version = hazard.deadline.strftime("%Y%m%d%H%M")
        if now >= hazard.deadline - timedelta(hours=settings.remind_before_hours):
            due.append(("due_soon", version))
        if now >= hazard.deadline:
            due.append(("deadline", version))
        if now >= hazard.deadline + timedelta(hours=settings.director_after_hours):
            due.append(("overdue", version))
        if hazard.is_major and now >= hazard.deadline:
            due.append(("major_overdue_daily", clock.today(enterprise.timezone, now).isoformat()))
    # 当天直报 counts from the day it was judged major; a new judgement starts afresh.
    if hazard.is_major and not _reported_to_regulator(session, hazard):
        judged_day = _local(hazard.judged_major_at, enterprise).date()
        end_of_day = clock.to_utc(datetime.combine(judged_day + timedelta(days=1), time(0),
                                                   tzinfo=ZoneInfo(enterprise.timezone)))
        if now >= end_of_day:
            due.append(("regulator_report", hazard.judged_major_at.strftime("%Y%m%d%H%M")))
    return [_ladder_alert(session, hazard, rung, occurrence) for rung, occurrence in due]


def _last_fix(session, hazard) -> HazardEvent | None:
    return session.scalar(select(HazardEvent).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.kind == HazardEventKind.RECTIFIED)
        .order_by(HazardEvent.id.desc()).limit(1))


def _reported_to_regulator(session, hazard) -> bool:
    return bool(session.scalar(select(func.count(RegulatorReport.id))
                               .where(RegulatorReport.hazard_id == hazard.id)))


# --- checks nobody did ----------------------------------------------------------

# check level: (who first, who after a further shift). A check nobody does is a hazard.
CHECK_LADDER = {
    CheckLevel.TEAM: (team_leaders, department_heads),
    CheckLevel.WORKSHOP: (department_heads, directors),
    CheckLevel.ENTERPRISE: (officers, directors),
}
CHECK_TITLES = {"check_overdue": _l("Check overdue"),
                "check_still_undone": _l("Check still not done after a further shift")}
CHECK = "check"


# A rung reached longer ago than this and never claimed is left alone: the pass was not
# running then, and a day-old "check overdue" helps nobody.
CHECK_STALE = timedelta(days=1)


def _check_alert(session, point: RiskPoint, level: str, frequency_key: str, period, rung: str,
                 who) -> Alert:
    recipients = who(session, point) or directors(session, point)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = str(CHECK_TITLES[rung])
        body = (f"{point.code} {point.name} · {CheckLevel(level).label} · "
                f"{due.frequency_label(frequency_key)}")
    # One unit of a point is (level, frequency); the period's start makes the occurrence.
    occurrence = f"{level}/{frequency_key}/{period.start:%Y%m%d%H%M}"
    return Alert(enterprise_id=point.enterprise_id, subject_type=CHECK, subject_id=point.id,
                 rung=rung, occurrence=occurrence, recipients=recipients, title=title, body=body,
                 url=_path("risk_points.detail", point_id=point.id),
                 department_id=point.department_id,
                 mobiles=[u.mobile for u in recipients if u.mobile])


def check_ladder(session: Session, point: RiskPoint, now: datetime,
                 settings: EscalationSettings) -> list[Alert]:
    """A period that reached its due-by moment undone (inspections/due.py decides when:
    its end, or the enterprise's complete-by) goes to the checker's leader at that moment,
    and still undone a further shift later, one level up."""
    enterprise = session.get(Enterprise, point.enterprise_id)
    later = timedelta(hours=settings.check_dept_head_hours)
    alerts = []
    for level, key, _items in due.point_units(point):
        first, then = CHECK_LADDER[level]
        for period in due.missed_periods(point, level, key, enterprise.timezone, now,
                                         later + CHECK_STALE):
            if now < period.due_by + CHECK_STALE:
                alerts.append(_check_alert(session, point, level, key, period, "check_overdue",
                                           first))
            if now >= period.due_by + later:
                alerts.append(_check_alert(session, point, level, key, period,
                                           "check_still_undone", then))
    return alerts


# --- briefings not held --------------------------------------------------------------

BRIEFING = "briefing_team"
BRIEFING_MISSING = "briefing_missing"
BRIEFING_TITLE = _l("Morning briefing not held")


def briefing_ladder(session: Session, team: Team, enterprise: Enterprise, now: datetime) -> list[Alert]:
    """A team's briefing not started by its shift's due-by moment (queries.missing_slots)
    goes once per shift to the department's head and the safety directors, while the shift
    runs: after it, the alert helps nobody (and a first pass after an upgrade does not tell
    of every shift of the day before). Nor for a shift before the enterprise was set up."""
    alerts = []
    since = max(now - CHECK_STALE, enterprise.created_at)
    # missing_slots takes [since, until); the due-by moment itself is already missing.
    for slot in briefings.missing_slots(team, enterprise, since, now + timedelta.resolution):
        if now >= slot.end:
            continue
        recipients = department_heads(session, team) + directors(session, team)
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = _("%(team)s, %(shift)s starting %(start)s: not started by %(due)s",
                     team=team.name, shift=slot.name or _("Work day"),
                     start=_local(slot.start, enterprise).strftime("%Y-%m-%d %H:%M"),
                     due=_local(slot.due_by, enterprise).strftime("%H:%M"))
            title = str(BRIEFING_TITLE)
        alerts.append(Alert(enterprise_id=team.enterprise_id, subject_type=BRIEFING, subject_id=team.id,
                            rung=BRIEFING_MISSING, occurrence=slot.key, recipients=recipients,
                            title=title, body=body, url=_path("briefings.today"),
                            department_id=team.department_id,
                            mobiles=[u.mobile for u in recipients if u.mobile]))
    return alerts


# --- first lessons not passed ---------------------------------------------------------

LESSON = "lesson_session"
LESSON_UNPASSED = "lesson_unpassed"
LESSON_TITLE = _l("First lesson not passed: people kept from work")


def lesson_ladder(session: Session, enterprise: Enterprise, now: datetime) -> list[Alert]:
    """A session whose day has ended with people neither passed nor let work without it
    goes once (the occurrence is its day) to the safety officers, the safety directors and
    the heads of those people's departments, during the day after: 不上第一课不开工 keeps
    them from work, and someone above must see to it. Not for older days (a first pass
    after an upgrade does not tell of every old session)."""
    today = clock.today(enterprise.timezone, now)
    alerts = []
    for lesson_session, pending in lessons.unpassed_sessions(enterprise.id, [today - timedelta(days=1)]):
        heads = [head for department_id in sorted({t.department_id for t in pending if t.department_id})
                 for head in _users(session, enterprise.id, Role.DEPT_HEAD, department_id=department_id)]
        recipients = list({u.id: u for u in officers(session, lesson_session)
                           + directors(session, lesson_session) + heads}.values())
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = _("%(title)s of %(day)s: %(count)s not passed (%(names)s)",
                     title=lesson_session.version.title, day=lesson_session.held_on.isoformat(),
                     count=len(pending), names="、".join(t.user.name for t in pending[:10]))
            title = str(LESSON_TITLE)
        alerts.append(Alert(enterprise_id=enterprise.id, subject_type=LESSON, subject_id=lesson_session.id,
                            rung=LESSON_UNPASSED, occurrence=lesson_session.held_on.isoformat(),
                            recipients=recipients, title=title, body=body,
                            url=_path("training.session", session_id=lesson_session.id),
                            mobiles=[u.mobile for u in recipients if u.mobile]))
    return alerts


# --- certificates lapsing ----------------------------------------------------------------

CERTIFICATE = "certificate"
CERTIFICATE_EXPIRING = "certificate_expiring"
CERTIFICATE_EXPIRED = "certificate_expired"
CERTIFICATE_TITLES = {CERTIFICATE_EXPIRING: _l("Certificate expiring soon"),
                      CERTIFICATE_EXPIRED: _l("Certificate expired")}


def certificate_ladder(session: Session, enterprise: Enterprise, now: datetime) -> list[Alert]:
    """A certificate within the enterprise's warning days of its last day goes once to its
    holder and the safety officers; one past it, once, to them, the safety directors and
    the holder's department head: he may no longer do what it allows. The occurrence is
    its last day, so each certificate is told once per rung; a renewal is a certificate
    of its own."""
    today = clock.today(enterprise.timezone, now)
    expiring, expired = certificates.lapsing(enterprise.id, today, enterprise.certificate_warning_days)
    staff = _users(session, enterprise.id, Role.SAFETY_OFFICER)
    above = staff + _users(session, enterprise.id, Role.SAFETY_DIRECTOR)
    heads = {}
    alerts = []
    for rung, rows in ((CERTIFICATE_EXPIRING, expiring), (CERTIFICATE_EXPIRED, expired)):
        for certificate in rows:
            department_id = certificate.user.effective_department_id
            recipients = [certificate.user, *staff]
            if rung == CERTIFICATE_EXPIRED:
                if department_id not in heads:
                    heads[department_id] = (_users(session, enterprise.id, Role.DEPT_HEAD,
                                                   department_id=department_id) if department_id else [])
                recipients += above + heads[department_id]
            recipients = list({u.id: u for u in recipients}.values())
            with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                body = _("%(name)s %(employee_no)s: %(certificate)s No. %(number)s, valid until %(day)s",
                         name=certificate.user.name, employee_no=certificate.user.employee_no,
                         certificate=certificate.title, number=certificate.number,
                         day=certificate.expires_on.isoformat())
                title = str(CERTIFICATE_TITLES[rung])
            alerts.append(Alert(enterprise_id=enterprise.id, subject_type=CERTIFICATE,
                                subject_id=certificate.id, rung=rung,
                                occurrence=certificate.expires_on.isoformat(), recipients=recipients,
                                title=title, body=body, department_id=department_id,
                                url=_path("training.certificate", certificate_id=certificate.id),
                                urgency=HIGH if rung == CERTIFICATE_EXPIRED else NORMAL,
                                mobiles=[u.mobile for u in recipients if u.mobile]))
    return alerts


# --- reports not answered, rewards not decided --------------------------------------------

REPORT, REPORT_UNANSWERED = "report", "report_unanswered"
REWARD, REWARD_OVERDUE = "reward", "reward_overdue"
REPORT_TITLES = {REPORT_UNANSWERED: _l("Hazard report not answered in time"),
                 REWARD_OVERDUE: _l("Reward not decided in time")}


def _report_alert(session, subject_type, row, rung, occurrence, recipients, body, url) -> Alert:
    recipients = recipients or directors(session, row)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        title = str(REPORT_TITLES[rung])
    return Alert(enterprise_id=row.enterprise_id, subject_type=subject_type, subject_id=row.id,
                 rung=rung, occurrence=occurrence, recipients=recipients, title=title, body=body, url=url,
                 mobiles=[u.mobile for u in recipients if u.mobile])


def report_ladder(session: Session, enterprise: Enterprise, now: datetime) -> list[Alert]:
    """A report unanswered at the end of its answer time goes once to those who may answer
    it (the safety officers and directors), like a hazard nobody assigned; a reward not
    decided by its last working day goes once to the safety directors and the principal."""
    alerts = []
    staff = _users(session, enterprise.id, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
    for report in reports.unanswered(enterprise.id, now):
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = " · ".join(part for part in (str(report.kind.label), report.place,
                                                report.description[:120]) if part)
        alerts.append(_report_alert(session, REPORT, report, REPORT_UNANSWERED, "",
                                    [u for u in staff if can(u, "answer", report)], body,
                                    _path("reporting.detail", report_id=report.id)))
    today = clock.today(enterprise.timezone, now)
    for reward in reports.overdue_decisions(enterprise.id, today):
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            body = _("%(hazard)s · proposed %(amount)s yuan · to be decided by %(day)s",
                     hazard=reward.hazard.description[:120], amount=reward.proposed_amount,
                     day=reward.decide_by.isoformat())
        alerts.append(_report_alert(session, REWARD, reward, REWARD_OVERDUE, reward.decide_by.isoformat(),
                                    directors_and_principals(session, reward), body,
                                    _path("reporting.reward", reward_id=reward.id)))
    return alerts


def due_alerts(session: Session, now: datetime) -> list[Alert]:
    """Every rung reached by now across all enterprises (sending is idempotent, so
    rungs already sent are returned again and claimed by nobody)."""
    alerts = []
    settings = {}

    def settings_of(enterprise_id):
        if enterprise_id not in settings:
            settings[enterprise_id] = settings_for(session, enterprise_id)
        return settings[enterprise_id]

    for hazard in session.scalars(select(Hazard).where(Hazard.state != HazardState.CLOSED)
                                  .order_by(Hazard.id)):
        alerts.extend(hazard_ladder(session, hazard, now, settings_of(hazard.enterprise_id)))
    for point in session.scalars(select(RiskPoint).where(RiskPoint.active.is_(True))
                                 .order_by(RiskPoint.id)):
        alerts.extend(check_ladder(session, point, now, settings_of(point.enterprise_id)))
    for enterprise in session.scalars(select(Enterprise).order_by(Enterprise.id)):
        for team in briefings.briefing_teams(enterprise.id):
            alerts.extend(briefing_ladder(session, team, enterprise, now))
        alerts.extend(lesson_ladder(session, enterprise, now))
        alerts.extend(certificate_ladder(session, enterprise, now))
        alerts.extend(report_ladder(session, enterprise, now))
    return alerts
