"""The briefing's steps as plain functions: each checks (permissions.py), changes, and
flushes; the view commits once. What the leader records is written once, at the close;
sign-ins and notes are rows of their own, which may arrive after it."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from blueprints.briefings import schedule
from blueprints.briefings.models import (
    MIN_MINUTES,
    Attendee,
    Briefing,
    BriefingNote,
    BriefingStep,
    BriefingTemplate,
    BriefingTemplateItem,
    Fitness,
    Presence,
    SignIn,
    SignInMethod,
)
from blueprints.briefings.permissions import check
from blueprints.common import audit, clock, rotating_code
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.hazards.models import Hazard, HazardGrade
from blueprints.hazards.queries import OPEN
from blueprints.org.models import Enterprise, Role, Team, User
from blueprints.risk_points.models import Grade, RiskPoint
from blueprints.training import gate as lesson_gate

# Who is on a team's roll call.
ROSTER_ROLES = (Role.WORKER, Role.TEAM_LEADER)
MAX_TEXT = 2000
MAX_MINUTES = 60
# The open hazards put before the team: the most pressing first, no more than a
# briefing can read out.
MAX_OPEN_HAZARDS = 10

DEFAULT_ITEMS = {
    BriefingStep.ROLL_CALL: [_l("Count who is here; name who is absent or on leave")],
    BriefingStep.STATE: [_l("Clothing: work clothes worn properly, proper shoes"),
                         _l("Protective equipment: helmet, goggles or mask, gloves worn and intact"),
                         _l("State of mind: no drink, not exhausted, calm")],
    BriefingStep.TASKS: [_l("Today's tasks: who does what, and where")],
    BriefingStep.LESSON: [_l("One safety point of the job, or an accident case")],
    BriefingStep.SAFETY_POINTS: [_l("The open hazards, the risky points and jobs of today")],
    BriefingStep.RECORD: [_l("Everyone signs in; a photo of the team")],
}


# --- templates --------------------------------------------------------------------------

def template_of(team: Team) -> BriefingTemplate | None:
    """The team's template in force: its latest version."""
    return db.session.scalar(select(BriefingTemplate).where(BriefingTemplate.team_id == team.id)
                             .order_by(BriefingTemplate.number.desc()).limit(1))


