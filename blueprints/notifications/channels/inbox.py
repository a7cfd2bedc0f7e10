"""The in-app inbox: the record of who was told what and when. Its unique key is the
inbox's claim, so writing the row and claiming the alert are one statement."""
from sqlalchemy.engine import Connection

from blueprints.notifications.escalation import Alert
from blueprints.notifications.models import Notification


def insert_ignore(connection: Connection, table, row: dict) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call made the row."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return connection.execute(insert(table).values(**row).on_conflict_do_nothing()).rowcount == 1


def record(connection: Connection, alert: Alert) -> list[int]:
    """Writes the alert into each recipient's inbox; returns whom it newly reached."""
    reached = []
    for user in alert.recipients:
        if insert_ignore(connection, Notification.__table__, dict(
                enterprise_id=alert.enterprise_id, user_id=user.id,
                subject_type=alert.subject_type, subject_id=alert.subject_id, rung=alert.rung,
                occurrence=alert.occurrence, title=alert.title, body=alert.body, url=alert.url,
                urgency=alert.urgency)):
            reached.append(user.id)
    return reached
