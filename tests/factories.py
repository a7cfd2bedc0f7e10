"""Test data makers: each makes rows in the current session and flushes."""
import itertools
from dataclasses import dataclass
from datetime import time

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from blueprints.common.extensions import db
from blueprints.org.models import Department, Enterprise, Role, Shift, Team, User
from blueprints.risk_points import services as rp

PASSWORD = "correct horse 9"
# A cheap hash: the real one (scrypt) costs ~100 ms per user and per login.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


def make_enterprise(**kw) -> Enterprise:
    n = next(_seq)
    enterprise = Enterprise(code=kw.pop("code", f"e{n}"), name=kw.pop("name", f"企业{n}"), **kw)
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def make_department(enterprise, name=None) -> Department:
    department = Department(enterprise_id=enterprise.id, name=name or f"车间{next(_seq)}")
    db.session.add(department)
    db.session.flush()
    return department


def make_team(department, name=None, shifts=()) -> Team:
    """shifts: [(name, start time, end time)]; none means the team works by calendar day."""
    team = Team(enterprise_id=department.enterprise_id, department_id=department.id,
                name=name or f"班组{next(_seq)}")
    db.session.add(team)
    db.session.flush()
    for shift_name, start, end in shifts:
        db.session.add(Shift(enterprise_id=team.enterprise_id, team_id=team.id, name=shift_name,
                             start=start, end=end))
    db.session.flush()
    db.session.refresh(team)
    return team


def make_user(enterprise, role=Role.WORKER, team=None, department=None, password=PASSWORD,
              **kw) -> User:
    n = next(_seq)
    user = User(enterprise_id=enterprise.id, employee_no=kw.pop("employee_no", f"E{n:04d}"),
                name=kw.pop("name", f"员工{n}"), mobile=kw.pop("mobile", f"139{n:08d}"),
                role=role.value, team_id=team.id if team else None,
                department_id=(department.id if department else team.department_id if team else None),
                **kw)
    if password == PASSWORD:
        user.password_hash = _PASSWORD_HASH
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_risk_point(enterprise, department, team=None, items=None, lec=(3, 6, 15), ls=(3, 3),
                    actor=None, **kw):
    data = rp.RiskPointData(
        code=kw.pop("code", f"RP-{next(_seq)}"), name=kw.pop("name", "反应釜"),
        department_id=department.id, team_id=team.id if team else None,
        lec=lec, ls=ls,
        items=items if items is not None else [rp.ItemData("压力表读数正常"), rp.ItemData("无泄漏")],
        **kw)
    point = rp.create_risk_point(enterprise, data, actor.id if actor else None)
    db.session.flush()
    return point


@dataclass
class StandardEnterprise:
    enterprise: Enterprise
    department: Department
    team: Team
    worker: User
    worker2: User
    team_leader: User
    dept_head: User
    safety_officer: User
    director: User
    principal: User
    admin: User
    point: object


def standard_enterprise(**enterprise_kw) -> StandardEnterprise:
    enterprise = make_enterprise(**enterprise_kw)
    department = make_department(enterprise, "合成车间")
    office = make_department(enterprise, "安全环保部")
    team = make_team(department, "合成甲班", shifts=[("白班", time(8), time(20)),
                                                    ("夜班", time(20), time(8))])
    s = StandardEnterprise(
        enterprise=enterprise, department=department, team=team,
        worker=make_user(enterprise, Role.WORKER, team=team),
        worker2=make_user(enterprise, Role.WORKER, team=team),
        team_leader=make_user(enterprise, Role.TEAM_LEADER, team=team),
        dept_head=make_user(enterprise, Role.DEPT_HEAD, department=department),
        safety_officer=make_user(enterprise, Role.SAFETY_OFFICER, department=office),
        director=make_user(enterprise, Role.SAFETY_DIRECTOR, department=office),
        principal=make_user(enterprise, Role.PRINCIPAL, department=office),
        admin=make_user(enterprise, Role.ADMIN, department=office),
        point=None,
    )
    s.point = make_risk_point(enterprise, department, team, actor=s.safety_officer)
    db.session.commit()
    return s


def count(model) -> int:
    """How many rows of `model` the database holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def jpeg_bytes(color=(200, 60, 40), size=(64, 48)) -> bytes:
    """A small real JPEG, as a phone camera would send."""
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def make_hazard(ent, reporter=None, state=None, grade="general", assignee=None, deadline=None,
                rectifier=None, department=None, team="same", **kw):
    """A hazard of the standard enterprise `ent`, brought to `state` by setting its columns
    (for permission tests; the HTTP tests walk the real steps)."""
    from datetime import timedelta

    from blueprints.common import clock
    from blueprints.hazards.transitions import HazardReport, report_hazard
    hazard = report_hazard(reporter or ent.worker, HazardReport(
        description=kw.pop("description", "压力表指针抖动"),
        department_id=(department or ent.department).id,
        team_id=ent.team.id if team == "same" else team, grade=grade, **kw))
    if state in ("assigned", "rectified", "closed"):
        hazard.assignee_id = (assignee or ent.worker).id
        hazard.deadline = hazard.original_deadline = deadline or clock.now() + timedelta(days=3)
    if state in ("rectified", "closed"):
        hazard.rectified_by_id = (rectifier or assignee or ent.worker).id
    if state:
        hazard.state = state
    db.session.flush()
    return hazard


# What a spreadsheet would run if it took the text for a formula.
FORMULA = "=HYPERLINK(\"http://evil.example\",\"点我\")"


def xlsx(response):
    """A ledger's Excel download, opened again: an attachment never kept by a cache."""
    import io

    from openpyxl import load_workbook
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.data))
    response.close()  # the spooled workbook, as the server closes it once sent
    return book
