"""What is known of briefings: which teams must hold one, today at a glance, who is kept
off work, the ones missing, and the history."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from blueprints.briefings import schedule
from blueprints.briefings.models import Attendee, Briefing, Fitness, Presence, SignIn
from blueprints.briefings.permissions import SEES_ALL, seen_by
from blueprints.briefings.services import ROSTER_ROLES, keeps_off_work, of_slot
from blueprints.common import clock
from blueprints.common.enums import LabelledEnum
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, Role, Team, User

HISTORY_PER_PAGE = 30


class Status(LabelledEnum):
    """A team's briefing for its shift; the value names its CSS class (brief-<value>)."""
    MISSING = "missing", _l("Missing")
    RUNNING = "running", _l("Running")
    NOT_YET = "not_yet", _l("Not yet held")
    HELD = "held", _l("Held")


@dataclass
class TeamToday:
    team: Team
    slot: schedule.Slot
    briefing: Briefing | None
    status: Status

    @property
    def late(self) -> bool:
        return self.briefing is not None and self.briefing.started_at > self.slot.due_by


def briefing_teams(enterprise_id: int, *where) -> list[Team]:
    """The active teams with someone on their roster: each holds a briefing every shift."""
    staffed = exists().where(User.team_id == Team.id, User.active.is_(True), User.role.in_(ROSTER_ROLES))
    return list(db.session.scalars(select(Team).options(selectinload(Team.shifts)).where(
        Team.enterprise_id == enterprise_id, Team.active.is_(True), staffed, *where).order_by(Team.name)))


def status_of(slot: schedule.Slot, briefing: Briefing | None, moment: datetime) -> Status:
    if briefing is not None:
        return Status.HELD if briefing.is_closed else Status.RUNNING
    return Status.MISSING if moment >= slot.due_by else Status.NOT_YET


def glance_slot(team: Team, enterprise: Enterprise, moment: datetime) -> schedule.Slot | None:
    """The shift a team's briefing is about now: the current one, else the last to start."""
    current = schedule.current_slot(team, enterprise, moment)
    if current is not None:
        return current
    started = schedule.slots_between(team, enterprise, moment - timedelta(days=2), moment)
    return started[-1] if started else None


def local_day(enterprise: Enterprise, moment: datetime | None = None) -> date:
    """Today in the enterprise's time zone: a slot of another work day shows its date."""
    return clock.today(enterprise.timezone, moment)


# Who sees today's briefings at a glance (the home's section and /briefings/today).
OVERSEERS = (Role.DEPT_HEAD, Role.SAFETY_OFFICER, Role.SAFETY_DIRECTOR, Role.PRINCIPAL)


def _teams_seen(user: User) -> list:
    if user.has_role(*SEES_ALL):
        return []
    if user.has_role(Role.DEPT_HEAD) and user.effective_department_id is not None:
        return [Team.department_id == user.effective_department_id]
    return [Team.id == user.team_id]


def today(user: User, moment: datetime | None = None) -> list[TeamToday]:
    """Every team the user oversees (a department head his department's, the safety staff
    and the principal all), with its briefing for the current shift; missing first."""
    moment = moment or clock.now()
    enterprise = user.enterprise
    rows = []
    slots = []
    for team in briefing_teams(user.enterprise_id, *_teams_seen(user)):
        slot = glance_slot(team, enterprise, moment)
        if slot is not None:
            slots.append((team, slot))
    held = {}
    if slots:
        # What the rows show (leader, counts) comes with them: no query per team.
        found = db.session.scalars(select(Briefing).options(
            selectinload(Briefing.leader), selectinload(Briefing.attendees), selectinload(Briefing.sign_ins))
            .where(Briefing.enterprise_id == user.enterprise_id,
            Briefing.shift_start.in_({slot.start for _team, slot in slots}),
            Briefing.team_id.in_([team.id for team, _slot in slots])))
        held = {(b.team_id, b.shift_start): b for b in found}
    for team, slot in slots:
        briefing = held.get((team.id, slot.start))
        rows.append(TeamToday(team, slot, briefing, status_of(slot, briefing, moment)))
    order = list(Status)
    return sorted(rows, key=lambda row: (order.index(row.status), row.team.name))


def kept_off_work(user: User, moment: datetime | None = None) -> list[Attendee]:
    """Who is off work now by a briefing the user may see (不安全不上岗)."""
    moment = moment or clock.now()
    return list(db.session.scalars(select(Attendee).join(Briefing).options(
        selectinload(Attendee.user), selectinload(Attendee.helper), selectinload(Attendee.briefing))
        .where(seen_by(user), keeps_off_work(moment)).order_by(Briefing.team_id, Attendee.id)))


