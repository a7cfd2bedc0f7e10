"""Scans and checks. Plain data in, rows out; the caller commits."""
from datetime import datetime

from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections.models import Scan
from blueprints.org.models import User
from blueprints.risk_points.models import QRToken


def record_scan(user: User, token: QRToken, user_agent: str, scanned_at: datetime | None = None,
                client_uuid: str | None = None, source: str = "link") -> Scan:
    """A scan is evidence of presence. A phone that scanned offline sends its own time
    and UUID later; the same UUID twice records one scan."""
    if client_uuid:
        existing = db.session.scalar(select(Scan).where(Scan.client_uuid == client_uuid))
        if existing is not None:
            return existing
    scan = Scan(enterprise_id=token.enterprise_id, client_uuid=client_uuid,
                risk_point_id=token.risk_point_id, token_id=token.id, user_id=user.id,
                scanned_at=scanned_at or clock.now(), user_agent=user_agent[:300], source=source)
    db.session.add(scan)
    db.session.flush()
    return scan
