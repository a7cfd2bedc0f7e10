from blueprints.common.extensions import db
from blueprints.org.models import AuditLog


def record(enterprise_id: int, actor_id: int | None, action: str, subject, **detail) -> None:
    db.session.add(AuditLog(enterprise_id=enterprise_id, actor_id=actor_id, action=action,
                            subject_type=subject.__tablename__, subject_id=subject.id,
                            detail=detail))
