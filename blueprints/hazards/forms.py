"""Forms of the hazard pages: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput

from blueprints.common.inputs import MAX_YUAN, within_calendar
from blueprints.hazards.models import MAJOR_CRITERIA, HazardCategory, HazardGrade

_REQUIRED = _l("Please fill this in.")


def _department_name(user, department_id):
    department = user.effective_department
    if department is None:
        return _l("No department")
    if department.id == department_id:
        return _l("%(name)s (the hazard's department)", name=department.name)
    return department.name


def people_choices(people, department_id):
    """The people (as assignable_people orders them) under their department's name, the
    hazard's department (`department_id`) marked."""
    return [SelectChoice("", _l("Choose a person")),
            *(SelectChoice(str(u.id), f"{u.name} · {u.role.label}",
                           optgroup=_department_name(u, department_id)) for u in people)]


def set_report_choices(form, points, departments):
    form.risk_point_id.choices = [SelectChoice("", _l("None")),
                                  *(SelectChoice(str(p.id), f"{p.code} {p.name}") for p in points)]
    form.department_id.choices = [SelectChoice(str(d.id), d.name) for d in departments]


class ReportForm(FlaskForm):
    description = TextAreaField(_l("What is wrong?"), validators=[InputRequired(_REQUIRED),
                                                                   Length(max=2000)])
    location = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=200)])
    risk_point_id = SelectField(_l("Risk point (optional)"), validate_choice=False)
    department_id = SelectField(_l("Department"), validate_choice=False)
    category = SelectField(_l("Category"), choices=HazardCategory.choices(),
                           default=HazardCategory.ONSITE.value)
    photo = FileField(_l("Photo"))
    client_uuid = HiddenField()


class AssignForm(FlaskForm):
    assignee_id = SelectField(_l("Responsible person"), validate_choice=False,
                              validators=[InputRequired(_REQUIRED)])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(_REQUIRED), within_calendar])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class GradeForm(FlaskForm):
    grade = SelectField(_l("Hazard grade"), choices=HazardGrade.choices())
    # Ticked boxes: the services refuse a major grade without one, and unknown ones.
    criteria = SelectMultipleField(
        _l("Basis for judging it major"), option_widget=CheckboxInput(), validate_choice=False,
        choices=[SelectChoice(key, label) for key, label in MAJOR_CRITERIA.items()],
        description=_l("Required when the hazard is judged major."))
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_REQUIRED), Length(max=2000)])


class CategoryForm(FlaskForm):
    category = SelectField(_l("Category"), choices=HazardCategory.choices())
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_REQUIRED), Length(max=2000)])


class PlanForm(FlaskForm):
    measures = TextAreaField(_l("Measures"), validators=[InputRequired(_REQUIRED), Length(max=4000)])
    responsible_user_id = SelectField(_l("Responsible person"), validate_choice=False,
                                      validators=[InputRequired(_REQUIRED)])
    funds = DecimalField(_l("Funds (yuan)"), places=2, render_kw={"inputmode": "decimal"},
                         validators=[InputRequired(_REQUIRED), NumberRange(min=0, max=MAX_YUAN)])
    deadline = DateField(_l("Deadline"), validators=[InputRequired(_REQUIRED), within_calendar])
    contingency_plan = TextAreaField(_l("Contingency plan"),
                                     validators=[InputRequired(_REQUIRED), Length(max=4000)])


class DecisionForm(FlaskForm):
    """Approve or refuse: the pressed button's name="decision" carries the choice."""
    note = TextAreaField(_l("Note (required when refusing)"),
                         validators=[Optional(), Length(max=2000)])


class RectifyForm(FlaskForm):
    measure = TextAreaField(_l("Measure taken"), validators=[InputRequired(_REQUIRED),
                                                              Length(max=2000)])
    photo = FileField(_l("Photo after rectification"))
    funds = DecimalField(_l("Funds spent (yuan, optional)"), places=2, render_kw={"inputmode": "decimal"},
                         validators=[Optional(), NumberRange(min=0, max=MAX_YUAN)])
    client_uuid = HiddenField()


class VerifyForm(FlaskForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
    # Only on a major hazard with no regulator report recorded (removed otherwise).
    unreported_reason = TextAreaField(
        _l("Reason for closing without a report to the regulator"),
        validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("Photo (optional)"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Why is the rectification not accepted?"),
                           validators=[InputRequired(_REQUIRED), Length(max=2000)])


class ExtensionForm(FlaskForm):
    new_deadline = DateField(_l("New deadline"),
                             validators=[InputRequired(_REQUIRED), within_calendar])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(_REQUIRED), Length(max=2000)])


class RegulatorForm(FlaskForm):
    reported_at = DateTimeLocalField(_l("Reported at"), format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired(_REQUIRED), within_calendar])
    method = StringField(_l("How (e.g. provincial online system, phone)"),
                         validators=[InputRequired(_REQUIRED), Length(max=200)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
