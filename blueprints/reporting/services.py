"""Reports and rewards step by step: each checks, changes and flushes; the caller commits.
A report is answered once (accepted, duplicate, declined); a reward is proposed when its
report is accepted, decided once by the safety director and paid once."""
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.common import audit, clock
from blueprints.common.extensions import db
from blueprints.common.model_helpers import with_defaults
from blueprints.common.permissions import can, check
from blueprints.common.refusal import Refused
from blueprints.hazards import transitions as hazards
from blueprints.hazards.models import Hazard, HazardCategory, HazardGrade, HazardSource, HazardState
from blueprints.org import services as org
from blueprints.org.models import Department, Enterprise, User
from blueprints.photos.services import save_upload
from blueprints.reporting.models import (
    Report,
    ReportingSettings,
    ReportKind,
    ReportPhoto,
    ReportState,
    Reward,
    RewardState,
)
from blueprints.risk_points.models import RiskPoint

MAX_PHOTOS = 4
CENT = Decimal("0.01")
_CHOOSE = _l("Please choose one of the options.")


def settings_for(enterprise_id: int) -> ReportingSettings:
    """The enterprise's saved settings, or an unsaved row of the defaults."""
    row = db.session.scalar(select(ReportingSettings).where(ReportingSettings.enterprise_id == enterprise_id))
    return row if row is not None else with_defaults(ReportingSettings(enterprise_id=enterprise_id))


@dataclass
class Scale:
    answer_hours: int | None
    decision_working_days: int | None
    general_amount: Decimal | None
    general_points: int | None
    major_amount: Decimal | None
    major_points: int | None


SCALE_LIMITS = {"answer_hours": (1, 24 * 14), "decision_working_days": (1, 60),
                "general_amount": (0, 1_000_000), "general_points": (0, 100_000),
                "major_amount": (0, 1_000_000), "major_points": (0, 100_000)}


def save_settings(enterprise_id: int, actor: User, scale: Scale) -> ReportingSettings:
    """The reward scale and the answer and decision times, audited with what they were."""
    errors = {}
    for name, (low, high) in SCALE_LIMITS.items():
        value = getattr(scale, name)
        if value is None or not low <= value <= high:
            errors[name] = _l("Enter a number from %(low)s to %(high)s.", low=low, high=high)
    if errors:
        raise Refused.many(errors)
    row = settings_for(enterprise_id)
    before = _scale_of(row)
    for name in SCALE_LIMITS:
        setattr(row, name, _in_cents(getattr(scale, name)))
    db.session.add(row)
    db.session.flush()
    audit.record(enterprise_id, actor.id, "reporting_settings.saved", row, before=before,
                 after=_scale_of(row))
    return row


def _in_cents(value):
    """An amount of yuan to the cent (other numbers as they are)."""
    return value.quantize(CENT) if isinstance(value, Decimal) else value


def _scale_of(row: ReportingSettings) -> dict[str, str]:
    return {name: str(_in_cents(getattr(row, name))) for name in SCALE_LIMITS}


# --- the report ------------------------------------------------------------------------

def by_client_uuid(client_uuid: str | None) -> Report | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Report).where(Report.client_uuid == client_uuid))


@dataclass
class ReportInput:
    kind: str
    description: str = ""
    risk_point_id: int | None = None
    location: str = ""
    client_uuid: str | None = None
    found_at: datetime | None = None     # the phone's time when it was queued offline


def submit(reporter: User, data: ReportInput, save_photos: Callable[[], list[int]] = list) -> Report:
    """A colleague's report. What and where are checked before the photos are stored
    (save_photos() -> their ids); one photo or a description says what is wrong. A repeat
    of the same client UUID returns the first report and stores nothing."""
    earlier = by_client_uuid(data.client_uuid)
    if earlier is not None:
        if earlier.reporter_id != reporter.id:
            raise Refused(_l("This submission was already used for something else."))
        return earlier
    errors = {}
    kind = _kind(data.kind, errors)
    point = db.session.get(RiskPoint, data.risk_point_id) if data.risk_point_id else None
    if data.risk_point_id and (point is None or point.enterprise_id != reporter.enterprise_id):
        errors["risk_point_id"] = _CHOOSE
    location = (data.location or "").strip()
    if point is None and not location and "risk_point_id" not in errors:
        errors["location"] = _l("Say where it is: scan the point's code, choose a point or type the place.")
    if errors:
        raise Refused.many(errors)
    return _received(Report(
        enterprise_id=reporter.enterprise_id, client_uuid=data.client_uuid, kind=kind,
        description=(data.description or "").strip(), risk_point_id=point.id if point else None,
        location=location, reporter_id=reporter.id, found_at=data.found_at), save_photos())


