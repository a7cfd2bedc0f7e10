"""Can a hazard found in a QR check be assigned, rectified with an after-photo and closed,
each step on a 360 px phone?"""
from PIL import Image
from sqlalchemy import select

from blueprints.hazards.models import Hazard
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
        token = ent.point.current_token.token
        item_ids = [item.id for item in ent.point.checklist.items]
        worker_no, head_no, director_no = (ent.worker.employee_no, ent.dept_head.employee_no,
                                           ent.director.employee_no)
        worker_name = ent.worker.name
    live.start()
    before_photo, after_photo = tmp_path / "before.jpg", tmp_path / "after.jpg"
    Image.new("RGB", (800, 600), (200, 60, 40)).save(before_photo, "JPEG")
    Image.new("RGB", (800, 600), (40, 160, 60)).save(after_photo, "JPEG")

    def phone_as(employee_no):
        context = browser.new_context(viewport={"width": 360, "height": 640},
                                      device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="zh-CN")
        page = context.new_page()
        login(page, live.url, type("U", (), {"employee_no": employee_no}), factories.PASSWORD)
        return context, page

    # The worker opens the point's QR link and marks the first item abnormal with a photo.
    context, page = phone_as(worker_no)
    page.goto(f"{live.url}/q/{token}")
    assert_no_sideways_scroll(page)
    page.click(f"label[for=r{item_ids[0]}-abnormal]")
    page.set_input_files(f"input[name=photo-{item_ids[0]}]", str(before_photo))
    page.fill(f"textarea[name=note-{item_ids[0]}]", "液位计玻璃管破裂，压力<0.5MPa")
    for item_id in item_ids[1:]:
        page.click(f"label[for=r{item_id}-ok]")
    page.click("button[type=submit]")
    page.wait_for_url("**/inspections/*/done")
    assert_no_sideways_scroll(page)
    context.close()
    with live.app.app_context():
        hazard = factories.db.session.scalar(select(Hazard))
        assert hazard.photo_id is not None and hazard.inspection_id is not None
        hazard_url = f"{live.url}/hazards/{hazard.id}"

    # The department head assigns it to the worker with a deadline, from the list.
    context, page = phone_as(head_no)
    _visit(page, live.url + "/hazards", "hazard-list")
    page.click(f"a[href='/hazards/{hazard.id}']")
    assert_no_sideways_scroll(page)
    assert "压力<0.5MPa" in page.inner_text("main")
    page.click("text=交办")  # the htmx form opens in the page
    page.wait_for_selector("#hz-actions select[name=assignee_id]")
    assert_no_sideways_scroll(page)
    screenshot(page, "hazard-assign-form")
    page.select_option("select[name=assignee_id]", label=f"{worker_name} · 一线员工")
    page.fill("input[name=deadline]", "2099-12-31")
    page.fill("textarea[name=note]", "今天下班前处理")
    page.click("#hz-actions button[type=submit]")
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
    assert page.locator(".hz-photos img").count() == 2  # the photo from the check, the after-photo
    screenshot(page, "hazard-timeline-closed")
    context.close()
