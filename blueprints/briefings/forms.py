"""Forms of the briefing area: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import Optional

from blueprints.briefings.models import BriefingStep
from blueprints.briefings.services import MAX_MINUTES, MIN_MINUTES


class TemplateForm(FlaskForm):
    """A team's briefing template: its least length, and one textarea of prompts per step,
    named by the step's value (the name save_template's refusals give)."""
    min_minutes = IntegerField(_l("Least length of the briefing, in minutes"), validators=[Optional()],
                               render_kw={"inputmode": "numeric", "min": MIN_MINUTES, "max": MAX_MINUTES})

    def prompts(self) -> dict[BriefingStep, list[str]]:
        return {step: (self[step.value].data or "").splitlines() for step in BriefingStep}

    def fill(self, min_minutes: int, prompts: dict[BriefingStep, list[str]]) -> None:
        self.min_minutes.data = min_minutes
        for step in BriefingStep:
            self[step.value].data = "\n".join(prompts.get(step, []))


for _step in BriefingStep:
    setattr(TemplateForm, _step.value, TextAreaField(
        _step.label, description=_l("One per line.") if _step != BriefingStep.STATE else
        _l("One per line: the 班前三查, clothing, protective equipment and state of mind."),
        render_kw={"rows": 4}))