def _kind(value: str, errors: dict) -> ReportKind | None:
    kind = ReportKind.lookup(value)
    if kind is None:
        errors["kind"] = _l("Choose what kind of thing it is.")
    return kind


def _received(report: Report, photo_ids: list[int]) -> Report:
    """The report (not yet in the session) stored with its photos, dated now with its answer
    time; refused, storing nothing, when neither a photo nor words say what is wrong."""
    if not photo_ids and not report.description:
        raise Refused(_l("Take a photo or say in a few words what is wrong."), "description")
    now = clock.now()
    report.received_at, report.found_at = now, report.found_at or now
    report.answer_due_at = now + timedelta(hours=settings_for(report.enterprise_id).answer_hours)
    db.session.add(report)
    db.session.flush()
    for position, photo_id in enumerate(photo_ids):
        db.session.add(ReportPhoto(enterprise_id=report.enterprise_id, report_id=report.id,
                                   photo_id=photo_id, position=position))
    db.session.flush()
    return report


def photo_uploads(files, most: int = MAX_PHOTOS) -> list:
    """The chosen files of a report form (several under the name "photo"), at most `most`."""
    uploads = [upload for upload in files.getlist("photo") if upload.filename]
    if len(uploads) > most:
        raise Refused(_l("At most %(count)s photos.", count=most), "photo")
    return uploads


def store_photos(files, enterprise_id: int, uploader: User | None, most: int = MAX_PHOTOS) -> list[int]:
    """The photos of a report form, stored; their ids."""
    return [save_upload(upload, enterprise_id, uploader.id if uploader else None).id
            for upload in photo_uploads(files, most)]


# --- the public channel ------------------------------------------------------------------

PUBLIC_MAX_PHOTOS = 3
# Stored public reports from one address, per window; and per enterprise per day.
PER_ADDRESS = ((timedelta(hours=1), 5), (timedelta(days=1), 20))
PER_ENTERPRISE_DAY = 100
TOO_MANY = _l("Too many reports have been sent from here. Please try again later, or tell the "
              "enterprise's safety staff in person.")
# Receipt codes: no 0/O, 1/I/L to misread; 31**10 codes, beyond guessing.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10


def public_code_of(enterprise_id: int) -> str:
    """The enterprise's public report code, made on first use."""
    row = settings_for(enterprise_id)
    if row.public_code is None:
        row.public_code = secrets.token_urlsafe(9)
        db.session.add(row)
        db.session.flush()
    return row.public_code


def new_public_code(enterprise_id: int, actor: User) -> str:
    """A new link for the posters (the old link, and its posters, stop working), audited."""
    row = settings_for(enterprise_id)
    row.public_code = secrets.token_urlsafe(9)
    db.session.add(row)
    db.session.flush()
    audit.record(enterprise_id, actor.id, "public_report_link.renewed", row)
    return row.public_code


def enterprise_of_code(code: str) -> Enterprise | None:
    row = db.session.scalar(select(ReportingSettings).where(ReportingSettings.public_code == code))
    return db.session.get(Enterprise, row.enterprise_id) if row else None


def address_digest(address: str | None) -> str:
    """A keyed digest of the sender's address: it counts their reports, and tells nobody
    who they are."""
    key = str(current_app.secret_key).encode()
    return hmac.new(key, (address or "").encode(), hashlib.sha256).hexdigest()


