"""The hazard's life. Plain data in, rows out; the caller commits."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import (Hazard, HazardCategory, HazardEvent, HazardGrade,
                                       HazardState)
from blueprints.org.models import User


@dataclass
class HazardReport:
    description: str
    department_id: int
    team_id: int | None = None
    risk_point_id: int | None = None
    inspection_id: int | None = None
    checklist_item_id: int | None = None
    location: str = ""
    photo_id: int | None = None
    grade: str = HazardGrade.GENERAL.value
    category: str = HazardCategory.ONSITE.value
    found_at: datetime | None = None      # the phone's time when made offline
    client_uuid: str | None = None


def by_client_uuid(client_uuid: str | None) -> Hazard | None:
    if not client_uuid:
        return None
    return db.session.scalar(select(Hazard).where(Hazard.client_uuid == client_uuid))


def add_event(hazard: Hazard, kind: str, actor: User, note: str = "", photo_id: int | None = None,
              client_uuid: str | None = None, **data) -> HazardEvent:
    event = HazardEvent(enterprise_id=hazard.enterprise_id, hazard_id=hazard.id, kind=kind,
                        actor_id=actor.id, at=clock.now(), note=note, photo_id=photo_id,
                        client_uuid=client_uuid, data=data)
    db.session.add(event)
    db.session.flush()
    return event


def report_hazard(reporter: User, report: HazardReport) -> Hazard:
    """A repeat of the same client UUID returns the first hazard and creates nothing."""
    existing = by_client_uuid(report.client_uuid)
    if existing is not None:
        return existing
    hazard = Hazard(
        enterprise_id=reporter.enterprise_id, client_uuid=report.client_uuid,
        risk_point_id=report.risk_point_id, inspection_id=report.inspection_id,
        checklist_item_id=report.checklist_item_id, department_id=report.department_id,
        team_id=report.team_id, description=report.description, location=report.location,
        photo_id=report.photo_id, grade=report.grade, category=report.category,
        state=HazardState.REPORTED.value, reported_by_id=reporter.id,
        found_at=report.found_at or clock.now())
    db.session.add(hazard)
    db.session.flush()
    add_event(hazard, "reported", reporter, note=report.description, photo_id=report.photo_id)
    return hazard
