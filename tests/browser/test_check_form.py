"""Does a worker at 360×640 get from the QR link through the check to its record, with a
photo shrunk on the phone before upload?"""
import io

from PIL import Image
from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from blueprints.inspections.models import Inspection
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot

ITEMS = ["储罐压力表读数在正常范围（压力<1.6MPa）", "液位计显示正常、无假液位", "有毒气体报警仪无报警",
         "阀门、法兰无泄漏、无结霜", "喷淋水系统阀门处于备用状态", "围堰完好、排水阀关闭",
         "静电接地完好", "灭火器压力正常", "安全警示标志清晰", "巡检通道畅通"]


def camera_photo() -> bytes:
    """A noisy 3000×2000 JPEG, about the weight of a real phone photo."""
    out = io.BytesIO()
    Image.effect_noise((3000, 2000), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def test_worker_checks_a_point_from_its_qr_link(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, name="液氨储罐区",
                                          items=[ItemData(text) for text in ITEMS])
        db.session.commit()
        worker_no, token = ent.worker.employee_no, point.current_token.token
        item_ids = [item.id for item in point.checklist.items]
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": worker_no}), factories.PASSWORD)

    page.goto(f"{live.url}/q/{token}")
    assert page.url.endswith("/check")
    assert "液氨储罐区" in page.content() and "压力<1.6MPa" in page.text_content("main")
    assert_no_sideways_scroll(page)
    screenshot(page, "check-form")

    taps = 0
    page.click(f"label[for=r{item_ids[0]}-abnormal]")
    taps += 1
    photo = camera_photo()
    page.set_input_files(f"input[name=photo-{item_ids[0]}]",
                         {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo})
    # check.js replaces the camera's file with a JPEG of at most 1600 px before upload
    shrunk = page.wait_for_function(
        """([name, original]) => { const f = document.querySelector(`input[name=${name}]`).files[0];
             return f && f.size < original / 4 && f.size; }""",
        arg=[f"photo-{item_ids[0]}", len(photo)])
    assert 0 < shrunk.json_value() < len(photo) / 4
    for item_id in item_ids[1:]:
        page.click(f"label[for=r{item_id}-ok]")
        taps += 1
    assert_no_sideways_scroll(page)
    screenshot(page, "check-form-filled")
    page.click("button[type=submit]")
    taps += 1
    page.wait_for_url("**/inspections/*/done")
    # one tap per item and one to send: a ten-item check all 正常 is 11 taps after the scan
    assert taps == len(ITEMS) + 1
    assert "已完成 液氨储罐区 10 项" in page.text_content("[data-check-done]")
    page.click("[data-check-done] a[href^='/inspections/']")
    text = page.text_content("main")
    assert "检查记录" in page.title() and "未扫码" not in text and "液氨储罐区" in text
    assert page.locator("img[src*='/photos/']").count() == 1
    assert_no_sideways_scroll(page)
    screenshot(page, "check-record")

    with live.app.app_context():
        inspection = db.session.scalar(select(Inspection))
        hazard = db.session.scalar(select(Hazard))
        assert inspection.client_uuid and not inspection.no_scan and len(inspection.answers) == 10
        assert hazard.checklist_item_id == item_ids[0] and hazard.photo_id is not None
        assert max(hazard.photo.width, hazard.photo.height) == 1600
