"""Scans and checks. Plain data in, rows out; the caller commits."""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.predicates import holds
from blueprints.common.refusal import Refused
from blueprints.hazards import transitions as hazard_transitions
from blueprints.hazards.models import Hazard
from blueprints.inspections import due
from blueprints.inspections.models import AnswerResult, Inspection, InspectionAnswer, Scan
from blueprints.org.models import Role, User
from blueprints.photos import services as photo_services
from blueprints.photos.models import Photo
from blueprints.risk_points.models import CheckLevel, ChecklistVersion, QRToken, RiskPoint

# A check counts as made on the spot when its maker scanned the point this long before.
SCAN_WINDOW = timedelta(minutes=30)
# A phone's clock may run a little fast; a check from further ahead is refused.
MAX_CLOCK_AHEAD = timedelta(minutes=5)
# Checks kept offline longer than this are refused: they no longer prove much.
MAX_CHECK_AGE = timedelta(days=7)
# Scan.source of a point's code typed from its label: it proves less than a scan, so a
# check after it stays flagged no-scan (the record says how the point was named).
TYPED = "typed"


OFF_WORK = _l("The team's briefing kept you off work this shift (not safe, not at work), so you "
              "may not submit checks until it ends. The rest of your team does them.")


NO_LESSON = _l("You have a first lesson (开工第一课) not yet passed, so you may not submit checks: "
               "no lesson, no work. Open it from your home screen; the rest of your team does the checks.")


class CheckRefused(Refused):
    """A check not taken; the message is for the user, in their language."""


class NotYourCheck(CheckRefused):
    """The check falls to others (see may_check): they may report a hazard instead."""


@dataclass
class Answer:
    item_id: int
    result: str
    note: str = ""
    photo: bytes | None = None     # raw upload, checked and shrunk here
    photo_id: int | None = None    # a photo uploaded earlier (offline sync)


@dataclass
class ScanInfo:
    """A scan the phone made offline and sends along with the check."""
    token: str
    scanned_at: datetime
    client_uuid: str | None = None


@dataclass
class CheckResult:
    inspection: Inspection
    hazards: list[Hazard] = field(default_factory=list)
    repeat: bool = False           # the same client UUID was sent before
    outdated_version: bool = False  # the checklist changed while the user was checking


@dataclass
class Group:
    """One frequency group of a point's check as the form sends it."""
    level: str
    frequency_key: str
    answers: list[Answer]


@dataclass
class PointResult:
    """The groups of one point submitted together, one CheckResult each."""
    results: list[CheckResult]

    @property
    def inspections(self) -> list[Inspection]:
        return [r.inspection for r in self.results]

    @property
    def outdated_version(self) -> bool:
        return any(r.outdated_version for r in self.results)


def record_scan(user: User, token: QRToken, user_agent: str, scanned_at: datetime | None = None,
                client_uuid: str | None = None, source: str = "link") -> Scan:
    """A scan is evidence of presence. A phone that scanned offline sends its own time
    and UUID later; the same UUID twice records one scan."""
    if client_uuid:
        existing = db.session.scalar(select(Scan).where(Scan.client_uuid == client_uuid))
        if existing is not None:
            return existing
    scan = Scan(enterprise_id=token.enterprise_id, client_uuid=client_uuid,
                risk_point_id=token.risk_point_id, token_id=token.id, user_id=user.id,
                scanned_at=scanned_at or clock.now(), user_agent=user_agent[:300], source=source)
    db.session.add(scan)
    db.session.flush()
    return scan


def scan_before(user: User, point: RiskPoint, moment: datetime) -> Scan | None:
    """The user's latest scan of the point within SCAN_WINDOW before the moment; a real
    scan before a typed code."""
    return db.session.scalar(select(Scan).where(
        Scan.user_id == user.id, Scan.risk_point_id == point.id,
        Scan.scanned_at >= moment - SCAN_WINDOW, Scan.scanned_at <= moment,
    ).order_by(Scan.source == TYPED, Scan.scanned_at.desc()).limit(1))


def _label_code(typed: str) -> str:
    """A code as typed from a label, case and spaces aside."""
    return "".join(typed.split()).upper()


def point_by_code(user: User, code: str) -> RiskPoint:
    """The user's enterprise's point whose label prints this code (case and spaces aside);
    another enterprise's code is as unknown as a wrong one."""
    typed = _label_code(code)[:32]
    point = db.session.scalar(select(RiskPoint).where(
        RiskPoint.enterprise_id == user.enterprise_id, func.upper(RiskPoint.code) == typed))
    if point is None:
        raise CheckRefused(_l("No risk point has the code “%(code)s”. Please compare it with "
                              "the code printed under the QR code.", code=typed or code),
                           field="code", status=404)
    return point


