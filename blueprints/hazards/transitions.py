"""The hazard's life: each step checks, changes, appends an event and flushes; the caller
commits. Plain data in, rows out."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import (
    MAJOR_CRITERIA,
    DeadlineExtension,
    DecisionStatus,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardEventKind,
    HazardGrade,
    HazardSource,
    HazardState,
    RectificationPlan,
    RegulatorReport,
)
from blueprints.hazards.permissions import (
    HazardError,
    check,
    pending_extension,
    pending_plan,
)
from blueprints.hazards.queries import by_client_uuid, rectification_by_uuid
from blueprints.org.models import Department, User
from blueprints.risk_points.models import RiskPoint


@dataclass
class HazardReport:
    description: str
    department_id: int
    team_id: int | None = None
    risk_point_id: int | None = None
    inspection_id: int | None = None
    checklist_item_id: int | None = None
    location: str = ""
    photo_id: int | None = None
    grade: HazardGrade = HazardGrade.GENERAL
    category: HazardCategory = HazardCategory.ONSITE
    found_at: datetime | None = None      # the phone's time when made offline
    client_uuid: str | None = None
    # A hazard reported as major: the basis, and who judged it (else the reporter).
    major_criteria: list[str] = field(default_factory=list)
    major_basis: str = ""
    judged_by_id: int | None = None
    # None: found by a check when it comes from one, else registered directly.
    source: HazardSource | None = None


def add_event(hazard: Hazard, kind: HazardEventKind, actor: User, note: str = "", photo_id: int | None = None,
              client_uuid: str | None = None, **data) -> HazardEvent:
    event = HazardEvent(enterprise_id=hazard.enterprise_id, hazard_id=hazard.id, kind=kind,
                        actor_id=actor.id, at=clock.now(), note=note, photo_id=photo_id,
                        client_uuid=client_uuid, data=data)
    db.session.add(event)
    db.session.flush()
    return event


def report_hazard(reporter: User, report: HazardReport) -> Hazard:
    """A repeat of the same client UUID returns the first hazard and creates nothing."""
    existing = by_client_uuid(report.client_uuid)
    if existing is not None:
        return existing
    hazard = Hazard(
        enterprise_id=reporter.enterprise_id, client_uuid=report.client_uuid,
        risk_point_id=report.risk_point_id, inspection_id=report.inspection_id,
        checklist_item_id=report.checklist_item_id, department_id=report.department_id,
        team_id=report.team_id, description=report.description, location=report.location,
        photo_id=report.photo_id, grade=report.grade, category=report.category,
        state=HazardState.REPORTED, reported_by_id=reporter.id, source=report.source or (
            HazardSource.CHECK if report.inspection_id else HazardSource.DIRECT),
        found_at=report.found_at or clock.now())
    if hazard.is_major:  # judged major when reported: by the reporter, or who accepted the report
        hazard.judged_major_at = hazard.found_at if report.judged_by_id is None else clock.now()
        hazard.judged_major_by_id = report.judged_by_id or reporter.id
        hazard.major_criteria, hazard.major_basis = report.major_criteria, report.major_basis
    db.session.add(hazard)
    db.session.flush()
    add_event(hazard, HazardEventKind.REPORTED, reporter, note=report.description, photo_id=report.photo_id)
    return hazard


def abnormal_item_description(item: str, note: str) -> str:
    """The text of a hazard raised by a failed check item. The item says how things should
    be ("无假液位"), so alone it would read as all being well. Stored, so it is written in
    the enterprise's language, not the worker's browser's."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        if note:
            return _("Abnormal: %(item)s. Note: %(note)s", item=item, note=note)
        return _("Abnormal: %(item)s", item=item)


@dataclass
class ReportInput:
    """A report as typed on the report screen, before its choices are checked."""
    description: str
    department_id: int | None
    location: str = ""
    risk_point_id: int | None = None
    category: str = HazardCategory.ONSITE
    client_uuid: str | None = None
    found_at: datetime | None = None      # the phone's time when it was queued offline