def _in_enterprise_language():
    """Text stored in a record reads the same to every later reader (an inspector too)."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def default_items() -> dict[BriefingStep, list[str]]:
    with _in_enterprise_language():
        return {step: [str(text) for text in texts] for step, texts in DEFAULT_ITEMS.items()}


def check_template(min_minutes: int | None, items: dict[BriefingStep, list[str]]) -> None:
    errors = {}
    if min_minutes is None or not MIN_MINUTES <= min_minutes <= MAX_MINUTES:
        errors["min_minutes"] = _l("Enter whole minutes from %(least)s to %(most)s: the rule asks "
                                   "for at least %(least)s.", least=MIN_MINUTES, most=MAX_MINUTES)
    if not items.get(BriefingStep.STATE):
        errors[BriefingStep.STATE.value] = _l("Name at least one thing to check of each person "
                                              "(the 班前三查).")
    if errors:
        raise Refused.many(errors)


def save_template(team: Team, min_minutes: int | None, items: dict[BriefingStep, list[str]],
                  actor_id: int | None) -> BriefingTemplate:
    """Always a new version: a briefing held from an older one keeps it."""
    items = {step: [t.strip()[:500] for t in texts if t.strip()] for step, texts in items.items()}
    check_template(min_minutes, items)
    last = template_of(team)
    template = BriefingTemplate(enterprise_id=team.enterprise_id, team_id=team.id,
                                number=(last.number if last else 0) + 1, min_minutes=min_minutes,
                                created_by_id=actor_id)
    db.session.add(template)
    db.session.flush()
    position = 0
    for step in BriefingStep:
        for text in items.get(step, []):
            position += 1
            db.session.add(BriefingTemplateItem(enterprise_id=team.enterprise_id, template_id=template.id,
                                                position=position, step=step, text=text))
    db.session.flush()
    db.session.refresh(template)
    audit.record(team.enterprise_id, actor_id, "briefing_template.saved", template, number=template.number)
    return template


# --- starting -----------------------------------------------------------------------------

def roster(team: Team) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.team_id == team.id, User.active.is_(True), User.role.in_(ROSTER_ROLES))
        .order_by(User.role.desc(), User.employee_no)))


def of_slot(team: Team, slot: schedule.Slot) -> Briefing | None:
    return db.session.scalar(select(Briefing).where(Briefing.team_id == team.id,
                                                    Briefing.shift_start == slot.start))


def safety_points(team: Team, enterprise: Enterprise, moment: datetime) -> list[str]:
    """What the leader is given to stress: the team's open hazards, the hazards found at
    the team's points the day before, and the red and orange points the team works at."""
    points = list(db.session.scalars(select(RiskPoint).where(
        RiskPoint.team_id == team.id, RiskPoint.active.is_(True)).order_by(RiskPoint.code)))
    point_ids = [p.id for p in points]
    at_team = (Hazard.team_id == team.id) | Hazard.risk_point_id.in_(point_ids)
    open_hazards = list(db.session.scalars(
        select(Hazard).where(Hazard.enterprise_id == team.enterprise_id, OPEN, at_team)
        .order_by((Hazard.grade == HazardGrade.MAJOR).desc(), Hazard.deadline.is_(None),
                  Hazard.deadline, Hazard.id)
        .limit(MAX_OPEN_HAZARDS)))
    today = clock.to_local(moment, enterprise.timezone).replace(hour=0, minute=0, second=0, microsecond=0)
    yesterday = (clock.to_utc(today - timedelta(days=1)), clock.to_utc(today))
    found_yesterday = list(db.session.scalars(
        select(Hazard).where(Hazard.enterprise_id == team.enterprise_id, at_team,
                             Hazard.found_at >= yesterday[0], Hazard.found_at < yesterday[1])
        .order_by(Hazard.id)))
    with _in_enterprise_language():
        return _point_lines(open_hazards, found_yesterday, points)


def _point_lines(open_hazards, found_yesterday, points) -> list[str]:
    lines = []
    for hazard in open_hazards:
        lines.append(_("Open hazard #%(id)s: %(what)s", id=hazard.id, what=_place(hazard)))
    for hazard in found_yesterday:
        if hazard not in open_hazards:
            lines.append(_("Found yesterday, #%(id)s: %(what)s", id=hazard.id, what=_place(hazard)))
    for point in points:
        if point.grade in (Grade.RED, Grade.ORANGE):
            lines.append(_("%(grade)s point: %(code)s %(name)s", grade=str(point.grade.label),
                           code=point.code, name=point.name))
    return lines


def _place(hazard: Hazard) -> str:
    where = hazard.risk_point.name if hazard.risk_point else hazard.location
    text = hazard.description[:120]
    return f"{text} ({where})" if where else text


def start(user: User, team: Team, moment: datetime | None = None) -> Briefing:
    """Today's briefing of the team for its current shift, started by its chair; asked
    again for a slot already started, the briefing that runs."""
    moment = moment or clock.now()
    enterprise = db.session.get(Enterprise, team.enterprise_id)
    slot = schedule.current_slot(team, enterprise, moment)
    if slot is None:
        raise Refused(_l("No shift of this team starts within the next two hours."), status=409)
    template = template_of(team) or save_template(team, MIN_MINUTES, default_items(), None)
    briefing = Briefing(enterprise_id=team.enterprise_id, team_id=team.id, department_id=team.department_id,
                        shift_name=slot.name, work_day=slot.work_day, shift_start=slot.start,
                        shift_end=slot.end, template_id=template.id, min_minutes=template.min_minutes,
                        leader_id=user.id, started_at=moment, secret=rotating_code.new_secret())
    check(user, "start", briefing)
    existing = of_slot(team, slot)
    if existing is not None:
        return existing
    briefing.safety_points = "\n".join(safety_points(team, enterprise, moment))
    db.session.add(briefing)
    db.session.flush()
    for member in roster(team):
        db.session.add(Attendee(enterprise_id=team.enterprise_id, briefing_id=briefing.id, user_id=member.id))
    db.session.flush()
    db.session.refresh(briefing)
    return briefing


