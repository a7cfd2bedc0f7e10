"""Can a hazard be assigned, rectified with an after-photo and closed on a 360 px phone?"""
from PIL import Image

from blueprints.hazards.services import HazardReport, report_hazard
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def _visit(page, url, name=None):
    page.goto(url)
    assert_no_sideways_scroll(page)
    if name:
        screenshot(page, name)


def test_hazard_loop_on_a_phone(live, browser, tmp_path):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = report_hazard(ent.worker, HazardReport(
            description="液位计玻璃管破裂，压力<0.5MPa", department_id=ent.department.id,
            team_id=ent.team.id, risk_point_id=ent.point.id, location="一层东侧"))
        factories.db.session.commit()
        hazard_url = f"{live.url}/hazards/{hazard.id}"
        worker_no, head_no, director_no = (ent.worker.employee_no, ent.dept_head.employee_no,
                                           ent.director.employee_no)
        worker_name = ent.worker.name
    live.start()
    after_photo = tmp_path / "after.jpg"
    Image.new("RGB", (800, 600), (40, 160, 60)).save(after_photo, "JPEG")

    def phone_as(employee_no):
        context = browser.new_context(viewport={"width": 360, "height": 640},
                                      device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        login(page, live.url, type("U", (), {"employee_no": employee_no}), factories.PASSWORD)
        return context, page

    # The department head assigns it to the worker with a deadline, from the list.
    context, page = phone_as(head_no)
    _visit(page, live.url + "/hazards", "hazard-list")
    page.click(f"a[href='/hazards/{hazard.id}']")
    assert_no_sideways_scroll(page)
    assert "压力<0.5MPa" in page.inner_text("main")
    page.click("text=交办")  # the htmx form opens in the page
    page.wait_for_selector("#action-panel select[name=assignee_id]")
    assert_no_sideways_scroll(page)
    screenshot(page, "hazard-assign-form")
    page.select_option("select[name=assignee_id]", label=f"{worker_name} · 一线员工")
    page.fill("input[name=deadline]", "2099-12-31")
    page.fill("textarea[name=note]", "今天下班前处理")
    page.click("#action-panel button[type=submit]")
    page.wait_for_url(hazard_url)
    assert "已交办" in page.inner_text("main")
    context.close()

    # The worker rectifies with an after-photo, on the action's own page.
    context, page = phone_as(worker_no)
    _visit(page, hazard_url)
    page.click("text=登记整改")
    page.wait_for_selector("textarea[name=measure]")
    assert_no_sideways_scroll(page)
    page.fill("textarea[name=measure]", "更换液位计玻璃管")
    assert page.get_attribute("input[name=photo]", "capture") == "environment"
    page.set_input_files("input[name=photo]", str(after_photo))
    page.click("form button[type=submit]")
    # Sent through the phone's outbox (offline.js): the page moves on once the server has it.
    page.locator("main", has_text="已整改，待验收").wait_for()
    assert page.url == hazard_url
    context.close()

    # The safety director verifies and closes it from the work queue.
    context, page = phone_as(director_no)
    _visit(page, live.url + "/hazards/queue", "hazard-queue")
    page.click(f"a[href='/hazards/{hazard.id}/verify']")
    page.wait_for_selector("textarea[name=note]")
    assert_no_sideways_scroll(page)
    page.fill("textarea[name=note]", "复查合格")
    page.click("form button[type=submit]")
    page.wait_for_url(hazard_url)
    assert_no_sideways_scroll(page)
    text = page.inner_text("main")
    assert "已验收销号" in text and "更换液位计玻璃管" in text and "复查合格" in text
    assert page.locator(".hz-timeline img").count() == 1  # the after-photo
    screenshot(page, "hazard-timeline-closed")
    context.close()
