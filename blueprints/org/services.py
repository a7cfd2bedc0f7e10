"""Departments, teams, shifts, people and the enterprise's settings.

Plain data in, rows out; the caller commits. A refused change raises Refused
with a message per form field (in the user's language) and changes nothing.
"""
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from blueprints.common import audit, workdays
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import (
    CalendarDay,
    DayKind,
    Department,
    Enterprise,
    Role,
    ScoringMethod,
    Shift,
    Team,
    User,
)

# Who may manage departments, teams, shifts and people; who may change the settings.
MANAGERS = (Role.ADMIN,)
SETTINGS_EDITORS = (Role.ADMIN, Role.SAFETY_DIRECTOR)

MIN_PASSWORD_LENGTH = 8
USERS_PER_PAGE = 25


def _refuse_if(errors: dict) -> None:
    """errors: {form field name: message}, all shown at once."""
    if errors:
        raise Refused.many(errors)


def _refuse(field: str | None, error) -> None:
    """field None: the form as a whole."""
    if error:
        raise Refused(error, field)


def _password_error(password: str):
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return _l("The password needs at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    return None


# --- whether a row may be deleted -----------------------------------------------------------

def references(row) -> int:
    """How many rows of any table point at this row. Reads the foreign keys from the
    metadata, so tables added later by other areas count too."""
    table = row.__table__
    total = 0
    for other in db.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                total += db.session.scalar(
                    select(func.count()).select_from(other).where(fk.parent == row.id))
    return total


def may_delete(row) -> bool:
    """Only a row nothing refers to: records keep pointing at the people, departments and
    teams they were made by or for, so those are deactivated instead."""
    return references(row) == 0


def delete(row, actor_id: int) -> None:
    _refuse(None, _l("You cannot delete yourself.") if _is_actor(row, actor_id) else None)
    if not may_delete(row):
        raise Refused(_l("This has records and cannot be deleted. Deactivate it instead."))
    audit.record(row.enterprise_id, actor_id, f"{row.__tablename__}.deleted", row,
                 name=row.name)
    db.session.delete(row)
    db.session.flush()


# --- active and inactive --------------------------------------------------------------------

def _is_actor(row, actor_id: int) -> bool:
    return isinstance(row, User) and row.id == actor_id


def _deactivation_error(row, actor_id: int):
    if _is_actor(row, actor_id):
        return _l("You cannot deactivate yourself.")
    if isinstance(row, Department):
        busy = db.session.scalar(select(func.count(Team.id)).where(
            Team.department_id == row.id, Team.active)) or db.session.scalar(
            select(func.count(User.id)).where(User.department_id == row.id, User.active))
        if busy:
            return _l("Deactivate or move its teams and people first.")
    if isinstance(row, Team):
        if db.session.scalar(select(func.count(User.id)).where(User.team_id == row.id, User.active)):
            return _l("Deactivate or move its people first.")
    return None


def set_active(row, active: bool, actor_id: int) -> None:
    """For users, departments and teams. Deactivated people cannot log in, and their
    sessions stay ended when they are reactivated; deactivated departments and teams are
    no longer offered for new people."""
    if not active:
        _refuse(None, _deactivation_error(row, actor_id))
    elif isinstance(row, Team) and not row.department.active:
        _refuse(None, _l("Reactivate its department first."))
    if row.active != active:
        row.active = active
        if isinstance(row, User) and not active:
            row.end_sessions()
        audit.record(row.enterprise_id, actor_id,
                     f"{row.__tablename__}.{'reactivated' if active else 'deactivated'}", row)


# --- departments ----------------------------------------------------------------------------

def _name_error(model, enterprise_id: int, name: str, row_id: int | None):
    if not name:
        return _l("Please enter a name.")
    taken = db.session.scalar(select(model.id).where(
        model.enterprise_id == enterprise_id, model.name == name, model.id != (row_id or 0)))
    if taken:
        return _l("This name is already used in your enterprise.")
    return None


def save_department(enterprise_id: int, name: str, actor_id: int,
                    department: Department | None = None) -> Department:
    name = name.strip()
    _refuse("name", _name_error(Department, enterprise_id, name,
                                department.id if department else None))
    if department is None:
        department = Department(enterprise_id=enterprise_id, name=name)
        db.session.add(department)
        db.session.flush()
        audit.record(enterprise_id, actor_id, "department.created", department, name=name)
    elif department.name != name:
        audit.record(enterprise_id, actor_id, "department.updated", department,
                     before=department.name, name=name)
        department.name = name
    return department


def departments(enterprise_id: int, active_only: bool = False) -> list[Department]:
    stmt = select(Department).where(Department.enterprise_id == enterprise_id)
    if active_only:
        stmt = stmt.where(Department.active)
    return list(db.session.scalars(stmt.order_by(Department.active.desc(), Department.name)))


def _owned(model, enterprise_id: int, row_id) -> object | None:
    row = db.session.get(model, row_id) if row_id else None
    return row if row is not None and row.enterprise_id == enterprise_id else None


# --- teams and shifts -----------------------------------------------------------------------

@dataclass
class TeamData:
    name: str
    department_id: int


def save_team(enterprise_id: int, data: TeamData, actor_id: int, team: Team | None = None) -> Team:
    name = data.name.strip()
    errors = {}
    if error := _name_error(Team, enterprise_id, name, team.id if team else None):
        errors["name"] = error
    department = _owned(Department, enterprise_id, data.department_id)
    if department is None or (not department.active
                              and (team is None or team.department_id != department.id)):
        errors["department_id"] = _l("Please choose an active department.")
    _refuse_if(errors)
    if team is None:
        team = Team(enterprise_id=enterprise_id, name=name, department_id=department.id)
        db.session.add(team)
        db.session.flush()
        audit.record(enterprise_id, actor_id, "team.created", team, name=name,
                     department_id=department.id)
        return team
    before = {"name": team.name, "department_id": team.department_id}
    team.name, team.department_id = name, department.id
    # A team's people belong to the team's department.
    for member in db.session.scalars(select(User).where(User.team_id == team.id)):
        member.department_id = department.id
    if before != {"name": name, "department_id": department.id}:
        audit.record(enterprise_id, actor_id, "team.updated", team, before=before, name=name,
                     department_id=department.id)
    return team


@dataclass
class ShiftData:
    name: str
    start: time
    end: time


def runs_past_midnight(shift: Shift | ShiftData) -> bool:
    """An end not after the start is on the next day (20:00–08:00; 08:00–08:00 is 24 h)."""
    return shift.end <= shift.start


def save_shift(team: Team, data: ShiftData, actor_id: int, shift: Shift | None = None) -> Shift:
    name = data.name.strip()
    _refuse("name", None if name else _l("Please enter a name."))
    detail = {"name": name, "start": data.start.strftime("%H:%M"),
              "end": data.end.strftime("%H:%M"), "team_id": team.id}
    if shift is None:
        shift = Shift(enterprise_id=team.enterprise_id, team_id=team.id)
        db.session.add(shift)
        action = "shift.created"
    else:
        detail["before"] = {"name": shift.name, "start": shift.start.strftime("%H:%M"),
                            "end": shift.end.strftime("%H:%M")}
        action = "shift.updated"
    shift.name, shift.start, shift.end = name, data.start, data.end
    db.session.flush()
    audit.record(team.enterprise_id, actor_id, action, shift, **detail)
    return shift


def teams(enterprise_id: int, active_only: bool = False) -> list[Team]:
    stmt = select(Team).where(Team.enterprise_id == enterprise_id)
    if active_only:
        stmt = stmt.where(Team.active)
    return list(db.session.scalars(stmt.order_by(Team.name)))


# --- people ---------------------------------------------------------------------------------

@dataclass
class UserData:
    employee_no: str
    name: str
    role: str
    mobile: str = ""
    team_id: int | None = None          # a member of a team ...
    department_id: int | None = None    # ... or else of a department
    password: str | None = None         # the initial password; required for a new user


def _taken(enterprise_id: int, column, value: str, user_id: int | None) -> bool:
    return db.session.scalar(select(User.id).where(
        User.enterprise_id == enterprise_id, column == value, User.id != (user_id or 0))) is not None


def _placement(enterprise_id: int, data: UserData, user: User | None, errors: dict):
    """(team, department) for the user, or an error. Inactive units only if unchanged."""
    team = _owned(Team, enterprise_id, data.team_id)
    department = team.department if team else _owned(Department, enterprise_id, data.department_id)
    unchanged = user is not None and (user.team_id, user.department_id) == (
        team.id if team else None, department.id if department else None)
    if department is None or (not unchanged and not (department.active
                                                     and (team is None or team.active))):
        errors["unit"] = _l("Please choose an active team or department.")
    return team, department


def save_user(enterprise_id: int, data: UserData, actor_id: int, user: User | None = None) -> User:
    employee_no, name, mobile = data.employee_no.strip(), data.name.strip(), data.mobile.strip()
    user_id = user.id if user else None
    errors = {}
    if not employee_no:
        errors["employee_no"] = _l("Please enter the employee number.")
    elif _taken(enterprise_id, User.employee_no, employee_no, user_id):
        errors["employee_no"] = _l("Another person in your enterprise has this employee number.")
    if not name:
        errors["name"] = _l("Please enter the person's name.")
    if mobile and _taken(enterprise_id, User.mobile, mobile, user_id):
        errors["mobile"] = _l("Another person in your enterprise has this mobile number.")
    role = Role.lookup(data.role)
    if role is None:
        errors["role"] = _l("Please choose a role.")
    elif user is not None and user.id == actor_id and role != user.role:
        errors["role"] = _l("You cannot change your own role.")
    team, department = _placement(enterprise_id, data, user, errors)
    if user is None and (error := _password_error(data.password)):
        errors["password"] = error
    _refuse_if(errors)

    values = {"employee_no": employee_no, "name": name, "mobile": mobile or None,
              "role": role, "team_id": team.id if team else None,
              "department_id": department.id}
    if user is None:
        user = User(enterprise_id=enterprise_id, **values)
        user.set_password(data.password)
        db.session.add(user)
        db.session.flush()
        audit.record(enterprise_id, actor_id, "user.created", user, **values)
        return user
    before = {key: getattr(user, key) for key in values}
    for key, value in values.items():
        setattr(user, key, value)
    if before != values:
        audit.record(enterprise_id, actor_id, "user.updated", user, before=before, **values)
    return user


def reset_password(user: User, password: str, actor_id: int) -> User:
    """An administrator sets a new password, e.g. for someone who forgot theirs."""
    _refuse("password", _password_error(password))
    user.set_password(password)
    user.end_sessions()
    audit.record(user.enterprise_id, actor_id, "user.password_reset", user)
    return user


def change_own_password(user: User, current: str, new: str) -> User:
    """Ends the user's other sessions too (the caller renews the current one)."""
    errors = {}
    if not user.check_password(current or ""):
        errors["current"] = _l("The current password is wrong.")
    if error := _password_error(new):
        errors["new"] = error
    _refuse_if(errors)
    user.set_password(new)
    user.end_sessions()
    audit.record(user.enterprise_id, user.id, "user.password_changed", user)
    return user


@dataclass
class UserFilter:
    q: str = ""
    department_id: int | None = None
    role: str = ""
    page: int = 1


def search_users(enterprise_id: int, wanted: UserFilter):
    """A page of the enterprise's people, active first, by employee number."""
    stmt = select(User).outerjoin(Team, User.team_id == Team.id).options(
        selectinload(User.team), selectinload(User.department)).where(
        User.enterprise_id == enterprise_id)
    q = wanted.q.strip()
    if q:
        stmt = stmt.where(or_(User.name.contains(q, autoescape=True),
                              User.employee_no.contains(q, autoescape=True),
                              User.mobile.contains(q, autoescape=True)))
    if wanted.department_id:
        stmt = stmt.where(or_(User.department_id == wanted.department_id,
                              Team.department_id == wanted.department_id))
    if wanted.role:
        stmt = stmt.where(User.role == wanted.role)
    stmt = stmt.order_by(User.active.desc(), User.employee_no)
    return db.paginate(stmt, page=max(wanted.page, 1), per_page=USERS_PER_PAGE, error_out=False)


# --- the enterprise's settings --------------------------------------------------------------

@dataclass
class SettingsData:
    name: str
    timezone: str
    scoring_method: str
    lec_red_min: float
    lec_orange_min: float
    lec_yellow_min: float
    ls_red_min: int
    ls_orange_min: int
    ls_yellow_min: int
    general_fix_days: int
    major_fix_days: int
    briefing_late_minutes: int
    workday_start: time
    check_within_hours: int | None = None
    certificate_warning_days: int = 60


# "Complete within N hours" of a shift or day: at most a day.
MAX_CHECK_WITHIN_HOURS = 24
# The deadline the assign form proposes: at most a year ahead.
MAX_FIX_DAYS = 365
FIX_DAYS_FIELDS = ("general_fix_days", "major_fix_days")
# A briefing not started this long after its shift's start is missing: at most four hours.
MAX_BRIEFING_LATE_MINUTES = 240
BRIEFING_FIELDS = ("briefing_late_minutes", "workday_start")
# A certificate is told of this many days before it expires: at most a year.
MAX_CERTIFICATE_WARNING_DAYS = 365

BAND_FIELDS = ("lec_red_min", "lec_orange_min", "lec_yellow_min",
               "ls_red_min", "ls_orange_min", "ls_yellow_min")


def _valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _band_errors(red, orange, yellow, prefix: str, top: float | None) -> dict:
    """Red above orange above yellow above zero (and LS within its 1–25 range)."""
    if None in (red, orange, yellow) or not red > orange > yellow > 0 or (top and red > top):
        message = (_l("Each lower bound must be above the next: red > orange > yellow > 0.")
                   if not top else
                   _l("Each lower bound must be above the next: 25 ≥ red > orange > yellow > 0."))
        return {f"{prefix}_red_min": message}
    return {}


def update_settings(enterprise: Enterprise, data: SettingsData, actor_id: int) -> Enterprise:
    """Saves the settings. Existing risk points keep their grade here: regrading them
    under new bands is the risk points area's decision, not a side effect of this."""
    name, tz = data.name.strip(), data.timezone.strip()
    errors = {}
    if not name:
        errors["name"] = _l("Please enter a name.")
    if not _valid_timezone(tz):
        errors["timezone"] = _l("Unknown time zone. Use a name such as Asia/Shanghai.")
    scoring_method = ScoringMethod.lookup(data.scoring_method)
    if scoring_method is None:
        errors["scoring_method"] = _l("Please choose LEC or LS.")
    errors |= _band_errors(data.lec_red_min, data.lec_orange_min, data.lec_yellow_min, "lec", None)
    errors |= _band_errors(data.ls_red_min, data.ls_orange_min, data.ls_yellow_min, "ls", 25)
    if data.check_within_hours is not None and not (
            1 <= data.check_within_hours <= MAX_CHECK_WITHIN_HOURS):
        errors["check_within_hours"] = _l("Enter whole hours from 1 to %(max)s, or leave it "
                                          "empty.", max=MAX_CHECK_WITHIN_HOURS)
    for key in FIX_DAYS_FIELDS:
        if not 1 <= getattr(data, key) <= MAX_FIX_DAYS:
            errors[key] = _l("Enter whole days from 1 to %(max)s.", max=MAX_FIX_DAYS)
    if not 0 <= data.briefing_late_minutes <= MAX_BRIEFING_LATE_MINUTES:
        errors["briefing_late_minutes"] = _l("Enter whole minutes from 0 to %(max)s.",
                                             max=MAX_BRIEFING_LATE_MINUTES)
    if not 1 <= data.certificate_warning_days <= MAX_CERTIFICATE_WARNING_DAYS:
        errors["certificate_warning_days"] = _l("Enter whole days from 1 to %(max)s.",
                                                max=MAX_CERTIFICATE_WARNING_DAYS)
    _refuse_if(errors)
    values = {"name": name, "timezone": tz, "scoring_method": scoring_method,
              "check_within_hours": data.check_within_hours,
              "certificate_warning_days": data.certificate_warning_days,
              **{key: getattr(data, key) for key in BAND_FIELDS + FIX_DAYS_FIELDS + BRIEFING_FIELDS}}
    before = {key: getattr(enterprise, key) for key in values}
    for key, value in values.items():
        setattr(enterprise, key, value)
    changed = {key: _as_json(value) for key, value in values.items() if before[key] != value}
    if changed:
        audit.record(enterprise.id, actor_id, "enterprise.settings_updated", enterprise,
                     before={key: _as_json(before[key]) for key in changed}, **changed)
    return enterprise


def _as_json(value):
    # The audit log's detail is JSON: a time of day is kept as "08:00".
    return value.strftime("%H:%M") if isinstance(value, time) else value


# --- the working-day calendar ---------------------------------------------------------------

def calendar_days(enterprise_id: int, year: int | None = None) -> list[CalendarDay]:
    """The enterprise's holidays and make-up days by date, of one year or of all."""
    stmt = select(CalendarDay).where(CalendarDay.enterprise_id == enterprise_id)
    if year is not None:
        stmt = stmt.where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(stmt.order_by(CalendarDay.day)))