def report_from_form(reporter: User, data: ReportInput, save_photo=lambda: None) -> Hazard:
    """Checks the choices against the reporter's enterprise, then stores the photo
    (save_photo() -> photo id) and the report."""
    description = _require(data.description, "description")
    department = db.session.get(Department, data.department_id or 0)
    if department is None or department.enterprise_id != reporter.enterprise_id:
        raise InvalidInput(_l("Please choose one of the options."), "department_id")
    point = db.session.get(RiskPoint, data.risk_point_id) if data.risk_point_id else None
    if data.risk_point_id and (point is None or point.enterprise_id != reporter.enterprise_id):
        raise InvalidInput(_l("Please choose one of the options."), "risk_point_id")
    category = HazardCategory.lookup(data.category)
    if category is None:
        raise InvalidInput(_l("Please choose one of the options."), "category")
    # The team follows the point, else the reporter's own team when it is in that department.
    team_id = point.team_id if point else (
        reporter.team_id if reporter.effective_department_id == department.id else None)
    return report_hazard(reporter, HazardReport(
        description=description, department_id=department.id, team_id=team_id,
        risk_point_id=point.id if point else None,
        location=data.location.strip() or (point.location if point else ""),
        photo_id=save_photo(), category=category, client_uuid=data.client_uuid,
        found_at=data.found_at))


class InvalidInput(HazardError):
    """Bad input: the message says what to fix (400); `field` names the form field."""


def _require(text: str | None, field: str, message=None) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message or _l("Please fill this in."), field)
    return text


def _future(deadline: datetime | None, field: str = "deadline") -> datetime:
    if deadline is None or deadline <= clock.now():
        raise InvalidInput(_l("The deadline must be in the future."), field)
    return deadline


def _active_colleague(hazard: Hazard, user: User | None, field: str) -> User:
    if user is None or user.enterprise_id != hazard.enterprise_id or not user.active:
        raise InvalidInput(_l("Choose an active person of this enterprise."), field)
    return user


def assign(hazard: Hazard, actor: User, assignee: User | None, deadline: datetime | None,
           note: str = "") -> HazardEvent:
    check(actor, "assign", hazard)
    _active_colleague(hazard, assignee, "assignee_id")
    _future(deadline)
    hazard.assignee_id, hazard.deadline = assignee.id, deadline
    if hazard.original_deadline is None:
        hazard.original_deadline = deadline  # kept for ever: extensions change only `deadline`
    hazard.state = HazardState.ASSIGNED
    return add_event(hazard, HazardEventKind.ASSIGNED, actor, note=note.strip(), assignee_id=assignee.id,
                     assignee=assignee.name, deadline=deadline.isoformat())


def _change(hazard, actor, action, column, choices, value, reason, **data) -> HazardEvent:
    check(actor, action, hazard)
    value = choices.lookup(value)
    if value is None:
        raise InvalidInput(_l("Please choose one of the options."), column)
    reason = _require(reason, "reason", _l("Please give a reason."))
    old = getattr(hazard, column)
    if old == value:
        raise InvalidInput(_l("That is already the current value."), column)
    setattr(hazard, column, value)
    return add_event(hazard, HazardEventKind(f"{column}_changed"), actor, note=reason, old=old, new=value,
                     **data)


def major_criteria(grade: str, criteria) -> list[str]:
    """The basis of a major judgement (MAJOR_CRITERIA keys, in their order); a major grade
    needs one, and no other grade keeps any."""
    if set(criteria) - set(MAJOR_CRITERIA):
        raise InvalidInput(_l("Please choose one of the options."), "criteria")
    if grade != HazardGrade.MAJOR:
        return []
    criteria = [key for key in MAJOR_CRITERIA if key in criteria]
    if not criteria:
        raise InvalidInput(_l("Tick the basis on which the hazard is judged major."), "criteria")
    return criteria


def change_grade(hazard: Hazard, actor: User, grade: str, reason: str,
                 criteria=()) -> HazardEvent:
    """A regrade to major needs its basis (one or more of MAJOR_CRITERIA, and the reason)
    and records who judged it and when; the hazard keeps the current judgement."""
    check(actor, "change_grade", hazard)
    major = grade == HazardGrade.MAJOR
    criteria = major_criteria(grade, criteria)
    extra = {"criteria": criteria} if major else {}
    event = _change(hazard, actor, "change_grade", "grade", HazardGrade, grade, reason, **extra)
    hazard.judged_major_at = event.at if major else None
    hazard.judged_major_by_id = actor.id if major else None
    hazard.major_criteria, hazard.major_basis = criteria, event.note if major else ""
    return event