# --- closing ------------------------------------------------------------------------------

@dataclass
class Roll:
    """One roster line as the leader closes the briefing."""
    user_id: int
    presence: Presence = Presence.PRESENT
    ppe_ok: bool = True
    fitness: Fitness = Fitness.FIT
    reason: str = ""
    helper_id: int | None = None
    # The leader confirms a worker without a phone, with a note (empty: not confirmed).
    confirm_note: str = ""


@dataclass
class CloseInput:
    rolls: list[Roll] = field(default_factory=list)
    tasks: str = ""
    lesson: str = ""
    extra_points: str = ""


NO_LESSON = _l("Not yet passed the first lesson (开工第一课): may not be marked present or work "
               "until it is passed. Mark as absent.")
NO_LESSON_SIGN_IN = _l("You have a first lesson (开工第一课) not yet passed: no lesson, no work. Open it "
                       "from your home screen; once you have passed, sign in again.")


def held_back(briefing: Briefing, moment: datetime | None = None) -> set[int]:
    """The roster's people an unpassed first lesson keeps from work (不上第一课不开工)."""
    return {a.user_id for a in briefing.attendees if lesson_gate.held_back(a.user, moment) is not None}


def _roll_errors(briefing: Briefing, roll: Roll, kept: set[int]) -> dict:
    prefix = f"roll-{roll.user_id}-"
    errors = {}
    if roll.presence != Presence.PRESENT:
        return errors
    if roll.user_id in kept:
        errors[prefix + "presence"] = NO_LESSON
    if roll.fitness != Fitness.FIT:
        if not roll.reason.strip():
            errors[prefix + "reason"] = _l("Say why you are not easy about this person.")
        helper = db.session.get(User, roll.helper_id) if roll.helper_id else None
        if (helper is None or not helper.active or helper.enterprise_id != briefing.enterprise_id
                or helper.id == roll.user_id):
            errors[prefix + "helper_id"] = (_l("Name the helper.") if roll.fitness == Fitness.HELPER
                                           else _l("Name who takes this person's place."))
    return errors


def close(briefing: Briefing, user: User, data: CloseInput, closed_at: datetime | None = None,
          photo_id: int | None = None, client_uuid: str | None = None) -> Briefing:
    """Writes the roll call, the tasks, the lesson and the safety points, and closes the
    briefing at the leader's moment (the phone's, when the close waited offline). Repeated
    with the same UUID, nothing changes."""
    if client_uuid and briefing.close_uuid == client_uuid:
        return briefing
    check(user, "close", briefing)
    closed_at = min(closed_at or clock.now(), clock.now())
    if closed_at < briefing.started_at:
        raise Refused(_l("A briefing cannot end before it started."))
    lines = {a.user_id: a for a in briefing.attendees}
    kept = held_back(briefing, closed_at)
    errors = {}
    for roll in data.rolls:
        if roll.user_id not in lines:
            raise Refused(_l("This person is not on the briefing's roster."))
        errors.update(_roll_errors(briefing, roll, kept))
    if errors:
        raise Refused.many(errors)
    for roll in data.rolls:
        line = lines[roll.user_id]
        line.presence = roll.presence
        present = roll.presence == Presence.PRESENT
        line.ppe_ok = roll.ppe_ok if present else True
        line.fitness = roll.fitness if present else Fitness.FIT
        line.reason = roll.reason.strip()[:MAX_TEXT] if line.fitness != Fitness.FIT else ""
        line.helper_id = roll.helper_id if line.fitness != Fitness.FIT else None
        if present and roll.confirm_note.strip() and briefing.sign_in_of(roll.user_id) is None:
            db.session.add(SignIn(enterprise_id=briefing.enterprise_id, briefing_id=briefing.id,
                                  user_id=roll.user_id, method=SignInMethod.LEADER, signed_at=closed_at,
                                  confirmed_by_id=user.id, note=roll.confirm_note.strip()[:500]))
    briefing.tasks = data.tasks.strip()[:MAX_TEXT]
    briefing.lesson = data.lesson.strip()[:MAX_TEXT]
    briefing.extra_points = data.extra_points.strip()[:MAX_TEXT]
    briefing.photo_id = photo_id
    briefing.closed_at = closed_at
    briefing.close_uuid = client_uuid
    db.session.flush()
    db.session.refresh(briefing)
    return briefing


