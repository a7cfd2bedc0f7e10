"""Risk points, their checklists and QR tokens. Plain data in, rows out; the caller commits."""
import secrets
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from blueprints.common import audit, clock
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import Enterprise, Role, ScoringMethod, Team
from blueprints.risk_points import grading
from blueprints.risk_points.models import (
    CheckLevel,
    ChecklistItem,
    ChecklistVersion,
    ControlLevel,
    Frequency,
    Grade,
    QRToken,
    RiskKind,
    RiskPoint,
)
from blueprints.training.models import CertificateKind, Operation


@dataclass
class ItemData:
    text: str
    standard: str = ""
    frequency: str = Frequency.SHIFT
    every_hours: int | None = None
    level: str = CheckLevel.TEAM


@dataclass
class RiskPointData:
    code: str
    name: str
    department_id: int
    location: str = ""
    kind: str = "equipment"
    team_id: int | None = None
    responsible_user_id: int | None = None
    control_level: str = "team"
    control_reason: str = ""
    hazard_factors: str = ""
    accident_types: str = ""
    control_measures: str = ""
    # 持证上岗: a CertificateKind value, and an Operation value for a special operation ("": none).
    required_certificate: str = ""
    required_operation: str = ""
    lec: tuple[float, float, float] | None = None
    ls: tuple[int, int] | None = None
    items: list[ItemData] = field(default_factory=list)


def new_token() -> str:
    # 128 bits: unguessable, and short enough for a small QR code.
    return secrets.token_urlsafe(16)


def score(enterprise: Enterprise, data: RiskPointData) -> grading.Scored:
    if enterprise.scoring_method == ScoringMethod.LEC:
        if data.lec is None:
            raise grading.InvalidScore(grading.PICK_LEC, "score")
        return grading.score_lec(enterprise, *data.lec)
    if data.ls is None:
        raise grading.InvalidScore(grading.PICK_LS, "score")
    return grading.score_ls(enterprise, *data.ls)


def _apply(point: RiskPoint, enterprise: Enterprise, data: RiskPointData) -> None:
    scored = score(enterprise, data)
    for name in ("code", "name", "location", "department_id", "team_id", "responsible_user_id",
                 "control_level", "hazard_factors", "accident_types", "control_measures"):
        setattr(point, name, getattr(data, name))
    point.control_level = ControlLevel(data.control_level)
    point.kind = RiskKind(data.kind)
    point.required_certificate = CertificateKind.lookup(data.required_certificate)
    point.required_operation = (Operation.lookup(data.required_operation)
                                if point.required_certificate == CertificateKind.SPECIAL else None)
    point.scoring_method = scored.method
    lec = scored.method == ScoringMethod.LEC
    point.lec_l, point.lec_e, point.lec_c = data.lec if lec else (None, None, None)
    point.ls_l, point.ls_s = (None, None) if lec else data.ls
    point.score = scored.score
    point.computed_grade = scored.grade
    point.control_reason = (data.control_reason.strip() or None) if point.control_below_minimum \
        else None


def create_risk_point(enterprise: Enterprise, data: RiskPointData, actor_id: int | None) -> RiskPoint:
    point = RiskPoint(enterprise_id=enterprise.id)
    _apply(point, enterprise, data)
    db.session.add(point)
    db.session.flush()
    db.session.add(QRToken(enterprise_id=enterprise.id, risk_point_id=point.id, token=new_token()))
    save_checklist(point, data.items, actor_id)
    audit.record(enterprise.id, actor_id, "risk_point.created", point, grade=point.computed_grade,
                 score=point.score)
    return point


def update_risk_point(point: RiskPoint, enterprise: Enterprise, data: RiskPointData,
                      actor_id: int) -> RiskPoint:
    before = {"grade": point.computed_grade, "score": point.score}
    _apply(point, enterprise, data)
    audit.record(enterprise.id, actor_id, "risk_point.updated", point, before=before,
                 grade=point.computed_grade, score=point.score)
    return point


def control_level_error(grade: Grade, control_level: str, reason: str):
    """Why a point of this grade may not be controlled at this level: below the grade's
    lowest level it needs a reason. None when it may."""
    lowest = grade.min_control_level
    if ControlLevel(control_level).is_below(lowest) and not (reason or "").strip():
        return _l("A point of %(grade)s is controlled at %(level)s or higher. Choose a higher "
                  "control level, or give the reason for the lower one.",
                  grade=grade.label, level=lowest.label)
    return None


def set_override(point: RiskPoint, grade: Grade | None, reason: str, actor_id: int) -> None:
    """An override needs a reason; clearing it returns to the computed grade. Both are logged.
    An override to a grade that asks for a higher control level than the point has (and no
    reason for the lower one) is refused: the control level is changed first, on the form."""
    if grade is not None and not reason.strip():
        raise Refused(_l("Please give the reason for the override."), "reason")
    error = grade and control_level_error(grade, point.control_level, point.control_reason)
    if error is not None:
        raise Refused(error, "grade")
    point.override_grade = grade or None
    point.override_reason = reason.strip() if grade else None
    audit.record(point.enterprise_id, actor_id, "risk_point.grade_override", point,
                 computed=point.computed_grade, override=point.override_grade, reason=reason.strip())