def change_category(hazard: Hazard, actor: User, category: str, reason: str) -> HazardEvent:
    return _change(hazard, actor, "change_category", "category", HazardCategory, category,
                   reason)


@dataclass
class PlanData:
    """The 五定: measures, responsible person, funds, deadline, contingency plan."""
    measures: str
    responsible_user_id: int | None
    funds: Decimal | None
    deadline: datetime | None
    contingency_plan: str


def submit_plan(hazard: Hazard, actor: User, data: PlanData) -> RectificationPlan:
    check(actor, "submit_plan", hazard)
    measures = _require(data.measures, "measures")
    contingency = _require(data.contingency_plan, "contingency_plan")
    responsible = _active_colleague(hazard, db.session.get(User, data.responsible_user_id or 0),
                                    "responsible_user_id")
    if data.funds is None or data.funds < 0:
        raise InvalidInput(_l("Enter the funds in yuan (0 or more)."), "funds")
    plan = RectificationPlan(enterprise_id=hazard.enterprise_id, hazard=hazard,
                             measures=measures, responsible_user_id=responsible.id,
                             funds=data.funds, deadline=_future(data.deadline),
                             contingency_plan=contingency, submitted_by_id=actor.id,
                             submitted_at=clock.now())
    db.session.add(plan)
    db.session.flush()
    add_event(hazard, HazardEventKind.PLAN_SUBMITTED, actor, note=measures, plan_id=plan.id,
              responsible=responsible.name, funds=str(plan.funds),
              deadline=plan.deadline.isoformat())
    return plan


def _decide(row, actor: User, approve: bool, note: str) -> None:
    note = note.strip()
    if not approve and not note:
        raise InvalidInput(_l("Please give the reason for refusing."), "note")
    row.status = DecisionStatus.APPROVED if approve else DecisionStatus.REFUSED
    row.decided_by_id, row.decided_at, row.decision_note = actor.id, clock.now(), note


def decide_plan(hazard: Hazard, actor: User, approve: bool, note: str = "") -> RectificationPlan:
    """Approval hands the hazard to the plan's responsible person with the plan's deadline;
    a refused plan stays on record and a new one can be submitted."""
    check(actor, "approve_plan", hazard)
    plan = pending_plan(hazard)
    _decide(plan, actor, approve, note)
    if approve:
        _future(plan.deadline)
        hazard.assignee_id, hazard.deadline = plan.responsible_user_id, plan.deadline
        hazard.funds = plan.funds
        if hazard.original_deadline is None:
            hazard.original_deadline = plan.deadline
        hazard.state = HazardState.ASSIGNED
    add_event(hazard, HazardEventKind.PLAN_APPROVED if approve else HazardEventKind.PLAN_REFUSED, actor,
              note=plan.decision_note, plan_id=plan.id)
    return plan


def rectify(hazard: Hazard, actor: User, measure: str, photo_id: int | None,
            client_uuid: str | None = None, funds: Decimal | None = None) -> HazardEvent:
    """A repeat of the same client UUID returns the first event and changes nothing. The
    funds spent (yuan), when given, become the hazard's 整改资金."""
    earlier = rectification_by_uuid(client_uuid)
    if earlier is not None:
        if earlier.hazard_id != hazard.id or earlier.kind != HazardEventKind.RECTIFIED:
            raise InvalidInput(_l("This submission was already used for something else."))
        return earlier
    check(actor, "rectify", hazard)
    measure = _require(measure, "measure", _l("Describe the measure taken."))
    if photo_id is None:
        raise InvalidInput(_l("Take a photo of the rectified place."), "photo")
    if funds is not None and funds < 0:
        raise InvalidInput(_l("Enter the funds in yuan (0 or more)."), "funds")
    hazard.state = HazardState.RECTIFIED
    hazard.rectified_by_id = actor.id
    extra = {}
    if funds is not None:
        hazard.funds = funds.quantize(Decimal("0.01"))
        extra["funds"] = str(hazard.funds)
    return add_event(hazard, HazardEventKind.RECTIFIED, actor, note=measure, photo_id=photo_id,
                     client_uuid=client_uuid, **extra)