def receipt_digest(code: str) -> str:
    """Typed as printed or not: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


def check_public_limits(enterprise: Enterprise, address: str | None) -> None:
    """Refuses (429) an address that sent its share, or an enterprise flooded today."""
    now = clock.now()
    digest = address_digest(address)
    for window, most in PER_ADDRESS:
        sent = db.session.scalar(select(func.count(Report.id)).where(
            Report.address_digest == digest, Report.received_at >= now - window))
        if sent >= most:
            raise Refused(TOO_MANY, status=429)
    today = db.session.scalar(select(func.count(Report.id)).where(
        Report.enterprise_id == enterprise.id, Report.reporter_id.is_(None),
        Report.received_at >= now - timedelta(days=1)))
    if today >= PER_ENTERPRISE_DAY:
        raise Refused(TOO_MANY, status=429)


@dataclass
class PublicInput:
    kind: str
    description: str = ""
    location: str = ""
    contact: str = ""
    honeypot: str = ""      # a field people never see; a bot fills it in


def check_public(enterprise: Enterprise, data: PublicInput, address: str | None) -> ReportKind:
    """Everything but the photos: a filled honeypot, bad choices, a sender past the limits
    are refused before any photo is decoded."""
    if data.honeypot.strip():
        raise Refused(_l("This report could not be accepted."))
    errors = {}
    kind = _kind(data.kind, errors)
    if not (data.location or "").strip():
        errors["location"] = _l("Say where it is.")
    if errors:
        raise Refused.many(errors)
    check_public_limits(enterprise, address)
    return kind


def submit_public(enterprise: Enterprise, data: PublicInput, address: str | None,
                  save_photos: Callable[[], list[int]] = list) -> tuple[Report, str]:
    """A report from anyone, without a login: what kind, a photo or words, the place,
    optionally a way to reach them. Refused with nothing stored (check_public), or the
    report and its receipt code, shown once to the sender (only its digest is kept)."""
    kind = check_public(enterprise, data, address)
    receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    report = _received(Report(
        enterprise_id=enterprise.id, kind=kind, description=(data.description or "").strip(),
        location=data.location.strip(), contact=(data.contact or "").strip(),
        receipt_digest=receipt_digest(receipt), address_digest=address_digest(address)), save_photos())
    return report, receipt


def by_receipt(enterprise: Enterprise, code: str) -> Report | None:
    """The one public report this receipt code was given for, in this enterprise."""
    report = db.session.scalar(select(Report).where(Report.receipt_digest == receipt_digest(code)))
    return report if report is not None and report.enterprise_id == enterprise.id else None


def _answered(report: Report, actor: User, state: ReportState, answer: str = "",
              hazard: Hazard | None = None) -> Report:
    report.state, report.answer = state, answer
    report.answered_by_id, report.answered_at = actor.id, clock.now()
    report.hazard_id = hazard.id if hazard is not None else None
    db.session.flush()
    return report


@dataclass
class Acceptance:
    """The hazard the report becomes, as the safety staff word and grade it."""
    description: str
    department_id: int | None
    grade: str = HazardGrade.GENERAL
    category: str = HazardCategory.ONSITE
    criteria: list[str] = field(default_factory=list)
    basis: str = ""


def accept(report: Report, actor: User, data: Acceptance) -> Hazard:
    """The report becomes a hazard in the normal life cycle, with the reporter as the one
    who found it; its reward is proposed from the scale for the hazard's grade."""
    check(actor, "answer", report)
    errors = {}
    description = (data.description or "").strip()
    if not description:
        errors["description"] = _l("Please fill this in.")
    department = db.session.get(Department, data.department_id or 0)
    if department is None or department.enterprise_id != report.enterprise_id:
        errors["department_id"] = _CHOOSE
    grade, category = HazardGrade.lookup(data.grade), HazardCategory.lookup(data.category)
    if grade is None:
        errors["grade"] = _CHOOSE
    if category is None:
        errors["category"] = _CHOOSE
    if errors:
        raise Refused.many(errors)
    criteria = hazards.major_criteria(grade, data.criteria)
    basis = (data.basis or "").strip()
    if grade == HazardGrade.MAJOR and not basis:
        raise Refused(_l("Please give a reason."), "basis")
    # A public report has nobody to name as the finder: who accepted it brings it in.
    reporter = report.reporter or actor
    point = report.risk_point
    team_id = point.team_id if point is not None else (
        reporter.team_id if report.reporter and reporter.effective_department_id == department.id else None)
    hazard = hazards.report_hazard(reporter, hazards.HazardReport(
        description=description, department_id=department.id, team_id=team_id,
        risk_point_id=point.id if point else None,
        location=report.location or (point.location if point else ""),
        photo_id=report.photos[0].photo_id if report.photos else None, grade=grade, category=category,
        found_at=report.found_at, major_criteria=criteria, major_basis=basis, judged_by_id=actor.id,
        source=HazardSource.REPORT if report.reporter_id else HazardSource.PUBLIC))
    _answered(report, actor, ReportState.ACCEPTED, hazard=hazard)
    _propose(report, hazard)
    return hazard


