"""The summary's forms: they parse and bound the input; the rules are in services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from blueprints.summaries.services import MAX_COMMENTS


class CommentsForm(FlaskForm):
    comments = TextAreaField(_l("Comments"), validators=[Length(max=MAX_COMMENTS)])
