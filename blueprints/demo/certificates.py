"""The demo enterprise's certificates, recorded through the same service as the safety
officer's screen: the 三项人员 hold theirs; the electrician W006 holds the 电工作业
certificate the 10kV switch room's team check needs, expiring within the warning (his
first, long lapsed, replaced by it); the tank farm leader T003's hazardous chemicals
certificate expired last week, which the director's home shows."""
from datetime import date, timedelta

from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, User
from blueprints.risk_points.models import RiskPoint
from blueprints.training import certificates
from blueprints.training.gate import local_today
from blueprints.training.models import CertificateKind, Operation

ISSUER = "济南市应急管理局"

# employee no, kind, operation, number, days from today to its last day
HELD = [
    ("P001", "principal", "", "ZF370100202300017", 800),
    ("S001", "manager", "", "AQ370100202200341", 400),
    ("S002", "manager", "", "AQ370100202400112", 1000),
    ("W006", "special", "electrical", "T370102198805162215", 40),
    ("T003", "special", "chemicals", "T370105199107203318", -6),
]


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def load_certificates(enterprise: Enterprise) -> None:
    users = {u.employee_no: u for u in db.session.scalars(
        select(User).where(User.enterprise_id == enterprise.id))}
    officer = users["S002"]
    today = local_today(officer)
    for number, kind, operation, paper_no, days in HELD:
        last_day = today + timedelta(days=days)
        replaces = None
        if number == "W006":
            replaces = certificates.record(officer, certificates.CertificateInput(
                user_id=users[number].id, kind=kind, operation=operation, number="T370102198805160001",
                issued_by=ISSUER, issued_on=_years_before(last_day, 12),
                expires_on=_years_before(last_day, 6)))
        certificates.record(officer, certificates.CertificateInput(
            user_id=users[number].id, kind=kind, operation=operation, number=paper_no, issued_by=ISSUER,
            issued_on=_years_before(last_day, 6 if kind == "special" else 3), expires_on=last_day), replaces)
    switch_room = db.session.scalar(select(RiskPoint).where(RiskPoint.enterprise_id == enterprise.id,
                                                           RiskPoint.code == "FX-004"))
    switch_room.required_certificate = CertificateKind.SPECIAL
    switch_room.required_operation = Operation.ELECTRICAL
    db.session.flush()
