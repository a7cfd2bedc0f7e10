"""Forms of the risk point pages: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.common.inputs import optional_id
from blueprints.risk_points import grading
from blueprints.risk_points.models import ControlLevel, Grade, RiskKind
from blueprints.risk_points.services import ItemData, RiskPointData
from blueprints.training.models import CertificateKind, Operation

_REQUIRED = _l("Please fill this in.")

# The meaning of each standard value, as the LEC and LS tables print them.
LEC_L_MEANINGS = {10: _l("Certain to happen"), 6: _l("Quite possible"),
                  3: _l("Possible, but not often"), 1: _l("Unlikely, would be a surprise"),
                  0.5: _l("Very unlikely, but imaginable"), 0.2: _l("Extremely unlikely"),
                  0.1: _l("Practically impossible")}
LEC_E_MEANINGS = {10: _l("Exposed continuously"), 6: _l("Exposed every working day"),
                  3: _l("Exposed weekly or now and then"), 2: _l("Exposed once a month"),
                  1: _l("Exposed a few times a year"), 0.5: _l("Exposed very rarely")}
LEC_C_MEANINGS = {100: _l("Catastrophe, many deaths"), 40: _l("Disaster, several deaths"),
                  15: _l("Very serious, one death"), 7: _l("Serious, severe injury"),
                  3: _l("Major, disabling injury"), 1: _l("Noticeable, needs first aid")}
LS_L_MEANINGS = {1: _l("Almost impossible"), 2: _l("Unlikely"), 3: _l("Possible"),
                 4: _l("Likely"), 5: _l("Almost certain")}
LS_S_MEANINGS = {1: _l("Slight, no injury"), 2: _l("Minor injury"), 3: _l("Severe injury"),
                 4: _l("One death"), 5: _l("Several deaths")}


def _number(value):
    """A submitted number, or None for anything else (the grading refuses it then)."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _whole(value):
    number = _number(value)
    return int(number) if number is not None and number.is_integer() else None


def _score_field(label, coerce):
    # validate_choice=False: a value off the list reaches the grading, which names the problem.
    return SelectField(label, coerce=coerce, validate_choice=False)


# field name: (standard values, their meanings)
SCORE_SCALES = {
    "lec_l": (grading.LEC_L_VALUES, LEC_L_MEANINGS),
    "lec_e": (grading.LEC_E_VALUES, LEC_E_MEANINGS),
    "lec_c": (grading.LEC_C_VALUES, LEC_C_MEANINGS),
    "ls_l": (grading.LS_VALUES, LS_L_MEANINGS),
    "ls_s": (grading.LS_VALUES, LS_S_MEANINGS),
}


class RiskPointForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(_REQUIRED), Length(max=32)])
    name = StringField(_l("Name"), validators=[InputRequired(_REQUIRED), Length(max=200)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Risk category"), default=RiskKind.EQUIPMENT.value, choices=RiskKind.choices())
    department_id = SelectField(_l("Responsible department"), coerce=optional_id,
                                validators=[InputRequired(_REQUIRED)])
    team_id = SelectField(_l("Responsible team"), coerce=optional_id)
    responsible_user_id = SelectField(_l("Responsible person"), coerce=optional_id)
    control_level = SelectField(_l("Control level"), default=ControlLevel.TEAM.value,
                                choices=ControlLevel.choices())
    control_reason = TextAreaField(
        _l("Reason for a lower control level"), validators=[Length(max=2000)],
        description=_l("Only when the control level is below the lowest for the grade: major "
                       "risk company, significant risk department, general risk team, low "
                       "risk post."))
    hazard_factors = TextAreaField(_l("Hazard factors"), validators=[Length(max=5000)])
    accident_types = TextAreaField(_l("Possible accident types"), validators=[Length(max=5000)])
    control_measures = TextAreaField(_l("Control measures"), validators=[Length(max=5000)])
    required_certificate = SelectField(
        _l("Certificate needed for the team check"), default="",
        choices=[SelectChoice("", _l("None")), *CertificateKind.choices()],
        description=_l("Only someone holding it valid may do the team check (持证上岗)."))
    required_operation = SelectField(_l("Operation (special operation certificate)"), default="",
                                     choices=[SelectChoice("", "—"), *Operation.choices()])
    lec_l = _score_field(_l("L: likelihood"), _number)
    lec_e = _score_field(_l("E: exposure"), _number)
    lec_c = _score_field(_l("C: consequence"), _number)
    ls_l = _score_field(_l("L: likelihood"), _whole)
    ls_s = _score_field(_l("S: severity"), _whole)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labelled here, in the request, so that they come out in the user's language.
        for name, (values, meanings) in SCORE_SCALES.items():
            self[name].choices = [SelectChoice("", "—"),
                                  *(SelectChoice(v, f"{v} · {meanings[v]}") for v in values)]

    def set_choices(self, departments, teams, users) -> None:
        """Only the enterprise's own rows can be picked."""
        none = SelectChoice("", "—")
        self.department_id.choices = [SelectChoice(d.id, d.name) for d in departments]
        self.team_id.choices = [none, *(SelectChoice(t.id, f"{t.name} · {t.department.name}")
                                        for t in teams)]
        self.responsible_user_id.choices = [none, *(SelectChoice(u.id, f"{u.name} {u.employee_no}")
                                                    for u in users)]

    def data_for(self) -> RiskPointData:
        return RiskPointData(
            code=self.code.data.strip(), name=self.name.data.strip(),
            location=(self.location.data or "").strip(), kind=self.kind.data,
            department_id=self.department_id.data,
            team_id=self.team_id.data, responsible_user_id=self.responsible_user_id.data,
            control_level=self.control_level.data,
            control_reason=self.control_reason.data or "",
            hazard_factors=self.hazard_factors.data or "",
            accident_types=self.accident_types.data or "",
            control_measures=self.control_measures.data or "",
            required_certificate=self.required_certificate.data or "",
            required_operation=self.required_operation.data or "",
            lec=score_values(self, "lec"), ls=score_values(self, "ls"))


def score_values(form, method: str):
    """(L, E, C) or (L, S) as picked; None when any is missing."""
    names = ("lec_l", "lec_e", "lec_c") if method == "lec" else ("ls_l", "ls_s")
    values = tuple(form[name].data for name in names)
    return None if None in values else values


class OverrideForm(FlaskForm):
    grade = SelectField(_l("Grade"), choices=[
        SelectChoice("", _l("No override: use the computed grade")),
        *Grade.choices()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)], description=_l(
        "For example: a serious accident happened here and the conditions remain; a major "
        "hazard installation; a mandatory standard is not met."))


# --- the checklist editor: a list of item cards posted as items-<n>-<field> ------------------

ITEM_FIELDS = ("text", "standard", "frequency", "every_hours", "level")


def items_from_form(form) -> list[ItemData]:
    """The items in the order posted (the page numbers them 0, 1, 2 ...)."""
    numbers = sorted({int(key.split("-")[1]) for key in form
                      if key.startswith("items-") and key.count("-") == 2
                      and key.split("-")[1].isdigit()})
    items = []
    for n in numbers:
        value = {name: form.get(f"items-{n}-{name}", "") for name in ITEM_FIELDS}
        items.append(ItemData(text=value["text"].strip()[:2000],
                              standard=value["standard"].strip()[:2000],
                              frequency=value["frequency"], level=value["level"],
                              every_hours=_whole(value["every_hours"])))
    return items


def rearranged(items: list[ItemData], action: str) -> list[ItemData]:
    """Applies "add", "remove-N", "up-N" or "down-N" to the items being edited."""
    items = list(items)
    verb, _sep, number = action.partition("-")
    n = int(number) if number.isdigit() else -1
    if verb == "add":
        items.append(ItemData(text=""))
    elif verb == "remove" and 0 <= n < len(items):
        del items[n]
    elif verb == "up" and 0 < n < len(items):
        items[n - 1], items[n] = items[n], items[n - 1]
    elif verb == "down" and 0 <= n < len(items) - 1:
        items[n], items[n + 1] = items[n + 1], items[n]
    return items
