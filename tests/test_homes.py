"""Does each role's home say what to do now: the worker's fixes sent back and hazards to
rectify, today's checks counted; the department head's queue, then his checks; the count
strip of the safety staff and the principal, each count a link to exactly what it counts?"""
import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.hazards import transitions
from blueprints.hazards.models import DeadlineExtension, RectificationPlan
from blueprints.inspections import due, services
from blueprints.inspections.models import AnswerResult, Inspection
from blueprints.org.models import User
from blueprints.risk_points.models import RiskPoint
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.test_hazards import as_user

TILE = re.compile(r'<a href="([^"]+)" class="[^"]*"><strong>(\d+)</strong><span>([^<]+)</span></a>')


def strip(page: str) -> dict[str, tuple[str, int]]:
    """The count strip of a home: label -> (link, count)."""
    return {label: (html.unescape(url), int(number)) for url, number, label in TILE.findall(page)}


def listed(client, url: str) -> int:
    """How many rows the list behind a count says it holds."""
    page = client.get(url).get_data(as_text=True)
    return int(re.search(r"共 (\d+) (?:条隐患|项检查)", page).group(1))


@pytest.fixture
def hazards(ent):
    """One hazard of each kind the strip counts, and one closed that none does."""
    clock.freeze(clock.now())
    now = clock.now()
    make = factories.make_hazard
    made = {
        "reported": make(ent, description="新报告的隐患"),
        "major": make(ent, grade="major", state="assigned", description="液氨管线腐蚀",
                      deadline=now + timedelta(days=20)),
        "overdue": make(ent, state="assigned", deadline=now - timedelta(hours=2), description="超期的隐患"),
        "rectified": make(ent, state="rectified", description="待复查的隐患"),
        "extension": make(ent, state="assigned", description="申请延期的隐患"),
        "closed": make(ent, state="closed", description="已关闭的隐患"),
    }
    db.session.add(RectificationPlan(
        enterprise_id=ent.enterprise.id, hazard_id=made["major"].id, measures="更换管线",
        responsible_user_id=ent.dept_head.id, funds=Decimal("5000"), deadline=now + timedelta(days=20),
        contingency_plan="停用该段", submitted_by_id=ent.dept_head.id))
    db.session.add(DeadlineExtension(
        enterprise_id=ent.enterprise.id, hazard_id=made["extension"].id, requested_by_id=ent.worker.id,
        reason="等备件", old_deadline=made["extension"].deadline,
        new_deadline=made["extension"].deadline + timedelta(days=5)))
    db.session.commit()
    return made


@pytest.mark.parametrize("role", ["director", "safety_officer", "principal"])
def test_each_count_links_to_exactly_the_rows_it_counts(client, auth, ent, hazards, role):
    """Do the six counts read right, and does each link open a list of that many rows?"""
    as_user(auth, getattr(ent, role))
    tiles = strip(client.get("/home").get_data(as_text=True))
    assert {label: number for label, (_url, number) in tiles.items()} == {
        "未关闭": 5, "已超期": 1, "重大": 1, "待复查": 1, "待审批": 2, "超时未检": 0}
    for label, (url, number) in tiles.items():
        assert listed(client, url) == number, label


def test_awaiting_approval_lists_the_plans_and_extensions_waiting(client, auth, ent, hazards):
    """Does the list's 待审批 filter hold the hazards with a pending plan or extension only?"""
    as_user(auth, ent.director)
    page = client.get("/hazards?approval=1").get_data(as_text=True)
    assert "液氨管线腐蚀" in page and "申请延期的隐患" in page
    assert "超期的隐患" not in page and "新报告的隐患" not in page


def test_principal_sees_major_hazards_by_name(client, auth, ent, hazards):
    """Does the principal's home name the open major hazard under the strip, and say so
    when there is none, rather than show an empty page?"""
    as_user(auth, ent.principal)
    page = client.get("/home").get_data(as_text=True)
    assert "未关闭的重大隐患" in page and "液氨管线腐蚀" in page
    assert page.index("未关闭") < page.index("液氨管线腐蚀")
    hazards["major"].state = "closed"
    db.session.commit()
    page = client.get("/home").get_data(as_text=True)
    assert "目前没有未关闭的重大隐患" in page and "超时未检" in page


def test_worker_sees_the_fix_sent_back_and_the_hazards_to_rectify(client, auth, ent):
    """Does a worker's home list the fix the director rejected, with his reason, first, then
    the hazards assigned to him by deadline, the overdue one marked 已超期?"""
    clock.freeze(clock.now())
    now = clock.now()
    sent_back = factories.make_hazard(ent, state="rectified", description="护栏松动",
                                      deadline=now + timedelta(days=2))
    transitions.reject(sent_back, ent.director, "螺栓未紧固")
    factories.make_hazard(ent, state="assigned", description="地面油污", deadline=now + timedelta(days=5))
    factories.make_hazard(ent, state="assigned", description="灭火器过期", deadline=now - timedelta(days=1))
    factories.make_hazard(ent, state="assigned", assignee=ent.worker2, description="别人的隐患")
    db.session.commit()
    as_user(auth, ent.worker)
    page = client.get("/home").get_data(as_text=True)
    assert "退回给你的整改" in page and "退回原因：螺栓未紧固" in page
    order = ["护栏松动", "交给你整改的隐患", "灭火器过期", "地面油污"]
    assert [page.index(text) for text in order] == sorted(page.index(text) for text in order)
    overdue_row = page[page.index("灭火器过期"):page.index("地面油污")]
    assert 'class="badge state-overdue"' in overdue_row
    assert "别人的隐患" not in page
    assert page.index("地面油污") < page.index("今日待查")


