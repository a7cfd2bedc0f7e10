"""A summary's two steps, each a plain function that checks, changes, records and
flushes (the view commits): the director's comments on a draft, and making it final,
which stores the figures as they are then. A final summary is never changed."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from blueprints.common import audit, clock
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import User
from blueprints.summaries import figures, periods
from blueprints.summaries.models import Summary, SummaryKind
from blueprints.summaries.periods import Period
from blueprints.summaries.permissions import SUMMARIES

MAX_COMMENTS = 4000


def _draft(user: User, period: Period) -> Summary:
    return Summary(enterprise=user.enterprise, enterprise_id=user.enterprise_id, kind=period.kind,
                   start=period.start, end=period.end, comments="")


def summary_for(user: User, period: Period) -> Summary:
    """The enterprise's summary of the period: the one stored, or a new draft (unsaved)."""
    return summaries_for(user, [period])[0]


def summaries_for(user: User, listed: list[Period]) -> list[Summary]:
    """summary_for of each period, in one statement."""
    stored = {(row.kind, row.start): row for row in db.session.scalars(select(Summary).where(
        Summary.enterprise_id == user.enterprise_id, Summary.start.in_({p.start for p in listed})))}
    return [stored.get((p.kind, p.start)) or _draft(user, p) for p in listed]


def figures_of(summary: Summary, user: User) -> dict:
    """What the summary shows: the figures it was made final with, or today's."""
    return summary.figures if summary.is_final else figures.compute(user, summary.start, summary.end)


def _change_draft(summary: Summary, rule: str, **values) -> None:
    """Sets the values of a draft: a new one is stored; a stored one is changed only while it
    is still a draft in the database, so that a request made final meanwhile is never
    overwritten (409)."""
    if summary.id is None:
        for name, value in values.items():
            setattr(summary, name, value)
        db.session.add(summary)
    else:
        changed = db.session.execute(update(Summary).where(
            Summary.id == summary.id, Summary.final_at.is_(None)).values(**values))
        if changed.rowcount != 1:
            raise Refused(SUMMARIES.rules[rule].refused, status=409)
        db.session.refresh(summary)
    db.session.flush()


def save_comments(summary: Summary, user: User, comments: str) -> Summary:
    SUMMARIES.check(user, "comment", summary)
    comments = comments.strip()
    if len(comments) > MAX_COMMENTS:
        raise Refused(_l("At most %(count)s characters.", count=MAX_COMMENTS), "comments")
    _change_draft(summary, "comment", comments=comments, comments_by_id=user.id, comments_at=clock.now())
    audit.record(summary.enterprise_id, user.id, "summary.comments", summary)
    db.session.flush()
    return summary


def make_final(summary: Summary, user: User) -> None:
    """Stores the figures as they are now, with the comments, for good."""
    SUMMARIES.check(user, "make_final", summary)
    _change_draft(summary, "make_final", figures=figures.compute(user, summary.start, summary.end),
                  final_by_id=user.id, final_at=clock.now())
    audit.record(summary.enterprise_id, user.id, "summary.final", summary)
    db.session.flush()


def latest_notice(user: User, today) -> tuple[Period, Summary] | None:
    """The monthly notice posted last, if it is of last month or this one: what the home
    shows the workforce."""
    row = db.session.scalar(select(Summary).where(
        Summary.enterprise_id == user.enterprise_id, Summary.kind == SummaryKind.MONTH,
        Summary.final_at.is_not(None), Summary.start >= periods.of(SummaryKind.MONTH, today).before().start)
        .order_by(Summary.start.desc()).limit(1))
    return (periods.of(SummaryKind.MONTH, row.start), row) if row else None
