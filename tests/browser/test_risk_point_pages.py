"""Do the risk point list, a point's page and the QR label sheet fit a 360 px phone?"""
from blueprints.common.extensions import db
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def test_risk_point_pages_at_phone_size(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        make = factories.make_risk_point
        red = make(ent.enterprise, ent.department, ent.team, code="FX-001", name="液氨储罐区",
                   location="罐区东侧", lec=(3, 6, 40), control_level="company",
                   hazard_factors="液氨泄漏；储罐超压；安全阀失效",
                   accident_types="中毒和窒息、火灾、容器爆炸",
                   control_measures="压力、液位远传报警；可燃有毒气体检测报警；喷淋吸收系统",
                   items=[ItemData("储罐压力表读数在正常范围", "压力<1.6MPa，指针无抖动",
                                      "hours", 2),
                          ItemData("围堰完好、排水阀关闭", frequency="weekly",
                                      level="workshop")])
        make(ent.enterprise, ent.department, code="FX-002", name="危化品仓库（甲类）长名称测试",
             lec=(3, 3, 15))
        make(ent.enterprise, ent.department, code="FX-003", name="10kV 配电室", lec=(1, 3, 15))
        officer_no, red_id = ent.safety_officer.employee_no, red.id
        db.session.commit()
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": officer_no}), factories.PASSWORD)

    page.goto(live.url + "/points")
    assert "重大风险" in page.content() and "低风险" in page.content()
    assert_no_sideways_scroll(page)
    screenshot(page, "risk_points_list")

    page.click(f"a[href='/points/{red_id}']")
    page.wait_for_load_state()
    assert "液氨储罐区" in page.content() and "压力&lt;1.6MPa" in page.content()
    assert page.evaluate("() => document.querySelector('img.rp-qr').naturalWidth") > 0
    assert_no_sideways_scroll(page)
    screenshot(page, "risk_point_detail")

    page.goto(live.url + "/points")
    page.check(f"input[name=ids][value='{red_id}']")
    with phone.expect_page() as opened:
        page.click("#label-form button")
    sheet = opened.value
    sheet.wait_for_load_state()
    assert sheet.locator(".qr-label").count() == 1
    assert "请使用微信或手机相机扫码，完成本岗位隐患排查" in sheet.content()
    assert_no_sideways_scroll(sheet)
    screenshot(sheet, "risk_point_labels")

    sheet.goto(live.url + "/points/labels")
    assert sheet.locator(".qr-label").count() == 4
    assert_no_sideways_scroll(sheet)
    screenshot(sheet, "risk_point_labels_all")
    # The print button works under the CSP (its script is a file, not an onclick="").
    sheet.evaluate("() => { window.printed = 0; window.print = () => window.printed++; }")
    sheet.click("[data-print]")
    assert sheet.evaluate("() => window.printed") == 1


def test_form_shows_the_grade_live_and_checklist_editor_fits(live, phone):
    """Does picking LEC values update the grade in place, and do the form and the checklist
    editor fit 360 px?"""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        officer_no, point_id = ent.safety_officer.employee_no, ent.point.id
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": officer_no}), factories.PASSWORD)

    page.goto(f"{live.url}/points/{point_id}/edit")
    assert "D = 270" in page.inner_text("#grade")
    page.select_option("select[name=lec_c]", "40")
    page.wait_for_function("() => document.querySelector('#grade').innerText.includes('720')")
    assert "重大风险" in page.inner_text("#grade")
    assert_no_sideways_scroll(page)
    screenshot(page, "risk_point_form")

    page.goto(f"{live.url}/points/{point_id}/checklist")
    page.click("button[value=add]")
    page.wait_for_load_state()
    assert page.locator(".rp-item-card").count() == 3
    assert_no_sideways_scroll(page)
    screenshot(page, "risk_point_checklist")