def working_calendar(enterprise_id: int) -> tuple[set[date], set[date]]:
    """(holidays, make-up days) of the enterprise, for blueprints.common.workdays."""
    holidays, makeup_days = set(), set()
    for row in calendar_days(enterprise_id):
        (makeup_days if row.kind is DayKind.MAKEUP else holidays).add(row.day)
    return holidays, makeup_days


def due_after_working_days(enterprise_id: int, start: date, days: int) -> date:
    """The day on which `days` of the enterprise's working days after start have passed."""
    return workdays.add_working_days(start, days, *working_calendar(enterprise_id))


def save_calendar_day(enterprise_id: int, day: date | None, kind: str, name: str,
                      actor_id: int) -> CalendarDay:
    """Adds a holiday (any day) or a make-up working day (a Saturday or Sunday only: a
    weekday is worked anyway). A date is listed once."""
    name = (name or "").strip()
    errors = {}
    kind = DayKind.lookup(kind)
    if kind is None:
        errors["kind"] = _l("Please choose a holiday or a make-up working day.")
    if day is None:
        errors["day"] = _l("Please give a date.")
    elif db.session.scalar(select(CalendarDay.id).where(
            CalendarDay.enterprise_id == enterprise_id, CalendarDay.day == day)):
        errors["day"] = _l("%(day)s is already listed. Delete it first to change it.",
                           day=day.isoformat())
    elif kind is DayKind.MAKEUP and workdays.is_working_day(day, set(), set()):
        errors["day"] = _l("%(day)s is a weekday, which is a working day anyway. Make-up "
                           "working days are Saturdays or Sundays.", day=day.isoformat())
    _refuse_if(errors)
    row = CalendarDay(enterprise_id=enterprise_id, day=day, kind=kind, name=name)
    db.session.add(row)
    db.session.flush()
    audit.record(enterprise_id, actor_id, "calendar_day.created", row, day=day.isoformat(),
                 kind=kind.value, name=name)
    return row


def delete_calendar_day(row: CalendarDay, actor_id: int) -> None:
    audit.record(row.enterprise_id, actor_id, "calendar_day.deleted", row,
                 day=row.day.isoformat(), kind=row.kind.value, name=row.name)
    db.session.delete(row)
    db.session.flush()