def record_typed(user: User, point: RiskPoint, user_agent: str,
                 typed_at: datetime | None = None) -> Scan:
    """The point's code typed from its label: recorded like a scan of its current label,
    but as typed (see TYPED)."""
    if point.current_token is None:
        raise CheckRefused(_l("This risk point has no QR label yet. Please tell your safety "
                              "officer."), field="code")
    return record_scan(user, point.current_token, user_agent, scanned_at=typed_at, source=TYPED)


def typed_code_matches(point: RiskPoint, code: str) -> bool:
    return _label_code(code) == point.code.upper()


PHONE_CLOCK_AHEAD = _l("The phone's clock is ahead of the real time. Please correct the phone's "
                       "date and time and send again.")


def ahead_of_server(moment: datetime) -> bool:
    """A time the phone gives that lies ahead of the server's by more than clocks drift."""
    return moment > clock.now() + MAX_CLOCK_AHEAD


def check_client_time(moment: datetime | None) -> datetime:
    """The phone's time of a check, or now; refused when in the future or too old."""
    current = clock.now()
    if moment is None:
        return current
    if ahead_of_server(moment):
        raise CheckRefused(_l("The check's time lies in the future. Please check the phone's clock."))
    if moment < current - MAX_CHECK_AGE:
        raise CheckRefused(_l("This check was made more than 7 days ago and can no longer be sent."))
    return moment


def by_client_uuid(client_uuid: str | None) -> Inspection | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Inspection).where(Inspection.client_uuid == client_uuid))


def group_uuid(client_uuid: str, index: int, level: str, frequency_key: str) -> str:
    """The client UUID of one group of a whole-point form: the first group keeps the form's
    own (so a repeat is found by one exact look-up, and a one-group form is stored as
    before), each other one is derived from it and the group, the same on every resend."""
    if index == 0:
        return client_uuid
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{client_uuid}|{level}|{frequency_key}"))


def may_check(user: User, point: RiskPoint, level: str, moment: datetime | None = None) -> bool:
    """See due.checkable; anyone else who sees something wrong at a point reports a hazard
    instead (check_refusal)."""
    return holds(due.checkable(user, level, moment), point)


def kept_from_checks(user: User, moment: datetime | None = None) -> bool:
    """Whatever the point: the person does no checks at the moment (no lesson, or kept off
    work by the briefing)."""
    return due.no_lesson(user, moment) or due.off_work(user, moment)


def check_refusal(user: User, point: RiskPoint, level: str, moment: datetime | None = None):
    """Why may_check said no, for the person who scanned the point."""
    if due.no_lesson(user, moment):
        return NO_LESSON
    if level == CheckLevel.TEAM and due.off_work(user, moment):
        return OFF_WORK
    if due.lacks_certificate(user, point, level, moment):
        return _l("%(point)s needs a valid %(certificate)s of whoever checks it, and you hold none in force. "
                  "Ask your safety officer to record yours; someone of your team who holds one "
                  "does the check.", point=point.name, certificate=point.required_certificate_title)
    if level == CheckLevel.TEAM and point.team is not None:
        return _l("%(point)s is checked by %(team)s.", point=point.name, team=point.team.name)
    return _l("This check falls to others.")


def choose_unit(user: User, point: RiskPoint, level: str | None = None,
                frequency_key: str | None = None) -> due.DueUnit | None:
    """The unit asked for; else the most urgent of the user's own; else the point's first."""
    tz_name = user.enterprise.timezone
    units = due.units_of_point(point, tz_name)
    if level or frequency_key:
        return next((u for u in units
                     if u.level == level and u.frequency_key == frequency_key), None)
    mine = sorted((u for u in units if u.level in due.levels_for(user)), key=due.DueUnit.sort_key)
    return (mine or units or [None])[0]


def point_groups(user: User, point: RiskPoint) -> list[due.DueUnit]:
    """What one scan opens: every group of the point at the user's own check level that
    the user may do, most urgent first; for a user with none there (the principal, a
    department head at a team-only point), choose_unit's one."""
    levels = due.levels_for(user)
    mine = [u for u in due.units_of_point(point, user.enterprise.timezone, levels)
            if may_check(user, point, u.level)]
    if mine:
        return sorted(mine, key=due.DueUnit.sort_key)
    unit = choose_unit(user, point)
    return [unit] if unit is not None else []


def unit_items(point: RiskPoint, version_id: int | None, level: str, frequency_key: str):
    """The checklist version (current when not given) and its items of this unit."""
    version = point.checklist if version_id is None else db.session.get(ChecklistVersion, version_id)
    if version is None or version.risk_point_id != point.id:
        raise CheckRefused(_l("This checklist is not known. Please reload the page."))
    items = [item for item in version.items
             if item.level == level and item.frequency_key == frequency_key]
    if not items:
        raise CheckRefused(_l("This checklist has no items of this kind. Please reload the page."))
    return version, items


