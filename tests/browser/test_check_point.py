"""One scan covers the whole point at 360×640: every group due sent with one button and a
confirmation; an offline save confirmed as kept on the phone (and not shown blank and
overdue again); the label's code typed when the camera cannot read it."""
from types import SimpleNamespace

from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from blueprints.inspections.models import Inspection, Scan
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot
from tests.browser.test_pwa import wait_for_server, worker_ready_offline

ITEMS = [ItemData("储罐压力表读数在正常范围（≤1.6MPa）", "压力<1.6MPa，指针无抖动", frequency="hours",
                  every_hours=2),
         ItemData("液位计显示正常、无假液位", "液位20%–85%"), ItemData("有毒气体报警仪无报警、指示灯正常"),
         ItemData("阀门、法兰无泄漏、无结霜"), ItemData("喷淋水系统阀门处于备用状态", frequency="daily"),
         ItemData("围堰完好、排水阀关闭", frequency="weekly", level="workshop")]


def tank_point(live) -> SimpleNamespace:
    with live.app.app_context():
        ent = factories.standard_enterprise()
        point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, items=ITEMS,
                                          name="液氨储罐区", code="FX-001")
        db.session.commit()
        data = SimpleNamespace(
            worker=SimpleNamespace(employee_no=ent.worker.employee_no), point_id=point.id,
            token=point.current_token.token,
            items=[i.id for i in point.checklist.items if i.level == "team"])
        db.session.remove()
    return data


def answer_all(page, data, abnormal=None):
    for item in data.items:
        page.click(f"label[for='r{item}-{'abnormal' if item == abnormal else 'ok'}']")
    if abnormal:
        page.fill(f"textarea[name='note-{abnormal}']", "法兰处结霜")


def server_rows(live, model):
    with live.app.app_context():
        rows = db.session.scalars(select(model).order_by(model.id)).all()
        columns = [c.key for c in model.__table__.columns]
        result = [SimpleNamespace(**{key: getattr(r, key) for key in columns}) for r in rows]
        db.session.remove()
        return result


def test_one_scan_submits_every_group_due_at_the_point(live, phone):
    """Does the scan open the 每2小时, 每班 and 每天 groups on one screen, and one press store
    each as its own check and answer with the confirmation and the hazard raised?"""
    data = tank_point(live)
    live.start()
    page = phone.new_page()
    login(page, live.url, data.worker, factories.PASSWORD)
    page.goto(f"{live.url}/q/{data.token}")
    assert page.locator("h2.check-group").count() == 3 and "围堰完好" not in page.text_content("main")
    assert_no_sideways_scroll(page)
    screenshot(page, "check-point-form")
    answer_all(page, data, abnormal=data.items[3])
    page.click("#check-form button[type=submit]")
    page.wait_for_url("**/done**")
    root = page.locator("[data-check-done]")
    assert "已完成 液氨储罐区 5 项" in root.inner_text() and "发现 1 处异常" in root.inner_text()
    hazard = server_rows(live, Hazard)[0]
    assert root.locator(f"a[href='/hazards/{hazard.id}']").inner_text() == f"隐患 #{hazard.id}"
    assert_no_sideways_scroll(page)
    screenshot(page, "check-done")
    inspections = server_rows(live, Inspection)
    assert [i.frequency_key for i in inspections] == ["hours:2", "shift", "daily"]
    assert not any(i.no_scan for i in inspections) and hazard.inspection_id == inspections[1].id


def test_an_offline_save_is_confirmed_as_kept_on_the_phone(live, phone):
    """Offline, does the submit show the confirmation marked 已保存在手机上, does the home
    (kept on the phone) mark the point as saved, the check page reopen as saved rather
    than blank, and everything arrive once the phone is back online?"""
    data = tank_point(live)
    page = worker_ready_offline(live, phone, data.worker)
    phone.set_offline(True)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    answer_all(page, data)
    page.click("#check-form button[type=submit]")
    saved = page.locator("#check-saved[data-check-done]")
    saved.wait_for()
    text = saved.inner_text()
    assert "已完成 液氨储罐区 5 项" in text and "已保存在手机上，联网后自动发送" in text
    assert not page.locator("#outbox-notices .flash").count()   # said once, by the confirmation
    assert not page.locator("#check-form").is_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "check-saved-offline")
    page.goto(f"{live.url}/home")
    marked = page.locator(f"main a.check-saved[href^='/points/{data.point_id}/check']")
    marked.first.wait_for()
    assert marked.first.get_attribute("data-saved") == "已保存在手机上，待发送"
    screenshot(page, "check-saved-home")
    page.goto(f"{live.url}/points/{data.point_id}/check")
    page.locator("#check-saved[data-check-done]").wait_for()
    phone.set_offline(False)
    wait_for_server(live, Inspection, 3, page)


def test_a_typed_code_stands_in_for_the_scan(live, phone):
    """When the camera cannot read the label, does typing its code (in lower case) open the
    point's check, an unknown code say so, and the check count as typed, not scanned?"""
    data = tank_point(live)
    live.start()
    page = phone.new_page()
    login(page, live.url, data.worker, factories.PASSWORD)
    page.goto(f"{live.url}/scan")
    page.fill("#code", "FX-009")
    page.click("#typed-code button[type=submit]")
    assert "没有编号为“FX-009”的风险点" in page.text_content("main")
    page.fill("#code", "fx-001")
    assert_no_sideways_scroll(page)
    screenshot(page, "check-typed-code")
    page.click("#typed-code button[type=submit]")
    page.wait_for_url(f"**/points/{data.point_id}/check")
    assert "已手输编号" in page.text_content("main")
    answer_all(page, data)
    page.click("#check-form button[type=submit]")
    page.wait_for_url("**/done**")
    assert "本次检查记为未扫码" in page.text_content("main")
    scans, inspections = server_rows(live, Scan), server_rows(live, Inspection)
    assert [s.source for s in scans] == ["typed"]
    assert len(inspections) == 3 and all(i.no_scan and i.scan_id == scans[0].id for i in inspections)


def test_a_code_typed_offline_opens_the_kept_check_and_is_sent_with_it(live, phone):
    """Offline, does a typed code open the point's check kept on the phone, an unknown one
    say so, and the check arrive later recorded as typed, not scanned?"""
    data = tank_point(live)
    page = worker_ready_offline(live, phone, data.worker)
    phone.set_offline(True)
    page.goto(f"{live.url}/scan")
    page.fill("#code", "FX-009")
    page.click("#typed-code button[type=submit]")
    page.get_by_text("这部手机上没有此编号的风险点").wait_for()
    page.fill("#code", "fx-001")
    page.click("#typed-code button[type=submit]")
    page.wait_for_url(f"**/points/{data.point_id}/check")
    assert page.input_value("input[name=typed_code]") == "FX-001"
    answer_all(page, data)
    screenshot(page, "check-typed-offline")
    page.click("#check-form button[type=submit]")
    page.locator("#check-saved[data-check-done]").wait_for()
    phone.set_offline(False)
    wait_for_server(live, Inspection, 3, page)
    scans, inspections = server_rows(live, Scan), server_rows(live, Inspection)
    assert [s.source for s in scans] == ["typed"] and all(i.no_scan for i in inspections)
