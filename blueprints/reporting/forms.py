"""Forms of the report pages: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput

from blueprints.hazards.models import MAJOR_CRITERIA, HazardCategory, HazardGrade
from blueprints.reporting.models import ReportKind

_REQUIRED = _l("Please fill this in.")


class ReportForm(FlaskForm):
    kind = RadioField(_l("What is it?"), choices=ReportKind.choices(), validate_choice=False)
    photo = MultipleFileField(_l("Photo"))
    description = TextAreaField(_l("What is wrong? (a few words, or speak)"),
                                validators=[Optional(), Length(max=2000)])
    risk_point_id = SelectField(_l("Risk point"), validate_choice=False)
    location = StringField(_l("Or type the place"), validators=[Optional(), Length(max=200)])
    client_uuid = HiddenField()


def set_point_choices(form, points):
    form.risk_point_id.choices = [SelectChoice("", _l("Not at a risk point")),
                                  *(SelectChoice(str(p.id), f"{p.code} {p.name}") for p in points)]


class AcceptForm(FlaskForm):
    description = TextAreaField(_l("The hazard, as it will be recorded"),
                                validators=[InputRequired(_REQUIRED), Length(max=2000)])
    department_id = SelectField(_l("Department"), validate_choice=False)
    grade = SelectField(_l("Hazard grade"), choices=HazardGrade.choices(), default=HazardGrade.GENERAL.value)
    criteria = SelectMultipleField(
        _l("Basis for judging it major"), option_widget=CheckboxInput(), validate_choice=False,
        choices=[SelectChoice(key, label) for key, label in MAJOR_CRITERIA.items()],
        description=_l("Required when the hazard is judged major."))
    basis = TextAreaField(_l("Reason for judging it major"), validators=[Optional(), Length(max=2000)])
    category = SelectField(_l("Category"), choices=HazardCategory.choices(),
                           default=HazardCategory.ONSITE.value)


class DuplicateForm(FlaskForm):
    hazard_id = RadioField(_l("The open hazard it repeats"), validate_choice=False,
                           validators=[InputRequired(_l("Choose the hazard it repeats."))])
    note = TextAreaField(_l("Note for the reporter (optional)"), validators=[Optional(), Length(max=2000)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why it is not accepted (the reporter reads this)"),
                           validators=[InputRequired(_REQUIRED), Length(max=2000)])


_MONEY = {"places": 2, "render_kw": {"inputmode": "decimal"}}


class DecisionForm(FlaskForm):
    amount = DecimalField(_l("Amount (yuan)"), validators=[InputRequired(_REQUIRED), NumberRange(min=0)],
                          **_MONEY)
    points = IntegerField(_l("Points"), render_kw={"inputmode": "numeric"},
                          validators=[InputRequired(_REQUIRED), NumberRange(min=0)])
    bonus = DecimalField(_l("Bonus (yuan)"), default=0, validators=[Optional(), NumberRange(min=0)], **_MONEY)
    reason = TextAreaField(_l("Reason (required for a change or a bonus)"),
                           validators=[Optional(), Length(max=2000)])


class SettingsForm(FlaskForm):
    general_amount = DecimalField(_l("General hazard: amount (yuan)"), validators=[InputRequired(_REQUIRED)],
                                  **_MONEY)
    general_points = IntegerField(_l("General hazard: points"), validators=[InputRequired(_REQUIRED)],
                                  render_kw={"inputmode": "numeric"})
    major_amount = DecimalField(_l("Major hazard: amount (yuan)"), validators=[InputRequired(_REQUIRED)],
                                **_MONEY)
    major_points = IntegerField(_l("Major hazard: points"), validators=[InputRequired(_REQUIRED)],
                                render_kw={"inputmode": "numeric"})
    answer_hours = IntegerField(_l("Answer a report within (hours)"), validators=[InputRequired(_REQUIRED)],
                                render_kw={"inputmode": "numeric"})
    decision_working_days = IntegerField(_l("Decide a reward within (working days)"),
                                         validators=[InputRequired(_REQUIRED)],
                                         render_kw={"inputmode": "numeric"})


class PublicReportForm(FlaskForm):
    kind = RadioField(_l("What is it?"), choices=ReportKind.choices(), validate_choice=False)
    photo = MultipleFileField(_l("Photo"))
    description = TextAreaField(_l("What is wrong? (a few words, or speak)"),
                                validators=[Optional(), Length(max=2000)])
    location = StringField(_l("Where is it?"), validators=[Optional(), Length(max=200)])
    contact = StringField(_l("How to reach you (optional: phone or WeChat)"),
                          description=_l("Only the safety director sees it. You may leave it empty."),
                          validators=[Optional(), Length(max=100)])
    # Never shown to people (see the template): a bot that fills in every field fills it.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])


class ReceiptForm(FlaskForm):
    receipt = StringField(_l("Receipt code"), validators=[InputRequired(_REQUIRED), Length(max=20)])