def _validate(answers: list[Answer], items) -> dict[int, Answer]:
    by_item = {a.item_id: a for a in answers}
    if set(by_item) - {item.id for item in items}:
        raise CheckRefused(_l("Some answers do not belong to this checklist. Please reload the page."))
    for item in items:
        answer = by_item.get(item.id)
        if answer is None or AnswerResult.lookup(answer.result) is None:
            raise CheckRefused(_l("Please answer every item: “%(item)s” has no answer.",
                                  item=item.text))
        if answer.result == AnswerResult.ABNORMAL and not (
                answer.note.strip() or answer.photo or answer.photo_id):
            raise CheckRefused(_l("“%(item)s” is marked abnormal: please add a note or a photo.",
                                  item=item.text))
    return by_item


def _photo_id(user: User, answer: Answer) -> int | None:
    if answer.photo:
        return photo_services.save_photo(answer.photo, user.enterprise_id, user.id).id
    if answer.photo_id:
        photo = db.session.get(Photo, answer.photo_id)
        if photo is None or photo.enterprise_id != user.enterprise_id:
            raise CheckRefused(_l("A photo of this check was not found. Please take it again."))
        return photo.id
    return None


def offline_scan_refusal(qr: QRToken, scanned_at: datetime):
    """Why a scan the phone says it made at scanned_at proves nothing, or None. It counts
    only while that label was on the point (issued, not yet replaced) and only within
    OFFLINE_SCAN_MAX_AGE_HOURS: without a limit, a phone could date a scan of a replaced
    label before its replacement."""
    if qr.retired_at is not None and qr.retired_at <= scanned_at:
        return _l("This QR label had been replaced before it was scanned, so the scan does not count.")
    if scanned_at < qr.created_at:
        return _l("This QR label did not exist yet at the time of the scan, so the scan does not count.")
    hours = current_app.config["OFFLINE_SCAN_MAX_AGE_HOURS"]
    if scanned_at < clock.now() - timedelta(hours=hours):
        return _l("This scan was kept on the phone for more than %(hours)s hours, so it no "
                  "longer counts.", hours=hours)
    if ahead_of_server(scanned_at):
        return PHONE_CLOCK_AHEAD
    return None


def _offline_scan(user: User, point: RiskPoint, scan: ScanInfo | None, user_agent: str) -> None:
    """Records a scan the phone made offline. A token of another point, a replaced label or
    an impossible time proves nothing and is ignored: the check is then flagged no-scan."""
    if scan is None:
        return
    qr = db.session.scalar(select(QRToken).where(QRToken.token == scan.token))
    if (qr is None or qr.risk_point_id != point.id
            or offline_scan_refusal(qr, scan.scanned_at) is not None):
        return
    record_scan(user, qr, user_agent, scanned_at=scan.scanned_at, client_uuid=scan.client_uuid,
                source="offline")


def submit_check(user: User, point: RiskPoint, level: str, frequency_key: str,
                 answers: list[Answer], done_at: datetime | None = None,
                 client_uuid: str | None = None, version_id: int | None = None,
                 scan: ScanInfo | None = None, user_agent: str = "") -> CheckResult:
    """Records one check and raises one hazard per abnormal item. Every item of the unit
    must be answered; anything wrong raises CheckRefused or PhotoRejected before the caller
    commits (the caller rolls back). The same client UUID again returns the first result."""
    existing = by_client_uuid(client_uuid)
    if existing is not None:
        return CheckResult(existing, hazards_of(existing), repeat=True)
    if point.enterprise_id != user.enterprise_id:
        raise CheckRefused(_l("This risk point is not known."))
    done_at = check_client_time(done_at)
    version, items = unit_items(point, version_id, level, frequency_key)
    by_item = _validate(answers, items)
    _offline_scan(user, point, scan, user_agent)
    found_scan = scan_before(user, point, done_at)
    inspection = Inspection(
        enterprise_id=user.enterprise_id, client_uuid=client_uuid or str(uuid.uuid4()),
        risk_point_id=point.id, checklist_version_id=version.id, level=level,
        frequency_key=frequency_key, user_id=user.id, done_at=done_at, received_at=clock.now(),
        scan_id=found_scan.id if found_scan else None,
        no_scan=found_scan is None or found_scan.source == TYPED)
    db.session.add(inspection)
    db.session.flush()
    hazards = []
    for item in items:
        answer = by_item[item.id]
        photo_id = _photo_id(user, answer)
        note = answer.note.strip()
        db.session.add(InspectionAnswer(
            enterprise_id=user.enterprise_id, inspection_id=inspection.id, item_id=item.id,
            result=AnswerResult(answer.result), note=note, photo_id=photo_id))
        if answer.result == AnswerResult.ABNORMAL:
            hazards.append(hazard_transitions.report_hazard(user, hazard_transitions.HazardReport(
                description=hazard_transitions.abnormal_item_description(item.text, note),
                department_id=point.department_id, team_id=point.team_id,
                risk_point_id=point.id, inspection_id=inspection.id, checklist_item_id=item.id,
                location=point.location, photo_id=photo_id, found_at=done_at,
                client_uuid=f"{inspection.client_uuid}:{item.id}")))
    db.session.flush()
    db.session.refresh(inspection)
    return CheckResult(inspection, hazards,
                       outdated_version=point.checklist is not None and version.id != point.checklist.id)