def test_todays_checks_are_counted_done_of_total(client, auth, ent):
    """Does the worker's home say 今日 0/1, and 今日 1/1 once the check is done?"""
    as_user(auth, ent.worker)
    assert "今日 0/1" in client.get("/home").get_data(as_text=True)
    items = ent.point.checklist.items
    services.submit_check(ent.worker, ent.point, "team", items[0].frequency_key,
                          [services.Answer(item.id, AnswerResult.OK) for item in items])
    db.session.commit()
    assert "今日 1/1" in client.get("/home").get_data(as_text=True)


def test_department_head_home_in_order(client, auth, ent):
    """Does the department head's home put 待交办 first (before what he rectifies himself),
    then the overdue and the due-soon rectifications, then his workshop checks, then his
    teams' checks not done?"""
    clock.freeze(clock.now())
    now = clock.now()
    factories.make_risk_point(ent.enterprise, ent.department, ent.team, name="精馏塔", items=[
        ItemData("塔压正常", level="workshop", frequency="weekly")], actor=ent.safety_officer)
    factories.make_hazard(ent, description="待交办的隐患")
    factories.make_hazard(ent, state="assigned", deadline=now - timedelta(hours=1), description="超期的隐患")
    factories.make_hazard(ent, state="assigned", deadline=now + timedelta(days=1), description="快到期的隐患")
    factories.make_hazard(ent, state="assigned", assignee=ent.dept_head, deadline=now + timedelta(days=10),
                          description="他自己整改的隐患")
    db.session.commit()
    as_user(auth, ent.dept_head)
    page = client.get("/home").get_data(as_text=True)
    assert page.index("待交办") < page.index("他自己整改的隐患")
    order = ["待交办", "超期的隐患", "快到期的隐患", "今日待查", "精馏塔", "本部门班组未完成的检查",
             ent.point.name]
    assert [page.index(text, page.index("待交办")) for text in order] == sorted(
        page.index(text, page.index("待交办")) for text in order)
    assert "超时未检" not in page


def test_unscanned_checks_are_one_line_and_a_list(client, auth, ent):
    """Are the checks without a scan one line with their count on the director's home,
    and the rows on the page it links to, which a worker cannot open?"""
    for days in (1, 2, 9):
        db.session.add(Inspection(enterprise_id=ent.enterprise.id, risk_point_id=ent.point.id,
                                  checklist_version_id=ent.point.checklist.id, level="team",
                                  frequency_key="shift", user_id=ent.worker.id,
                                  done_at=clock.now() - timedelta(days=days), no_scan=True))
    db.session.commit()
    as_user(auth, ent.director)
    home = client.get("/home").get_data(as_text=True)
    line = re.search(r'href="/checks/unscanned">.*?<span class="badge">(\d+)</span>', home)
    assert line and line.group(1) == "2" and ent.worker.name not in home
    page = client.get("/checks/unscanned").get_data(as_text=True)
    assert "近 7 天共 2 次" in page and page.count(ent.worker.name) == 2
    as_user(auth, ent.worker)
    assert client.get("/checks/unscanned").status_code == 404
    assert client.get("/checks/overdue").status_code == 404


@pytest.fixture
def demo_plant(app):
    clock.freeze(clock.now())
    enterprise = demo.load()
    db.session.commit()
    return enterprise


def test_demo_checks_overdue_match_each_points_own_state(client, auth, demo_plant):
    """Is the strip's 超时未检 on the demo what each point's page would say one by one,
    and does its page list exactly those checks?"""
    points = db.session.scalars(select(RiskPoint).where(RiskPoint.active.is_(True))).all()
    one_by_one = [(u.point.id, u.level, u.frequency_key) for p in points
                  for u in due.units_of_point(p, demo_plant.timezone) if u.state == due.DueState.OVERDUE]
    assert one_by_one, "the demo has missed checks"
    director = db.session.scalar(select(User).where(User.employee_no == "S001"))
    auth.login(director, password=demo.DEMO_PASSWORD)
    tiles = strip(client.get("/home").get_data(as_text=True))
    url, number = tiles["超时未检"]
    assert number == len(one_by_one) == listed(client, url)
    # The history's abnormal answers raised hazards: each count is its list's length.
    assert tiles["未关闭"][1] > 0
    for label, (url, number) in tiles.items():
        assert listed(client, url) == number, label


def test_demo_worker_home_counts_todays_checks(client, auth, demo_plant):
    """Does W001's home count his team's checks done and due as the due rules say?"""
    worker = db.session.scalar(select(User).where(User.employee_no == "W001"))
    units = [u for p in db.session.scalars(select(RiskPoint).where(RiskPoint.team_id == worker.team_id))
             for u in due.units_of_point(p, demo_plant.timezone, {"team"})]
    done = sum(u.state == due.DueState.DONE for u in units)
    auth.login(worker, password=demo.DEMO_PASSWORD)
    assert f"今日 {done}/{len(units)}" in client.get("/home").get_data(as_text=True)
