"""Does the demo give a newcomer what the README promises: every colour, a red point in
D001's workshop that T001 and W001 check, a check nobody holds, and every login listed?"""
from pathlib import Path

from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.inspections import due
from blueprints.org.models import Enterprise, User
from blueprints.risk_points.models import Grade, RiskPoint
from blueprints.summaries.models import Summary, SummaryKind

README = Path(__file__).resolve().parents[1] / "README.md"


def test_demo_colours_red_point_of_the_synthesis_workshop_and_the_gap(app):
    """Are there red, orange, yellow and blue points, all at or above their grade's control
    level; a red one in 合成车间 on the lists of T001, W001 and D001; and is 安全环保部's
    missing department head shown as a gap? (Loaded as `make run` does, by `flask seed-demo`,
    and read back as a new process would: anything it left uncommitted is gone.)"""
    runner = app.test_cli_runner()
    assert "demo enterprise loaded" in runner.invoke(args=["seed-demo"]).output
    db.session.rollback()
    assert "demo not loaded" in runner.invoke(args=["seed-demo"]).output
    enterprise = db.session.scalar(select(Enterprise))
    points = db.session.scalars(select(RiskPoint)).all()
    assert {p.grade for p in points} == set(Grade)
    assert not [p.code for p in points if p.control_below_minimum]
    red_here = {p.id for p in points if p.grade == Grade.RED and p.department.name == "合成车间"}
    users = {u.employee_no: u for u in db.session.scalars(select(User))}
    for number in ("T001", "W001", "D001"):
        assert red_here & {unit.point.id for unit in due.units_for(users[number])}, number
    with app.test_request_context():
        gaps = {(g.point.name, str(g.message)) for g in due.gaps(enterprise.id)}
    assert ("污水处理池（有限空间）", "车间级检查无人负责：安全环保部没有部门负责人") in gaps


def test_readme_lists_every_demo_login():
    """Does the README's table name every demo account with its name?"""
    readme = README.read_text(encoding="utf-8")
    missing = [number for number, name, *_rest in demo.USERS
               if f"| {number} | {name} |" not in readme]
    assert missing == []


def test_the_demo_has_last_months_notice_posted_for_the_workforce(app, client, auth):
    """Does a worker's home offer last month's notice, made final by the safety director?"""
    assert "demo enterprise loaded" in app.test_cli_runner().invoke(args=["seed-demo"]).output
    db.session.rollback()
    notice = db.session.scalar(select(Summary))
    assert notice.kind == SummaryKind.MONTH and notice.is_final and notice.figures["hazards"]["found"] > 0
    worker = db.session.scalar(select(User).where(User.employee_no == "W001"))
    auth.login(worker, password=demo.DEMO_PASSWORD)
    assert f"/summaries/month/{notice.start:%Y-%m}" in client.get("/home").get_data(as_text=True)
