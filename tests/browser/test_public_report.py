"""The public report form as a stranger's phone opens it from the poster: no login, a kind,
a photo (shrunk on the phone before it goes), the place; then the receipt code, and the
report followed by it."""
from PIL import Image
from sqlalchemy import select

from blueprints.reporting import services
from blueprints.reporting.models import Report
from tests import factories
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, screenshot


def test_a_stranger_reports_from_the_poster_and_follows_it(live, browser, tmp_path):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        code = services.public_code_of(ent.enterprise.id)
        factories.db.session.commit()
    live.start()
    photo = tmp_path / "big.jpg"
    Image.new("RGB", (4000, 3000), (180, 90, 30)).save(photo, "JPEG", quality=95)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sent = []
    page.on("request", lambda r: sent.append(len(r.post_data_buffer or b"")) if r.method == "POST" else None)
    page.goto(f"{live.url}/p/{code}")
    assert_no_sideways_scroll(page)
    page.click("label.kind:has-text('环境的不安全因素')")
    page.set_input_files("input[name=photo]", str(photo))
    page.fill("textarea[name=description]", "食堂后门消防通道被堵")
    page.fill("input[name=location]", "食堂后门")
    box = page.locator("input[name=website]").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0  # the honeypot: off the screen
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "public-report-form")
    page.click("form button[type=submit]")
    page.wait_for_url("**/receipt")
    assert_no_sideways_scroll(page)
    receipt = page.inner_text(".receipt-code").replace(" ", "")
    assert len(receipt) == services.RECEIPT_LENGTH
    assert sent and sent[0] < photo.stat().st_size  # the photo was shrunk before it went
    screenshot(page, "public-report-receipt", full_page=False)
    page.click("text=查询我的举报")
    page.fill("input[name=receipt]", receipt)
    page.click("form button[type=submit]")
    text = page.inner_text("main")
    assert "食堂后门消防通道被堵" in text and "已收到上报" in text
    context.close()
    with live.app.app_context():
        report = factories.db.session.scalar(select(Report))
        assert report.reporter_id is None and len(report.photos) == 1
