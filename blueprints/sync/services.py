"""The outbox: a submission queued on a phone arrives here, possibly hours late and
possibly twice, and goes to the same service functions as the HTML forms.
Plain data in, results out; the caller commits."""
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from blueprints.briefings import close_form as briefing_close_form
from blueprints.briefings import services as briefing_services
from blueprints.briefings.models import Briefing
from blueprints.common import clock, rotating_code
from blueprints.common.extensions import db
from blueprints.common.inputs import optional_id, optional_yuan
from blueprints.common.refusal import Refused
from blueprints.hazards import permissions as hazard_permissions
from blueprints.hazards import queries as hazard_queries
from blueprints.hazards import transitions as hazard_transitions
from blueprints.hazards.models import Hazard
from blueprints.inspections import forms as check_forms
from blueprints.inspections import services as inspections
from blueprints.inspections.models import Inspection, Scan
from blueprints.org.models import Role, User
from blueprints.photos.services import save_upload
from blueprints.reporting import services as reporting
from blueprints.risk_points import services as risk_points
from blueprints.risk_points.models import RiskPoint
from blueprints.training import gate as training_gate
from blueprints.training import queries as training_queries
from blueprints.training import quiz_form, spot_tests
from blueprints.training import services as training
from blueprints.training.models import LessonSession, Trainee

RECENT_CHECKS = timedelta(days=7)


@dataclass
class Submission:
    kind: str
    client_uuid: str
    done_at: datetime
    user: User
    fields: MultiDict
    files: MultiDict
    user_agent: str = ""
    target: dict = field(default_factory=dict)   # the URL arguments of the form's action


@dataclass
class Outcome:
    id: int
    url: str
    replayed: bool = False
    notice: str | None = None   # stored, but the user should know something (target changed)


@dataclass
class Kind:
    handle: Callable[[Submission], Outcome]
    endpoint: str | None      # the HTML form's endpoint whose action URL names the target
    already: Callable[[str], object | None]   # the row a UUID already made, if any


KINDS: dict[str, Kind] = {}


def kind(name: str, endpoint: str | None, already: Callable[[str], object | None]):
    def register(handle):
        KINDS[name] = Kind(handle, endpoint, already)
        return handle
    return register


def parse_done_at(text: str | None) -> datetime:
    """The phone's time (ISO 8601 with an offset) as naive UTC."""
    moment = clock.parse_utc(text, need_offset=True)
    if moment is None:
        raise Refused(_l("The time of the record is missing or unreadable."))
    if inspections.ahead_of_server(moment):
        raise Refused(inspections.PHONE_CLOCK_AHEAD)
    return moment


def resolve_target(action: str | None, endpoint: str) -> dict:
    """The URL arguments of the form's action, which must be the kind's own form."""
    adapter = current_app.url_map.bind("localhost")
    try:
        matched, args = adapter.match((action or "").split("?")[0], method="POST")
    except HTTPException:
        matched, args = None, {}
    if matched != endpoint:
        raise Refused(_l("This record does not belong to a form of this app."))
    return args


def submit(submission: Submission, action: str | None) -> Outcome:
    """Stores the submission, or raises Refused: the forms' own refusals (a photo's names
    its field, so that the phone reopens the record with its photo to be taken again)."""
    entry = KINDS.get(submission.kind)
    if entry is None:
        raise Refused(_l("This kind of record is not known."))
    if entry.endpoint:
        submission.target = resolve_target(action, entry.endpoint)
    replayed = entry.already(submission.client_uuid) is not None
    outcome = entry.handle(submission)
    outcome.replayed = replayed
    return outcome


def _scan_by_uuid(client_uuid: str) -> Scan | None:
    return db.session.scalar(select(Scan).where(Scan.client_uuid == client_uuid))


