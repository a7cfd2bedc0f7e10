"""The check records (隐患排查记录): every item answered at every check of a period, with
who checked, when, whether the point's code was scanned, and the result; what proves a
check was done at the point (弄虚作假 is the offence the rules name most). A year of a big
plant's checks is a million rows: the Excel file streams them, the page shows a window."""
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from blueprints.common.excel import Column, Sheet
from blueprints.common.extensions import db
from blueprints.common.ledger import LocalTime, heading
from blueprints.hazards.models import Hazard
from blueprints.inspections.models import AnswerResult, Inspection, InspectionAnswer, Scan
from blueprints.inspections.services import TYPED, visible_inspections
from blueprints.org.models import Enterprise, Team, User
from blueprints.risk_points.models import ChecklistItem, RiskPoint, frequency_label

CHUNK = 1000  # answers read at a time, with one statement for their hazards
# The longest period one Excel file holds: a year of a big plant (about 200,000 answers)
# takes some 45 s to write, within a proxy's usual minute.
EXPORT_DAYS = 366

COLUMNS = [
    Column(_l("No."), 7), Column(_l("Checked at"), 16), Column(_l("Code"), 10), Column(_l("Risk point"), 18),
    Column(_l("Responsible team"), 12), Column(_l("Check level"), 12), Column(_l("Frequency"), 10),
    Column(_l("Checked by"), 10), Column(_l("Employee no."), 10), Column(_l("QR scan"), 14),
    Column(_l("Check item"), 30), Column(_l("Check result"), 8), Column(_l("Note"), 24),
    Column(_l("Photo"), 6),
    Column(_l("Hazard raised"), 8)]
POINT_COLUMN = 3
SCANNED, SCANNED_OFFLINE = _l("Scanned"), _l("Scanned offline")
NOT_SCANNED, CODE_TYPED = _l("Not scanned"), _l("Code typed from the label")
YES, NO = _l("Yes"), _l("No")


@dataclass
class RecordFilter:
    start: date
    end: date
    department_id: int | None = None
    team_id: int | None = None
    point_id: int | None = None
    abnormal_only: bool = False
    unscanned_only: bool = False


def _where(stmt, user: User, wanted: RecordFilter, local: LocalTime):
    since, until = local.bounds(wanted.start, wanted.end)
    stmt = stmt.where(visible_inspections(user), Inspection.done_at >= since, Inspection.done_at < until)
    if wanted.department_id:
        stmt = stmt.where(RiskPoint.department_id == wanted.department_id)
    if wanted.team_id:
        stmt = stmt.where(RiskPoint.team_id == wanted.team_id)
    if wanted.point_id:
        stmt = stmt.where(Inspection.risk_point_id == wanted.point_id)
    if wanted.abnormal_only:
        stmt = stmt.where(InspectionAnswer.result == AnswerResult.ABNORMAL)
    if wanted.unscanned_only:
        stmt = stmt.where(Inspection.no_scan.is_(True))
    return stmt


def _joined(stmt):
    return (stmt.join(Inspection, Inspection.id == InspectionAnswer.inspection_id)
            .join(RiskPoint, RiskPoint.id == Inspection.risk_point_id))


def statement(user: User, wanted: RecordFilter, local: LocalTime):
    """Each answer the user may see of the period's checks, oldest check first."""
    stmt = (_joined(select(
        Inspection.id, Inspection.done_at, RiskPoint.code, RiskPoint.name, Team.name, Inspection.level,
        Inspection.frequency_key, User.name, User.employee_no, Inspection.no_scan, Scan.source,
        ChecklistItem.id, ChecklistItem.text, InspectionAnswer.result, InspectionAnswer.note,
        InspectionAnswer.photo_id))
        .outerjoin(Team, Team.id == RiskPoint.team_id)
        .join(User, User.id == Inspection.user_id)
        .outerjoin(Scan, Scan.id == Inspection.scan_id)
        .join(ChecklistItem, ChecklistItem.id == InspectionAnswer.item_id))
    return _where(stmt, user, wanted, local).order_by(Inspection.done_at, Inspection.id, InspectionAnswer.id)


def count(user: User, wanted: RecordFilter, local: LocalTime) -> int:
    return db.session.scalar(_where(_joined(select(func.count(InspectionAnswer.id))), user, wanted, local))


def _scan(no_scan: bool, source: str | None):
    if source == TYPED:
        return CODE_TYPED
    if no_scan or source is None:
        return NOT_SCANNED
    return SCANNED_OFFLINE if source == "offline" else SCANNED


def rows(stmt, local: LocalTime, first: int = 1):
    """(inspection id, ledger row) for each answer of the statement, read CHUNK at a time."""
    number = first
    for chunk in db.session.execute(stmt.execution_options(yield_per=CHUNK)).partitions():
        raised = {(inspection_id, item_id) for inspection_id, item_id in db.session.execute(
            select(Hazard.inspection_id, Hazard.checklist_item_id).where(
                Hazard.inspection_id.in_({row[0] for row in chunk})))}
        for (inspection_id, done_at, code, point, team, level, frequency_key, checker, employee_no, no_scan,
             source, item_id, item, result, note, photo_id) in chunk:
            yield inspection_id, [
                number, local(done_at), code, point, team or "", level.label, frequency_label(frequency_key),
                checker, employee_no, _scan(no_scan, source), item, result.label, note,
                YES if photo_id else "", YES if (inspection_id, item_id) in raised else ""]
            number += 1


def sheet(enterprise: Enterprise, wanted: RecordFilter, records) -> Sheet:
    title = _l("Check records")
    return Sheet(title, heading(enterprise.name, title, wanted.start, wanted.end), COLUMNS, records,
                 link_column=POINT_COLUMN)


def check_count(user: User, wanted: RecordFilter, local: LocalTime) -> int:
    """How many checks (not answers) the filter's rows come from: a figure of the statistics."""
    stmt = select(func.count(Inspection.id)).join(RiskPoint, RiskPoint.id == Inspection.risk_point_id)
    return db.session.scalar(_where(stmt, user, replace(wanted, abnormal_only=False), local))
