"""Forms of the org area: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TimeField,
)
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from blueprints.common.inputs import row_id, within_calendar
from blueprints.org.models import DayKind, Role, ScoringMethod
from blueprints.org.services import (
    MAX_BRIEFING_LATE_MINUTES,
    MAX_CERTIFICATE_WARNING_DAYS,
    MAX_CHECK_WITHIN_HOURS,
    MAX_FIX_DAYS,
)

_REQUIRED = _l("Please fill this in.")


class DepartmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_REQUIRED), Length(max=100)])


class TeamForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(_REQUIRED), Length(max=100)])
    department_id = SelectField(_l("Department"), coerce=row_id, validate_choice=False)


class ShiftForm(FlaskForm):
    name = StringField(_l("Shift name"), validators=[InputRequired(_REQUIRED), Length(max=50)])
    start = TimeField(_l("Starts"), validators=[InputRequired(_REQUIRED)])
    end = TimeField(_l("Ends"), validators=[InputRequired(_REQUIRED)],
                    description=_l("An end before the start means the shift runs past midnight."))


class UserForm(FlaskForm):
    employee_no = StringField(_l("Employee number"),
                              validators=[InputRequired(_REQUIRED), Length(max=32)])
    name = StringField(_l("Full name"), validators=[InputRequired(_REQUIRED), Length(max=50)])
    mobile = TelField(_l("Mobile number (optional)"), validators=[
        Optional(), Length(max=20),
        Regexp(r"^\+?[0-9][0-9 -]*$", message=_l("Please enter digits only."))])
    role = SelectField(_l("Role"), choices=Role.choices(),
                       default=Role.WORKER.value)
    # "t12" for team 12, "d3" for department 3: one choice, since a person is in one of them.
    unit = SelectField(_l("Team or department"), validate_choice=False)

    def set_units(self, departments, teams, current: str | None = None) -> None:
        """Active units grouped for the phone's picker, plus the person's current one."""
        in_teams, in_departments = _l("Teams"), _l("Departments (people not in a team)")
        self.unit.choices = [
            *(SelectChoice(f"t{t.id}", f"{t.name} · {t.department.name}", optgroup=in_teams)
              for t in teams if t.active or f"t{t.id}" == current),
            *(SelectChoice(f"d{d.id}", d.name, optgroup=in_departments)
              for d in departments if d.active or f"d{d.id}" == current)]

    def placement(self) -> tuple[int | None, int | None]:
        """(team id, department id) as chosen."""
        value = self.unit.data or ""
        number = int(value[1:]) if value[1:].isdigit() else None
        return (number, None) if value.startswith("t") else (None, number)


def set_departments(field, departments) -> None:
    field.choices = [SelectChoice(d.id, d.name) for d in departments]


def unit_value(user) -> str:
    return f"t{user.team_id}" if user.team_id else f"d{user.department_id}"


class NewUserForm(UserForm):
    password = PasswordField(_l("Initial password"), validators=[InputRequired(_REQUIRED),
                                                                 Length(max=128)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[InputRequired(_REQUIRED),
                                                             Length(max=128)])


class OwnPasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(_REQUIRED),
                                                                Length(max=128)])
    new = PasswordField(_l("New password"), validators=[InputRequired(_REQUIRED), Length(max=128)])
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(_REQUIRED), EqualTo("new", message=_l("The two new passwords differ."))])


def _band(label, field_class, inputmode):
    return field_class(label, validators=[InputRequired(_REQUIRED)],
                       render_kw={"inputmode": inputmode})


class SettingsForm(FlaskForm):
    name = StringField(_l("Enterprise name"), validators=[InputRequired(_REQUIRED),
                                                         Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[InputRequired(_REQUIRED), Length(max=64)])
    scoring_method = SelectField(_l("Risk scoring method"), choices=ScoringMethod.choices())
    lec_red_min = _band(_l("Red (major risk) from D ="), FloatField, "decimal")
    lec_orange_min = _band(_l("Orange (significant risk) from D ="), FloatField, "decimal")
    lec_yellow_min = _band(_l("Yellow (general risk) from D ="), FloatField, "decimal")
    ls_red_min = _band(_l("Red (major risk) from R ="), IntegerField, "numeric")
    ls_orange_min = _band(_l("Orange (significant risk) from R ="), IntegerField, "numeric")
    ls_yellow_min = _band(_l("Yellow (general risk) from R ="), IntegerField, "numeric")
    check_within_hours = IntegerField(
        _l("Shift and daily checks are due within this many hours of the start"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CHECK_WITHIN_HOURS},
        description=_l("Empty: by the end of the shift or day. For example 2: two hours into "
                       "the shift."))
    general_fix_days = IntegerField(_l("General hazards: days to rectify"),
                                    validators=[InputRequired(_REQUIRED)],
                                    render_kw={"inputmode": "numeric", "min": 1, "max": MAX_FIX_DAYS})
    major_fix_days = IntegerField(_l("Major hazards: days to rectify"),
                                  validators=[InputRequired(_REQUIRED)],
                                  render_kw={"inputmode": "numeric", "min": 1, "max": MAX_FIX_DAYS})
    briefing_late_minutes = IntegerField(
        _l("A briefing is missing when not started this many minutes after the shift starts"),
        validators=[InputRequired(_REQUIRED)],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_BRIEFING_LATE_MINUTES})
    certificate_warning_days = IntegerField(
        _l("Tell of a certificate this many days before it expires"),
        validators=[InputRequired(_REQUIRED)],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CERTIFICATE_WARNING_DAYS},
        description=_l("Its holder and the safety officer are told once; 60 days to begin with."))
    workday_start = TimeField(_l("Work starts at (teams without shifts)"),
                              validators=[InputRequired(_REQUIRED)],
                              description=_l("Their briefing is held before this time each day."))


class CalendarDayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired(_REQUIRED), within_calendar])
    kind = SelectField(_l("Kind of day"), choices=DayKind.choices(), default=DayKind.HOLIDAY.value)
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=100)],
                       description=_l("For example Spring Festival or National Day."))
