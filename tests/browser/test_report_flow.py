"""随手拍 on a 360 px phone, end to end: a worker reports with photos from the point's page,
the safety director accepts it as a hazard, it is rectified and verified, the reward is
approved and paid, and the worker sees it all in his list."""
from PIL import Image
from sqlalchemy import select

from blueprints.reporting.models import Report, Reward
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, phone_of, screenshot


def test_a_report_from_photo_to_paid_reward(live, browser, tmp_path):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        point_id, worker, director, officer = (ent.point.id, ent.worker.employee_no,
                                               ent.director.employee_no, ent.safety_officer.employee_no)
        worker_name = ent.worker.name
    live.start()
    photos = []
    for n, colour in enumerate(((200, 60, 40), (60, 60, 200), (40, 160, 60))):
        photos.append(tmp_path / f"p{n}.jpg")
        Image.new("RGB", (800, 600), colour).save(photos[-1], "JPEG")

    def phone(employee_no):
        context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True, locale="zh-CN")
        return context, phone_of(context, live, employee_no)

    # The worker, from the point's page: a kind, two photos one after the other, send.
    context, page = phone(worker)
    page.goto(f"{live.url}/reports/new?point={point_id}")
    assert_no_sideways_scroll(page)
    page.click("label.kind:has-text('物的不安全状态')")
    page.set_input_files("input[name=photo]", str(photos[0]))
    page.set_input_files("input[name=photo]", str(photos[1]))  # the camera gives one at a time
    assert page.locator(".photo-thumbs img").count() == 2
    page.fill("textarea[name=description]", "法兰滴漏")
    box = page.locator("label.kind").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 140
    screenshot(page, "report-new", full_page=False)
    page.click("form button[type=submit]")
    page.locator("main", has_text="已收到，待受理").wait_for()
    assert_no_sideways_scroll(page)
    context.close()
    with live.app.app_context():
        report = factories.db.session.scalar(select(Report))
        assert len(report.photos) == 2 and report.risk_point_id == point_id
        report_url = f"{live.url}/reports/{report.id}"

    # The director accepts it from the queue; the hazard page opens; he assigns it.
    context, page = phone(director)
    page.goto(live.url + "/reports/review")
    assert_no_sideways_scroll(page)
    screenshot(page, "report-review")
    page.click(f"a[href='/reports/{report.id}']")
    page.click("text=受理为隐患")
    page.wait_for_selector("textarea[name=description]")
    assert_no_sideways_scroll(page)
    page.click("form button[type=submit]")
    page.wait_for_url("**/hazards/*")
    hazard_url = page.url
    page.click("text=交办")
    page.wait_for_selector("#hz-actions select[name=assignee_id]")
    page.select_option("select[name=assignee_id]", label=f"{worker_name} · 一线员工")
    page.fill("input[name=deadline]", "2099-12-31")
    page.click("#hz-actions button[type=submit]")
    page.wait_for_url(hazard_url)
    context.close()

    # The worker rectifies it with an after-photo.
    context, page = phone(worker)
    page.goto(hazard_url)
    page.click("text=登记整改")
    page.fill("textarea[name=measure]", "更换垫片")
    page.set_input_files("input[name=photo]", str(photos[2]))
    page.click("form button[type=submit]")
    page.locator("main", has_text="已整改，待验收").wait_for()
    context.close()

    # The director verifies it and approves the reward as proposed.
    context, page = phone(director)
    page.goto(hazard_url + "/verify")
    page.wait_for_selector("textarea[name=note]")
    page.click("form button[type=submit]")
    page.wait_for_url(hazard_url)
    with live.app.app_context():
        reward_id = factories.db.session.scalar(select(Reward.id))
    page.goto(f"{live.url}/rewards/{reward_id}")
    assert_no_sideways_scroll(page)
    assert page.input_value("input[name=amount]") == "100.00"
    page.click("text=核定奖励")
    page.locator("main", has_text="已核定，待发放").wait_for()
    context.close()

    # The officer marks it paid; the worker sees every step.
    context, page = phone(officer)
    page.goto(f"{live.url}/rewards/{reward_id}")
    page.click("text=标记为已发放")
    page.locator("main", has_text="已标记为已发放").wait_for()
    context.close()
    context, page = phone(worker)
    page.goto(live.url + "/reports")
    assert_no_sideways_scroll(page)
    page.click(f"a[href='/reports/{report.id}']")
    page.wait_for_url(report_url)
    text = page.inner_text("main")
    for step in ("已受理为隐患", "已整改", "验收销号", "奖励已核定", "奖励已发放", "100.00 元"):
        assert step in text, step
    assert_no_sideways_scroll(page)
    screenshot(page, "report-followed-to-paid")
    context.close()