@kind("scan", None, _scan_by_uuid)
def _scan(sub: Submission) -> Outcome:
    """A QR scan made offline: the phone recorded the token and its own time."""
    token = risk_points.token_lookup(sub.fields.get("token", ""))
    if token is None or token.enterprise_id != sub.user.enterprise_id:
        raise Refused(_l("This QR code is not known. Please tell your safety officer."))
    refusal = inspections.offline_scan_refusal(token, sub.done_at)
    if refusal is not None:
        raise Refused(refusal, status=409)
    scan = inspections.record_scan(sub.user, token, sub.user_agent, scanned_at=sub.done_at,
                                   client_uuid=sub.client_uuid, source="offline")
    return Outcome(scan.id, url_for("dashboard.home"))


@kind("check", "inspections.submit", inspections.by_client_uuid)
def _check(sub: Submission) -> Outcome:
    """The check form's fields, as the HTML view reads them (inspections/forms.py): every
    group it holds, stored together; the phone then opens the same confirmation."""
    point = db.session.get(RiskPoint, sub.target["point_id"])
    if point is None or point.enterprise_id != sub.user.enterprise_id:
        raise Refused(_l("This risk point is not known."), status=404)
    stored = check_forms.previous(sub.fields, sub.client_uuid)
    notice = None
    if not stored:
        result = check_forms.submit(sub.user, point, sub.fields, sub.files, done_at=sub.done_at,
                                    client_uuid=sub.client_uuid, user_agent=sub.user_agent)
        stored = result.inspections
        if result.outdated_version:
            notice = str(_l("The checklist of %(point)s was changed while you were checking. Your "
                            "answers were saved against the version you saw.", point=point.name))
    return Outcome(stored[0].id, inspections.done_url(stored), notice=notice)


def _hazard_url(hazard: Hazard) -> str:
    return url_for("hazards.detail", hazard_id=hazard.id)


@kind("hazard_report", "hazards.report", hazard_queries.by_client_uuid)
def _hazard_report(sub: Submission) -> Outcome:
    """The report form's fields, checked by the same service as the report screen."""
    existing = hazard_queries.by_client_uuid(sub.client_uuid)
    if existing is not None and existing.enterprise_id == sub.user.enterprise_id:
        return Outcome(existing.id, _hazard_url(existing))
    hazard = hazard_transitions.report_from_form(sub.user, hazard_transitions.ReportInput(
        description=sub.fields.get("description", "")[:2000],
        location=sub.fields.get("location", "")[:200],
        department_id=optional_id(sub.fields.get("department_id")),
        risk_point_id=optional_id(sub.fields.get("risk_point_id")),
        category=sub.fields.get("category", ""), client_uuid=sub.client_uuid,
        found_at=sub.done_at),
        lambda: _photo_id(sub, "photo"))
    return Outcome(hazard.id, _hazard_url(hazard))


@kind("report", "reporting.new", reporting.by_client_uuid)
def _report(sub: Submission) -> Outcome:
    """随手拍 made offline: the same checks as the report screen, photos stored after them."""
    report = reporting.submit(sub.user, reporting.ReportInput(
        kind=sub.fields.get("kind", ""), description=sub.fields.get("description", "")[:2000],
        risk_point_id=optional_id(sub.fields.get("risk_point_id")),
        location=sub.fields.get("location", "")[:200], client_uuid=sub.client_uuid,
        found_at=sub.done_at),
        lambda: reporting.store_photos(sub.files, sub.user.enterprise_id, sub.user))
    return Outcome(report.id, url_for("reporting.detail", report_id=report.id))


def _photo_id(sub: Submission, name: str) -> int | None:
    photo = save_upload(sub.files.get(name), sub.user.enterprise_id, sub.user.id)
    return photo.id if photo else None