def rotate_token(point: RiskPoint, actor_id: int) -> QRToken:
    """Old labels stop working; their scans get a clear message."""
    moment = clock.now()
    for token in point.tokens:
        if token.retired_at is None:
            token.retired_at = moment
    token = QRToken(enterprise_id=point.enterprise_id, risk_point_id=point.id, token=new_token())
    db.session.add(token)
    db.session.flush()
    db.session.refresh(point)
    audit.record(point.enterprise_id, actor_id, "risk_point.token_rotated", point)
    return token


def save_checklist(point: RiskPoint, items: list[ItemData], actor_id: int | None) -> ChecklistVersion:
    """Always a new version: what was checked against an older one stays as it was."""
    last = db.session.scalar(select(ChecklistVersion.number).where(
        ChecklistVersion.risk_point_id == point.id).order_by(ChecklistVersion.number.desc()).limit(1))
    version = ChecklistVersion(enterprise_id=point.enterprise_id, risk_point_id=point.id,
                               number=(last or 0) + 1, created_by_id=actor_id)
    db.session.add(version)
    db.session.flush()
    for position, item in enumerate(items, start=1):
        db.session.add(ChecklistItem(
            enterprise_id=point.enterprise_id, version_id=version.id, position=position,
            text=item.text, standard=item.standard, frequency=Frequency(item.frequency),
            every_hours=item.every_hours if item.frequency == Frequency.HOURS else None,
            level=CheckLevel(item.level)))
    db.session.flush()
    db.session.refresh(point)
    return version


def token_lookup(token: str) -> QRToken | None:
    return db.session.scalar(select(QRToken).where(QRToken.token == token))


# --- reading, checking and labelling (used by the HTML views; the CLI and sync may too) ------

# Who keeps risk points and checklists; who may print labels and retire them.
EDITORS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR)
LABEL_KEEPERS = (Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.ADMIN)

# Every-N-hours checks: at least hourly, at most once a day.
MAX_EVERY_HOURS = 24


def _effective_grade():
    return func.coalesce(RiskPoint.override_grade, RiskPoint.computed_grade)


def list_points(enterprise_id: int, grade: str | None = None, department_id: int | None = None,
                with_people: bool = False) -> list[RiskPoint]:
    """Active points, most serious colour first, then by code; with_people: their teams and
    responsible people loaded too (for the register)."""
    seriousness = case({g: g.rank for g in Grade}, value=_effective_grade(), else_=len(Grade))
    query = (select(RiskPoint)
             .where(RiskPoint.enterprise_id == enterprise_id, RiskPoint.active.is_(True))
             .options(selectinload(RiskPoint.department))
             .order_by(seriousness, RiskPoint.code))
    if with_people:
        query = query.options(selectinload(RiskPoint.team), selectinload(RiskPoint.responsible_user))
    if grade:
        query = query.where(_effective_grade() == grade)
    if department_id:
        query = query.where(RiskPoint.department_id == department_id)
    return list(db.session.scalars(query))


def points_by_ids(enterprise_id: int, ids: list[int]) -> list[RiskPoint]:
    """The enterprise's active points among ids (others' ids are silently left out), in
    list order; no ids means all of them."""
    points = list_points(enterprise_id)
    if not ids:
        return points
    wanted = set(ids)
    return [p for p in points if p.id in wanted]


def check_point(enterprise: Enterprise, data: RiskPointData, point: RiskPoint | None = None) -> None:
    """Refuses data that cannot be saved, with every reason at once, each on its field."""
    errors = {}
    taken = db.session.scalar(select(RiskPoint.id).where(
        RiskPoint.enterprise_id == enterprise.id, RiskPoint.code == data.code.strip()))
    if taken is not None and (point is None or taken != point.id):
        errors["code"] = _l("Another risk point already has this code.")
    if data.team_id is not None:
        team = db.session.get(Team, data.team_id)
        if team is None or team.department_id != data.department_id:
            errors["team_id"] = _l("This team is not in the chosen department.")
    try:
        scored = score(enterprise, data)
    except grading.InvalidScore as refused:
        errors[refused.field] = refused.message
    else:
        grade = Grade(point.override_grade) if point and point.override_grade else scored.grade
        error = control_level_error(grade, data.control_level, data.control_reason)
        if error is not None:
            errors["control_level"] = error
    if errors:
        raise Refused.many(errors)


def check_checklist(items: list[ItemData]) -> None:
    """Refuses a checklist that cannot be saved, with every reason at once."""
    if not items:
        raise Refused(_l("A checklist needs at least one item."))
    errors = []
    for number, item in enumerate(items, start=1):
        if not item.text.strip():
            errors.append(_l("Item %(n)s: please describe what to check.", n=number))
        if Frequency.lookup(item.frequency) is None:
            errors.append(_l("Item %(n)s: please pick how often.", n=number))
        elif item.frequency == Frequency.HOURS and not (
                item.every_hours and 1 <= item.every_hours <= MAX_EVERY_HOURS):
            errors.append(_l("Item %(n)s: every how many hours (1 to %(max)s)?", n=number,
                             max=MAX_EVERY_HOURS))
        if CheckLevel.lookup(item.level) is None:
            errors.append(_l("Item %(n)s: please pick who checks it.", n=number))
    if errors:
        raise Refused.many((None, error) for error in errors)