def by_close_uuid(client_uuid: str | None) -> Briefing | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Briefing).where(Briefing.close_uuid == client_uuid))


# --- signing in ---------------------------------------------------------------------------

def sign_in_by_uuid(client_uuid: str | None) -> SignIn | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(SignIn).where(SignIn.client_uuid == client_uuid))


def sign_in(user: User, briefing: Briefing, minute: int | None, code: str, scanned_at: datetime,
            client_uuid: str | None = None, user_agent: str = "") -> SignIn:
    """A worker's own confirmation by the rotating code, by its rules (rotating_code.check_scan:
    a sign-in queued offline and sent after the close still counts). Signing in again
    changes nothing."""
    already = sign_in_by_uuid(client_uuid)
    if already is not None:
        if already.user_id != user.id:
            raise Refused(_l("This record was already sent from another login."), status=409)
        return already
    check(user, "sign_in", briefing)
    if lesson_gate.held_back(user, scanned_at) is not None:
        raise Refused(NO_LESSON_SIGN_IN, "code", status=409)
    rotating_code.check_scan(briefing.secret, briefing.id, minute, code, scanned_at, briefing.started_at,
                             briefing.closed_at)
    mine = briefing.sign_in_of(user.id)
    if mine is not None:
        return mine
    row = SignIn(enterprise_id=briefing.enterprise_id, briefing_id=briefing.id, user_id=user.id,
                 client_uuid=client_uuid, method=SignInMethod.CODE, signed_at=scanned_at, minute=minute,
                 user_agent=user_agent[:300])
    db.session.add(row)
    db.session.flush()
    db.session.refresh(briefing)
    return row


# --- after the close ----------------------------------------------------------------------

def add_note(briefing: Briefing, user: User, text: str) -> BriefingNote:
    check(user, "add_note", briefing)
    text = text.strip()
    if not text:
        raise Refused(_l("Write the note."), "text")
    note = BriefingNote(enterprise_id=briefing.enterprise_id, briefing_id=briefing.id, author_id=user.id,
                        text=text[:MAX_TEXT])
    db.session.add(note)
    db.session.flush()
    return note


# --- 不安全不上岗 ---------------------------------------------------------------------------

def keeps_off_work(moment: datetime):
    """The roll-call lines (joined to their briefing) that keep their person off work at
    the moment: marked so at a closed briefing whose shift has not yet ended."""
    return and_(Attendee.fitness == Fitness.OFF_WORK, Attendee.presence == Presence.PRESENT,
                Briefing.closed_at.is_not(None), Briefing.closed_at <= moment, Briefing.shift_end > moment)


def off_work(user: User, moment: datetime | None = None) -> Attendee | None:
    """The roll-call line that keeps the user off work now, if any."""
    return db.session.scalar(select(Attendee).join(Briefing).where(
        Attendee.user_id == user.id, keeps_off_work(moment or clock.now()))
        .order_by(Briefing.shift_start.desc()).limit(1))