@kind("rectification", "hazards.act", hazard_queries.rectification_by_uuid)
def _rectification(sub: Submission) -> Outcome:
    """A rectification recorded offline. If meanwhile someone else moved the hazard on
    (verified, closed), it cannot be stored as a rectification: 409, and the user is told."""
    if sub.target.get("action") != "rectify":
        raise Refused(_l("This record does not belong to a form of this app."))
    hazard = db.session.get(Hazard, sub.target["hazard_id"])
    if hazard is None or hazard.enterprise_id != sub.user.enterprise_id:
        raise Refused(_l("This hazard is not known."), status=404)
    try:
        funds = optional_yuan(sub.fields.get("funds"))
    except ValueError:
        raise Refused(_l("Enter the funds in yuan (0 or more).")) from None
    photo_id = None
    try:
        if hazard_queries.rectification_by_uuid(sub.client_uuid) is None:
            # Checked before the photo is stored, so that a refusal leaves no photo behind.
            hazard_permissions.check(sub.user, "rectify", hazard)
            photo_id = _photo_id(sub, "photo")
        hazard_transitions.rectify(hazard, sub.user, sub.fields.get("measure", "")[:2000], photo_id,
                                   sub.client_uuid, funds)
    except hazard_permissions.InvalidTransition as refused:
        # Not now, by the table's rule: someone moved the hazard on while the phone waited.
        raise Refused(_l("Your rectification was not recorded: %(reason)s (the hazard is now "
                         "“%(state)s”.)", reason=refused.message, state=hazard.state.label),
                      status=409) from None
    return Outcome(hazard.id, _hazard_url(hazard))


@dataclass
class SignInFields:
    """What an attendee's phone read from the chair's rotating QR code, and when."""
    subject: object
    minute: int | None
    code: str
    scanned_at: datetime


# The minutes a code can name: those of the times a phone may give (clock.parse_utc).
MINUTES = range(rotating_code.minute_of(clock.EARLIEST), rotating_code.minute_of(clock.LATEST))


@dataclass(frozen=True)
class Gathering:
    """A kind of gathering people sign in to by its chair's rotating code."""
    model: type
    id_field: str
    unknown: object


GATHERINGS = {
    "briefing": Gathering(Briefing, "briefing_id",
                          _l("This briefing is not known. Scan the code on your leader's screen again.")),
    "lesson": Gathering(LessonSession, "session_id",
                        _l("This lesson is not known. Scan the code on the teacher's screen again.")),
}


def sign_in_fields(user: User, fields, gathering: str = "briefing") -> SignInFields:
    """A sign-in form's fields, read alike for its page (no script) and for the outbox: the
    gathering (a briefing, a lesson's session) of the user's enterprise (else 404), the
    code's minute and the phone's time of the scan (with its offset, not ahead of the server)."""
    of = GATHERINGS[gathering]
    subject_id = optional_id(fields.get(of.id_field))
    subject = db.session.get(of.model, subject_id) if subject_id else None
    if subject is None or subject.enterprise_id != user.enterprise_id:
        raise Refused(of.unknown, status=404)
    minute = optional_id(fields.get("minute"))
    return SignInFields(subject, minute if minute in MINUTES else None,
                        fields.get("code", ""),
                        parse_done_at(fields.get("scanned_at")))


@kind("briefing_sign_in", "briefings.sign_in", briefing_services.sign_in_by_uuid)
def _briefing_sign_in(sub: Submission) -> Outcome:
    """A worker's sign-in, perhaps scanned offline and sent after the close: it counts by
    the phone's time of the scan, not by when it arrives."""
    read = sign_in_fields(sub.user, sub.fields)
    row = briefing_services.sign_in(sub.user, read.subject, read.minute, read.code, read.scanned_at,
                                    sub.client_uuid, sub.user_agent)
    return Outcome(row.id, url_for("briefings.signed", sign_in_id=row.id))


@kind("briefing_close", "briefings.close", briefing_services.by_close_uuid)
def _briefing_close(sub: Submission) -> Outcome:
    """The leader's close, perhaps made where the briefing had no signal: the briefing
    ends at the phone's time of the press, not when the close arrives."""
    briefing = db.session.get(Briefing, sub.target["briefing_id"])
    if briefing is None or briefing.enterprise_id != sub.user.enterprise_id:
        raise Refused(_l("This briefing is not known."), status=404)
    briefing_close_form.close(briefing, sub.user, sub.fields, sub.files, sub.done_at, sub.client_uuid)
    return Outcome(briefing.id, url_for("briefings.detail", briefing_id=briefing.id))


