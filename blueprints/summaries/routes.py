"""The summaries: the quarterly reports and monthly notices of recent periods, and one
summary's page (printable, or in Excel) with the director's comments and, once its period
has ended, the button that makes it final."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import clock, excel, refusal
from blueprints.common.ledger import wants_excel
from blueprints.common.permissions import can
from blueprints.common.refusal import Refused
from blueprints.common.web import commit, save
from blueprints.summaries import figures, forms, periods, services, sheets
from blueprints.summaries.models import SummaryKind
from blueprints.summaries.permissions import READERS, SUMMARIES

bp = Blueprint("summaries", __name__)

# How many recent periods the list offers (older ones open by their URL).
RECENT = {SummaryKind.QUARTER: 8, SummaryKind.MONTH: 12}


@bp.route("/summaries")
def index():
    """The recent quarters and months with each one's state; for the workforce, the
    monthly notices posted."""
    today = clock.today(current_user.enterprise.timezone)
    listed = {}
    for kind in SummaryKind:
        recent = periods.recent(kind, today, RECENT[kind])
        rows = services.summaries_for(current_user, recent)
        listed[kind] = [(period, row) for period, row in zip(recent, rows, strict=True)
                        if SUMMARIES.sees(current_user, row)]
    return render_template("summaries/index.html", listed=listed, kinds=SummaryKind,
                           reader=current_user.has_role(*READERS), today=today)


def _period(kind: str, key: str) -> periods.Period:
    """The period the URL names; one of another form, or not begun yet, is not found."""
    member = SummaryKind.lookup(kind)
    found = periods.parse(member, key) if member else None
    if found is None or found.start > clock.today(current_user.enterprise.timezone):
        abort(404)
    return found


def _heading(period: periods.Period):
    return _("%(enterprise)s · %(summary)s · %(period)s", enterprise=current_user.enterprise.name,
             summary=period.kind.label, period=period.label)


def _seen(period: periods.Period):
    row = services.summary_for(current_user, period)
    if not SUMMARIES.sees(current_user, row):
        abort(404)
    return row


@bp.route("/summaries/<kind>/<key>", methods=["GET", "POST"])
def summary(kind, key):
    """The summary, printable or with ?format=xlsx in Excel; for the safety director while
    it is a draft, the comments form, and once the period has ended the final step."""
    period = _period(kind, key)
    row = _seen(period)
    form = forms.CommentsForm(obj=row)
    if save(form, lambda: services.save_comments(row, current_user, form.comments.data or "")):
        flash(_("Comments saved."), "success")
        return redirect(url_for("summaries.summary", kind=kind, key=key))
    found = services.figures_of(row, current_user)
    if wants_excel():
        return excel.download(f"{period.kind.value}-{period.key}.xlsx",
                              sheets.sheets(row, found, _heading(period)))
    return render_template("summaries/summary.html", period=period, summary=row, f=found,
                           label=figures.label, form=form, may_comment=can(current_user, "comment", row),
                           may_finalise=can(current_user, "make_final", row),
                           director=SUMMARIES.rules["make_final"].who(current_user, row)), refusal.status()


@bp.post("/summaries/<kind>/<key>/final")
def make_final(kind, key):
    """Stores the figures as they are now with the comments: the summary is final for good."""
    row = _seen(_period(kind, key))
    try:
        commit(lambda: services.make_final(row, current_user))
    except Refused as refused:
        return refusal.error_page(refused)
    flash(_("Made final. It is kept as it is now."), "success")
    return redirect(url_for("summaries.summary", kind=kind, key=key))