def _propose(report: Report, hazard: Hazard) -> Reward:
    settings = settings_for(report.enterprise_id)
    amount, points = settings.rate(hazard.grade)
    today = clock.today(db.session.get(Enterprise, report.enterprise_id).timezone)
    reward = Reward(enterprise_id=report.enterprise_id, report_id=report.id, hazard_id=hazard.id,
                    reporter_id=report.reporter_id,
                    department_id=report.reporter.effective_department_id if report.reporter else None,
                    grade=hazard.grade, proposed_amount=amount, proposed_points=points,
                    decide_by=org.due_after_working_days(report.enterprise_id, today,
                                                         settings.decision_working_days))
    db.session.add(reward)
    db.session.flush()
    return reward


def mark_duplicate(report: Report, actor: User, hazard: Hazard | None, note: str = "") -> Report:
    """The hazard is already known and open: whoever reported it first keeps the credit, so
    a duplicate gets no reward."""
    check(actor, "answer", report)
    if (hazard is None or hazard.enterprise_id != report.enterprise_id
            or hazard.state == HazardState.CLOSED or not can(actor, "view", hazard)):
        raise Refused(_l("Choose an open hazard of this enterprise."), "hazard_id")
    return _answered(report, actor, ReportState.DUPLICATE, (note or "").strip(), hazard)


def decline(report: Report, actor: User, reason: str) -> Report:
    check(actor, "answer", report)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_l("Say why, in words the reporter will read."), "reason")
    return _answered(report, actor, ReportState.DECLINED, reason)


# --- the reward ------------------------------------------------------------------------

@dataclass
class Decision:
    amount: Decimal | None
    points: int | None
    bonus: Decimal | None = Decimal("0")
    reason: str = ""


def decide(reward: Reward, actor: User, data: Decision) -> Reward:
    """Approved as proposed, or changed, or with a bonus: a change or a bonus needs its
    reason, and the decision is logged with what the scale proposed."""
    check(actor, "decide", reward)
    errors = {}
    for name in ("amount", "points", "bonus"):
        value = getattr(data, name)
        if value is None or value < 0:
            errors[name] = _l("Enter a number, 0 or more.")
    if errors:
        raise Refused.many(errors)
    reason = (data.reason or "").strip()
    changed = data.amount != reward.proposed_amount or data.points != reward.proposed_points
    if (changed or data.bonus) and not reason:
        raise Refused(_l("Give the reason for changing the proposal or adding a bonus."), "reason")
    reward.amount, reward.points, reward.reason = _in_cents(data.amount), data.points, reason
    reward.bonus = _in_cents(data.bonus)
    reward.state, reward.decided_by_id, reward.decided_at = RewardState.APPROVED, actor.id, clock.now()
    db.session.flush()
    audit.record(reward.enterprise_id, actor.id, "reward.decided", reward,
                 proposed_amount=str(reward.proposed_amount), proposed_points=reward.proposed_points,
                 amount=str(reward.amount), points=reward.points, bonus=str(reward.bonus),
                 changed=changed, reason=reason)
    return reward


def pay(reward: Reward, actor: User, receipt: str = "") -> Reward:
    """Marked paid; an anonymous reporter claims with the receipt code they were given."""
    check(actor, "pay", reward)
    if reward.reporter_id is None and receipt_digest(receipt) != reward.report.receipt_digest:
        raise Refused(_l("This is not the receipt code of this report."), "receipt")
    reward.state, reward.paid_by_id, reward.paid_at = RewardState.PAID, actor.id, clock.now()
    db.session.flush()
    audit.record(reward.enterprise_id, actor.id, "reward.paid", reward, total=str(reward.total))
    return reward