def closing_needs_reason(hazard: Hazard) -> bool:
    """A major hazard closed before its regulator report is on record needs a reason."""
    return hazard.is_major and not hazard.regulator_reports


def verify(hazard: Hazard, actor: User, note: str = "", photo_id: int | None = None,
           unreported_reason: str = "") -> HazardEvent:
    """Verification closes the hazard; a major one only with its report to the regulator
    recorded, or with the director's reason for closing without it (kept on the event)."""
    check(actor, "verify", hazard)
    data = {}
    if closing_needs_reason(hazard):
        data["unreported_reason"] = _require(unreported_reason, "unreported_reason", _l(
            "A major hazard is closed only once its report to the regulator is recorded. "
            "Record the report first, or give the reason for closing without it."))
    hazard.state = HazardState.CLOSED
    hazard.closed_at = clock.now()
    return add_event(hazard, HazardEventKind.VERIFIED, actor, note=note.strip(), photo_id=photo_id, **data)


def reject(hazard: Hazard, actor: User, reason: str) -> HazardEvent:
    """Back to the assigned person; the rectification event stays on the record."""
    check(actor, "reject", hazard)
    reason = _require(reason, "reason", _l("Please give a reason."))
    hazard.state = HazardState.ASSIGNED
    hazard.rectified_by_id = None
    return add_event(hazard, HazardEventKind.REJECTED, actor, note=reason)


def request_extension(hazard: Hazard, actor: User, new_deadline: datetime | None,
                      reason: str) -> DeadlineExtension:
    check(actor, "request_extension", hazard)
    reason = _require(reason, "reason", _l("Please give a reason."))
    _future(new_deadline, "new_deadline")
    if new_deadline <= hazard.deadline:
        raise InvalidInput(_l("The new deadline must be later than the current one."), "new_deadline")
    extension = DeadlineExtension(enterprise_id=hazard.enterprise_id, hazard=hazard,
                                  requested_by_id=actor.id, requested_at=clock.now(),
                                  reason=reason, old_deadline=hazard.deadline,
                                  new_deadline=new_deadline)
    db.session.add(extension)
    db.session.flush()
    add_event(hazard, HazardEventKind.EXTENSION_REQUESTED, actor, note=reason, extension_id=extension.id,
              old_deadline=extension.old_deadline.isoformat(), new_deadline=new_deadline.isoformat())
    return extension


def decide_extension(hazard: Hazard, actor: User, approve: bool, note: str = "") -> DeadlineExtension:
    check(actor, "decide_extension", hazard)
    extension = pending_extension(hazard)
    _decide(extension, actor, approve, note)
    if approve:
        hazard.deadline = extension.new_deadline
    add_event(hazard, HazardEventKind.EXTENSION_APPROVED if approve else HazardEventKind.EXTENSION_REFUSED,
              actor, note=extension.decision_note,
              extension_id=extension.id, old_deadline=extension.old_deadline.isoformat(),
              new_deadline=extension.new_deadline.isoformat())
    return extension


def record_regulator_report(hazard: Hazard, actor: User, reported_at: datetime | None,
                            method: str, note: str = "") -> RegulatorReport:
    check(actor, "record_regulator_report", hazard)
    method = _require(method, "method", _l("Say how it was reported."))
    if reported_at is None or reported_at > clock.now():
        raise InvalidInput(_l("The time of the report cannot be in the future."), "reported_at")
    report = RegulatorReport(enterprise_id=hazard.enterprise_id, hazard=hazard,
                             reported_at=reported_at, reported_by_id=actor.id, method=method,
                             recorded_at=clock.now(), note=note.strip())
    db.session.add(report)
    db.session.flush()
    add_event(hazard, HazardEventKind.REGULATOR_REPORTED, actor, note=note.strip(), method=method,
              reported_at=reported_at.isoformat())
    return report