@kind("lesson_attend", "training.attend", training.attendance_by_uuid)
def _lesson_attend(sub: Submission) -> Outcome:
    """A person's sign-in at a lesson given in person, perhaps scanned where the lesson had no
    signal: it counts by the phone's time of the scan. The phone then opens the lesson."""
    read = sign_in_fields(sub.user, sub.fields, "lesson")
    trainee = training.attend(sub.user, read.subject, read.minute, read.code, read.scanned_at,
                              sub.client_uuid, sub.user_agent)
    return Outcome(trainee.id, url_for("training.lesson", trainee_id=trainee.id))


@kind("lesson_attempt", "training.attempt", training.attempt_by_uuid)
def _lesson_attempt(sub: Submission) -> Outcome:
    """A go at a lesson's quiz answered on the phone, perhaps offline: kept whatever its score."""
    trainee = db.session.get(Trainee, sub.target["trainee_id"])
    if trainee is None or trainee.enterprise_id != sub.user.enterprise_id:
        raise Refused(_l("This lesson is not known."), status=404)
    answers, signed = quiz_form.read(sub.fields)
    row = training.submit_attempt(trainee, sub.user, answers, signed, sub.done_at, sub.client_uuid)
    return Outcome(row.id, url_for("training.result", attempt_id=row.id))


@kind("spot_test", "training.record_spot_test", spot_tests.by_uuid)
def _spot_test(sub: Submission) -> Outcome:
    """A spot test answered on the examiner's phone where there was no signal: it counts by
    the phone's time of the press."""
    person_id, asked, count, pass_percent = quiz_form.read_paper(sub.fields)
    sheet = spot_tests.paper(sub.user, person_id, asked, count, pass_percent)
    answers, signed = quiz_form.read(sub.fields)
    row = spot_tests.record(sub.user, sheet, answers, signed, sub.fields.get("place", ""), sub.done_at,
                            sub.client_uuid)
    return Outcome(row.id, url_for("training.spot_test", spot_test_id=row.id))


def points_for_offline(user: User) -> list[RiskPoint]:
    """The points whose check a phone keeps: the user's team's, the department's for
    its head, and whatever the user checked in the last week; none while the user may not
    check at all (their check pages say so, and are not kept)."""
    if inspections.kept_from_checks(user):
        return []
    recent = select(Inspection.risk_point_id).where(
        Inspection.user_id == user.id, Inspection.done_at >= clock.now() - RECENT_CHECKS)
    mine = [RiskPoint.id.in_(recent)]
    if user.team_id:
        # Not a point whose team check needs a certificate the user does not hold.
        mine.append(and_(RiskPoint.team_id == user.team_id, training_gate.certified_user(user)))
    if user.has_role(Role.DEPT_HEAD) and user.department_id:
        mine.append(RiskPoint.department_id == user.department_id)
    return list(db.session.scalars(
        select(RiskPoint).where(RiskPoint.enterprise_id == user.enterprise_id,
                                RiskPoint.active.is_(True), or_(*mine))
        .order_by(RiskPoint.code)))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def offline_pages(user: User) -> dict:
    """Pages to cache while online. The scan link is never among them: it records a
    scan when fetched. Nor is its token: a phone that knew it could "scan" from a desk.
    A one-way digest is given instead, so that a label scanned offline (its token read
    by the camera and hashed on the phone) opens the cached check page."""
    pages = [url_for(endpoint) for endpoint in ("dashboard.home", "sync.scanner", "reporting.new")]
    if user.team_id:
        # Opened by the leader's QR code, also where the briefing has no signal.
        pages.append(url_for("briefings.sign_in"))
    lessons = training_queries.for_home(user)
    if any(trainee.session.in_person for trainee in lessons):
        pages.append(url_for("training.attend"))
    # A lesson to pass is read, and its quiz answered, where there is no signal too.
    pages += [url_for("training.lesson", trainee_id=trainee.id) for trainee in lessons]
    points = []
    for point in points_for_offline(user):
        url = url_for("inspections.check", point_id=point.id)
        token = point.current_token
        points.append({"point_id": point.id, "url": url, "code": point.code,
                       "label": f"{point.code} {point.name}",
                       "token_sha256": token_digest(token.token) if token else None})
        pages.append(url)
    return {"user_id": user.id, "user_name": user.name, "pages": pages, "points": points}