def submit_point(user: User, point: RiskPoint, groups: list[Group], done_at: datetime | None = None,
                 client_uuid: str | None = None, version_id: int | None = None,
                 scan: ScanInfo | None = None, typed_code: str = "",
                 user_agent: str = "") -> PointResult:
    """Records the groups of one point submitted together, each as its own inspection
    against its own period (submit_check), all or none: a refusal of any group raises
    before the caller commits. typed_code: the point's code typed from its label instead
    of a scan (refused when it is not this point's)."""
    if not groups:
        raise CheckRefused(_l("This checklist has no items of this kind. Please reload the page."))
    client_uuid = client_uuid or str(uuid.uuid4())
    if by_client_uuid(client_uuid) is None:
        # Once for all groups: each group's check then finds it (scan_before).
        if typed_code.strip():
            if not typed_code_matches(point, typed_code):
                raise CheckRefused(_l("The code you typed is not the code of %(point)s. Please "
                                      "compare it with the label.", point=point.name),
                                   field="typed_code")
            record_typed(user, point, user_agent, check_client_time(done_at))
        _offline_scan(user, point, scan, user_agent)
    return PointResult([
        submit_check(user, point, group.level, group.frequency_key, group.answers, done_at=done_at,
                     client_uuid=group_uuid(client_uuid, index, group.level, group.frequency_key),
                     version_id=version_id, user_agent=user_agent)
        for index, group in enumerate(groups)])


def done_url(inspections: list[Inspection]) -> str:
    """The confirmation of the inspections of one submission (for the page and the outbox)."""
    first, *others = inspections
    return url_for("inspections.done", inspection_id=first.id, i=[i.id for i in others])


def sent_together(user: User, first: Inspection, ids: list[str]) -> list[Inspection]:
    """The inspections of one submission as its confirmation names them (the first, then
    the others of its point), those the user may see."""
    wanted = [first.id, *(int(i) for i in ids[:20] if i.isdigit())]
    return list(db.session.scalars(select(Inspection).where(
        Inspection.id.in_(wanted), Inspection.risk_point_id == first.risk_point_id,
        visible_inspections(user)).order_by(Inspection.id)))


def next_due(user: User, point: RiskPoint) -> due.DueUnit | None:
    """What the user should check next: still at this point, else the most urgent."""
    waiting = [u for u in due.units_for(user) if u.state != due.DueState.DONE]
    return next((u for u in waiting if u.point.id == point.id), waiting[0] if waiting else None)


def hazards_of(inspection: Inspection) -> list[Hazard]:
    return list(db.session.scalars(select(Hazard).where(
        Hazard.inspection_id == inspection.id).order_by(Hazard.id)))


# Who opens the check records (each the checks visible_inspections lets him see).
RECORD_READERS = (Role.TEAM_LEADER, Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def visible_inspections(user: User):
    """A filter: workers see their own checks, team leaders the team's, department heads
    the department's, the safety staff, the principal and the admin the enterprise's."""
    in_enterprise = Inspection.enterprise_id == user.enterprise_id
    if user.has_role(Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL, Role.ADMIN):
        return in_enterprise
    own = Inspection.user_id == user.id
    if user.has_role(Role.TEAM_LEADER) and user.team_id is not None:
        team_points = select(RiskPoint.id).where(RiskPoint.team_id == user.team_id)
        team_people = select(User.id).where(User.team_id == user.team_id)
        return in_enterprise & or_(own, Inspection.risk_point_id.in_(team_points),
                                   Inspection.user_id.in_(team_people))
    if user.has_role(Role.DEPT_HEAD) and user.effective_department_id is not None:
        dept_points = select(RiskPoint.id).where(
            RiskPoint.department_id == user.effective_department_id)
        return in_enterprise & or_(own, Inspection.risk_point_id.in_(dept_points))
    return in_enterprise & own


def can_view(user: User, inspection: Inspection) -> bool:
    return db.session.scalar(select(Inspection.id).where(
        Inspection.id == inspection.id, visible_inspections(user))) is not None
