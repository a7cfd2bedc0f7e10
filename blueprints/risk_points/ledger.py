"""The risk register (风险分级管控清单), a row per active point with its check items and
standards, and the check-item list (隐患排查清单), a row per item of the points' current
checklists: what an inspector compares with the signs at the points."""
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.common.excel import Column, Sheet
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, ScoringMethod
from blueprints.risk_points.models import ChecklistItem, ChecklistVersion, RiskPoint

REGISTER_COLUMNS = [
    Column(_l("No."), 6), Column(_l("Code"), 10), Column(_l("Risk point"), 18),
    Column(_l("Risk category"), 10), Column(_l("Place"), 14), Column(_l("Assessment"), 16),
    Column(_l("Risk value"), 8),
    Column(_l("Risk grade"), 10), Column(_l("Control level"), 10), Column(_l("Hazard factors"), 28),
    Column(_l("Possible accident types"), 18), Column(_l("Control measures"), 30),
    Column(_l("Check items"), 30), Column(_l("Check standards"), 30),
    Column(_l("Responsible department"), 12), Column(_l("Responsible team"), 12),
    Column(_l("Responsible person"), 10)]
ITEM_COLUMNS = [
    Column(_l("No."), 6), Column(_l("Code"), 10), Column(_l("Risk point"), 18), Column(_l("Risk grade"), 10),
    Column(_l("Check item"), 30), Column(_l("Check standard"), 30), Column(_l("Frequency"), 10),
    Column(_l("Check level"), 12), Column(_l("Responsible department"), 12),
    Column(_l("Responsible team"), 12), Column(_l("Responsible person"), 10)]
DESCRIPTION_COLUMN = 2


def current_items(point_ids: list[int]) -> dict[int, list[ChecklistItem]]:
    """Each point's items of its latest checklist version, in order, in one statement."""
    latest = (select(ChecklistVersion.risk_point_id, func.max(ChecklistVersion.number).label("number"))
              .where(ChecklistVersion.risk_point_id.in_(point_ids))
              .group_by(ChecklistVersion.risk_point_id).subquery())
    items = db.session.execute(
        select(ChecklistVersion.risk_point_id, ChecklistItem)
        .join(ChecklistItem.version)
        .join(latest, (latest.c.risk_point_id == ChecklistVersion.risk_point_id)
              & (latest.c.number == ChecklistVersion.number))
        .order_by(ChecklistItem.position))
    found = defaultdict(list)
    for point_id, item in items:
        found[point_id].append(item)
    return found


def _numbered(lines: list[str]) -> str:
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, 1) if line)


def _assessment(point: RiskPoint) -> str:
    if point.scoring_method == ScoringMethod.LEC:
        return f"LEC: L={point.lec_l:g} E={point.lec_e:g} C={point.lec_c:g}"
    return f"LS: L={point.ls_l} S={point.ls_s}"


def _people(point: RiskPoint) -> list:
    return [point.department.name, point.team.name if point.team else "",
            point.responsible_user.name if point.responsible_user else ""]


def register_rows(found: list[RiskPoint], items: dict[int, list[ChecklistItem]]):
    for n, point in enumerate(found, 1):
        own = items.get(point.id, [])
        yield [n, point.code, point.name, point.kind.label, point.location, _assessment(point), point.score,
               point.grade.label, point.control_level.label, point.hazard_factors, point.accident_types,
               point.control_measures, _numbered([i.text for i in own]),
               _numbered([i.standard for i in own]), *_people(point)]


def item_rows(found: list[RiskPoint], items: dict[int, list[ChecklistItem]], level: str = ""):
    """(point id, row) for each item, of one check level when given."""
    n = 0
    for point in found:
        for item in items.get(point.id, []):
            if level and item.level != level:
                continue
            n += 1
            yield point.id, [n, point.code, point.name, point.grade.label, item.text, item.standard,
                             item.frequency_label, item.level.label, *_people(point)]


def _heading(enterprise: Enterprise, title, day) -> object:
    return _l("%(enterprise)s · %(ledger)s · as of %(day)s", enterprise=enterprise.name, ledger=title,
              day=day.isoformat())


def register_sheet(enterprise: Enterprise, found, items, day) -> Sheet:
    title = _l("Risk register")
    return Sheet(title, _heading(enterprise, title, day), REGISTER_COLUMNS, list(register_rows(found, items)),
                 link_column=DESCRIPTION_COLUMN)


def items_sheet(enterprise: Enterprise, found, items, day, level: str = "") -> tuple[Sheet, list[int]]:
    """The check-item list (of one check level when given), and the point of each row."""
    title = _l("Check-item list")
    pairs = list(item_rows(found, items, level))
    return (Sheet(title, _heading(enterprise, title, day), ITEM_COLUMNS, [row for _id, row in pairs],
                  link_column=DESCRIPTION_COLUMN), [point_id for point_id, _row in pairs])
