"""Each role's home on the demo at 360×640: the counts it shows are the demo's, each count
opens a list of that many rows, a worker sees his fix sent back and his hazards, and
nothing scrolls sideways. Screenshots: home-<user>.png."""
import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.hazards import transitions
from blueprints.hazards.models import Hazard, HazardGrade, HazardState, RectificationPlan
from blueprints.inspections import due
from blueprints.org.models import Enterprise, User
from blueprints.risk_points.models import CheckLevel, RiskPoint
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def _hazard(reporter, description, **columns):
    hazard = transitions.report_hazard(reporter, transitions.HazardReport(
        description=description, department_id=reporter.effective_department_id,
        team_id=reporter.team_id, grade=columns.pop("grade", HazardGrade.GENERAL)))
    for name, value in columns.items():
        setattr(hazard, name, value)
    db.session.flush()
    return hazard


def _plant_with_work():
    """The demo, plus what makes each home say something: W001 rectifying two hazards (one
    overdue) and one fix of his sent back; one for D001 to assign; a major hazard whose 五定
    plan waits."""
    demo.load()
    users = {u.employee_no: u for u in db.session.scalars(select(User))}
    w001, now = users["W001"], clock.now()
    for description, deadline in (("反应釜平台护栏松动", now + timedelta(days=4)),
                                  ("冷却水管保温层破损", now - timedelta(hours=5))):
        _hazard(w001, description, state=HazardState.ASSIGNED, assignee_id=w001.id,
                deadline=deadline, original_deadline=deadline)
    _hazard(w001, "合成车间一层地面积油")  # for D001 to assign
    sent_back = _hazard(w001, "搅拌电机接线盒盖缺失", state=HazardState.RECTIFIED, assignee_id=w001.id,
                        rectified_by_id=w001.id, deadline=now + timedelta(days=1))
    transitions.reject(sent_back, users["S001"], "盒盖仍未固定，请用螺栓紧固")
    major = _hazard(users["D001"], "合成车间可燃气体报警器失效", grade=HazardGrade.MAJOR,
                    state=HazardState.ASSIGNED, assignee_id=users["D001"].id,
                    deadline=now + timedelta(days=25))
    db.session.add(RectificationPlan(
        enterprise_id=major.enterprise_id, hazard_id=major.id, measures="更换报警器并联校",
        responsible_user_id=users["D001"].id, funds=Decimal("12000"), deadline=major.deadline,
        contingency_plan="便携式检测仪每小时巡检", submitted_by_id=users["D001"].id))
    db.session.commit()


def _expected():
    """The strip's counts, worked out row by row (not by the queries the home uses)."""
    hazards = db.session.scalars(select(Hazard)).all()
    now = clock.now()
    open_ = [h for h in hazards if h.state != HazardState.CLOSED]
    points = db.session.scalars(select(RiskPoint).where(RiskPoint.active.is_(True))).all()
    tz = db.session.scalar(select(Enterprise)).timezone
    return {
        "未关闭": len(open_),
        "已超期": sum(1 for h in open_ if h.deadline and h.deadline < now),
        "重大": sum(1 for h in open_ if h.grade == HazardGrade.MAJOR),
        "待复查": sum(1 for h in hazards if h.state == HazardState.RECTIFIED),
        "待审批": sum(1 for h in hazards if any(p.status == "pending" for p in h.plans)
                    or any(e.status == "pending" for e in h.extensions)),
        "超时未检": sum(1 for p in points for u in due.units_of_point(p, tz)
                    if u.state == due.DueState.OVERDUE),
    }


def _team_today(number):
    user = db.session.scalar(select(User).where(User.employee_no == number))
    tz = user.enterprise.timezone
    units = [u for p in db.session.scalars(select(RiskPoint).where(RiskPoint.team_id == user.team_id))
             for u in due.units_of_point(p, tz, {CheckLevel.TEAM})]
    return f"今日 {sum(u.state == due.DueState.DONE for u in units)}/{len(units)}"


def _team_undone(number):
    """The team checks of the department head's points not done in their period: the demo
    runs on the real clock, so at some hours there are none."""
    user = db.session.scalar(select(User).where(User.employee_no == number))
    points = db.session.scalars(select(RiskPoint).where(
        RiskPoint.active.is_(True), RiskPoint.department_id == user.effective_department_id))
    return sum(u.state != due.DueState.DONE
               for p in points for u in due.units_of_point(p, user.enterprise.timezone, {CheckLevel.TEAM}))


def _log_in(page, live, number):
    """Logs in and waits for this user's own home: a failure then names the page shown."""
    login(page, live.url, type("U", (), {"employee_no": number}), demo.DEMO_PASSWORD)
    expect(page).to_have_url(live.url + "/home")
    expect(page.locator("h1")).to_contain_text(live.names[number])


def _log_out(page):
    """As on a shared phone: the pages kept for this user go with him."""
    with page.expect_navigation():
        page.click("form[data-logout] button")


def _tiles(page):
    return {tile.locator("span").inner_text():
            (tile.get_attribute("href"), int(tile.locator("strong").inner_text()))
            for tile in page.locator(".count-strip a").all()}




def test_every_roles_home_on_the_demo(live, phone):
    with live.app.app_context():
        _plant_with_work()
        expected = _expected()
        today = {number: _team_today(number) for number in ("W001", "T001")}
        undone = _team_undone("D001")
        live.names = dict(db.session.execute(select(User.employee_no, User.name)).all())
    live.start()
    page = phone.new_page()

    for number in ("W001", "T001"):
        _log_in(page, live, number)
        assert today[number] in page.locator(".today-count").inner_text()
        assert page.locator(".count-strip").count() == 0
        assert_no_sideways_scroll(page)
        screenshot(page, f"home-{number}")
        if number == "W001":
            sent_back = page.locator(".home-sent-back")
            assert "搅拌电机接线盒盖缺失" in sent_back.inner_text()
            assert "盒盖仍未固定" in sent_back.inner_text()
            mine = page.locator(".home-assigned li")
            assert [row.locator("strong").inner_text() for row in mine.all()] == [
                "冷却水管保温层破损", "反应釜平台护栏松动"]
            assert mine.first.locator(".state-overdue").count() == 1
            assert mine.nth(1).locator(".state-overdue").count() == 0
        _log_out(page)

    _log_in(page, live, "D001")
    text = page.locator("main").inner_text()
    assert text.index("待交办") < text.index("今日待查")
    if undone:
        assert text.index("今日待查") < text.index("本部门班组未完成的检查")
        assert page.locator(".due-teams li").count() == undone
    else:
        assert "本部门班组未完成的检查" not in text
    assert_no_sideways_scroll(page)
    screenshot(page, "home-D001")
    _log_out(page)

    for number in ("S002", "S001", "P001"):
        _log_in(page, live, number)
        tiles = _tiles(page)
        assert {label: count for label, (_url, count) in tiles.items()} == expected, number
        assert_no_sideways_scroll(page)
        screenshot(page, f"home-{number}")
        if number == "P001":
            assert "合成车间可燃气体报警器失效" in page.locator(".home-majors").inner_text()
        for label, (url, count) in tiles.items():
            page.goto(live.url + url)
            listed = re.search(r"共 (\d+) ", page.locator("main").inner_text())
            assert listed and int(listed.group(1)) == count, (number, label)
        _log_out(page)