def to_sign_in(user: User, moment: datetime | None = None) -> Briefing | None:
    """The running briefing on whose roster the user is and has not yet signed in (its
    leader aside: he runs it)."""
    moment = moment or clock.now()
    signed = exists().where(SignIn.briefing_id == Briefing.id, SignIn.user_id == user.id)
    return db.session.scalar(select(Briefing).join(Attendee).where(
        Attendee.user_id == user.id, Briefing.leader_id != user.id, Briefing.closed_at.is_(None),
        Briefing.started_at <= moment, Briefing.shift_end > moment, ~signed)
        .order_by(Briefing.started_at.desc()).limit(1))


def missing_slots(team: Team, enterprise: Enterprise, since: datetime,
                  until: datetime) -> list[schedule.Slot]:
    """The team's slots whose briefing became missing in [since, until): not started by
    their due-by moment (a late start does not undo it)."""
    wanted = [s for s in schedule.slots_between(team, enterprise, since - timedelta(days=1), until)
              if since <= s.due_by < until]
    if not wanted:
        return []
    started = {b.shift_start: b.started_at for b in db.session.scalars(select(Briefing).where(
        Briefing.team_id == team.id, Briefing.shift_start.in_([s.start for s in wanted])))}
    return [s for s in wanted if s.start not in started or started[s.start] > s.due_by]


def history(user: User, team_id: int | None = None, day: date | None = None):
    """The briefings the user may see, newest first, of a team and a day if given."""
    query = (select(Briefing).options(selectinload(Briefing.team), selectinload(Briefing.leader),
                                      selectinload(Briefing.attendees), selectinload(Briefing.sign_ins))
             .where(seen_by(user)).order_by(Briefing.shift_start.desc(), Briefing.id.desc()))
    if team_id is not None:
        query = query.where(Briefing.team_id == team_id)
    if day is not None:
        query = query.where(Briefing.work_day == day)
    return query


def history_teams(user: User) -> list[Team]:
    """The teams of the briefings the user may see: the history's team filter."""
    return list(db.session.scalars(select(Team).where(
        Team.id.in_(select(Briefing.team_id).where(seen_by(user)))).order_by(Team.name)))


@dataclass
class Counts:
    roster: int
    present: int
    signed: int
    off_work: int


def counts(briefing: Briefing) -> Counts:
    """The leader chairs: present, he counts as signed in to his own briefing."""
    present = [a for a in briefing.attendees if a.presence == Presence.PRESENT]
    signed = {s.user_id for s in briefing.sign_ins} | {briefing.leader_id}
    return Counts(len(briefing.attendees), len(present), len(signed & {a.user_id for a in present}),
                  sum(a.fitness == Fitness.OFF_WORK for a in present))


def leading(user: User, moment: datetime | None = None) -> TeamToday | None:
    """For a team leader: his team's briefing for the shift he may start one for now."""
    if not user.has_role(Role.TEAM_LEADER) or user.team_id is None:
        return None
    moment = moment or clock.now()
    team = db.session.get(Team, user.team_id)
    slot = schedule.current_slot(team, user.enterprise, moment)
    if slot is None:
        return None
    briefing = of_slot(team, slot)
    return TeamToday(team, slot, briefing, status_of(slot, briefing, moment))



@dataclass
class Tally:
    """A team's briefings over a span: the shifts whose briefing was due (its due-by passed,
    or it was held), those held, and of those the ones started late."""
    team: Team
    due: int
    held: int
    late: int

    @property
    def missing(self) -> int:
        return self.due - self.held


def tallies(teams: list[Team], enterprise: Enterprise, since: datetime, until: datetime,
            moment: datetime | None = None) -> list[Tally]:
    """Each team's tally of the shifts that start in [since, until), the briefings read in one
    statement. Shifts before the enterprise was set up were never due."""
    moment = moment or clock.now()
    since = max(since, enterprise.created_at)
    started = {(team_id, start): at for team_id, start, at in db.session.execute(
        select(Briefing.team_id, Briefing.shift_start, Briefing.started_at).where(
            Briefing.enterprise_id == enterprise.id, Briefing.shift_start >= since,
            Briefing.shift_start < until))}
    found = []
    for team in teams:
        slots = [s for s in schedule.slots_between(team, enterprise, since, until)
                 if s.due_by <= moment or (team.id, s.start) in started]
        held = [started[team.id, s.start] > s.due_by for s in slots if (team.id, s.start) in started]
        found.append(Tally(team, len(slots), len(held), sum(held)))
    return found
