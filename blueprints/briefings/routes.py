"""The morning briefing's pages: the leader's screen (start, run, close), the worker's
sign-in, the records (history, one briefing and its print, today at a glance) and the
safety officer's templates."""
from flask import Blueprint

bp = Blueprint("briefings", __name__, url_prefix="/briefings")
