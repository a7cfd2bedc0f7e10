"""Photo fields and sending on a weak signal, at 360×640: the big 拍照 button opens the
camera and shows what was taken, a removed photo is not sent, a slow upload shows how much
has gone and cannot be sent twice, and a send that breaks midway stays in the outbox."""
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot
from tests.browser.test_check_form import camera_photo
from tests.browser.test_pwa import badge, seed, server_count, wait_for_server

DETAIL = re.compile(r"/hazards/\d+$")


def photo_bytes(side=900) -> bytes:
    """A noisy JPEG small enough to be sent as it is (≤1600 px), a few hundred KB."""
    out = io.BytesIO()
    Image.effect_noise((side, side), 80).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


def photo(side=900) -> dict:
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(side)}


@pytest.fixture
def reporter(live, phone):
    """A worker on the hazard report form."""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        db.session.commit()
        worker_no = ent.worker.employee_no
        db.session.remove()
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": worker_no}), factories.PASSWORD)
    page.goto(live.url + "/hazards/new")
    return page


def take_photo(page, file):
    with page.expect_file_chooser() as chooser:
        page.get_by_text("拍照").click()
    chooser.value.set_files(file)
    page.locator(".photo-thumbs img").wait_for()


def throttle(page):
    """About 40 KB/s up: a photo takes seconds, as on a weak mobile signal."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 200,
                                                  "downloadThroughput": 100_000,
                                                  "uploadThroughput": 40_000})
    return cdp


def hazards(live):
    with live.app.app_context():
        found = [(h.description, h.photo_id) for h in db.session.scalars(select(Hazard))]
        db.session.remove()
        return found


def test_the_photo_button_opens_the_camera_and_a_removed_photo_is_not_sent(live, reporter):
    page = reporter
    button = page.locator("label.photo-btn").bounding_box()
    assert button["height"] >= 48 and button["width"] >= 300
    field = page.locator("input[type=file]").bounding_box()
    assert field["width"] <= 1 and field["height"] <= 1       # no bare browser file input
    assert page.locator("input[type=file]").get_attribute("capture") == "environment"
    screenshot(page, "photo-button")

    take_photo(page, photo())
    assert page.locator(".photo-thumbs img").count() == 1
    # shown, not blocked by the CSP
    assert page.evaluate("document.querySelector('.photo-thumbs img').naturalWidth") > 0
    remove = page.locator(".photo-remove")
    assert remove.get_attribute("aria-label") == "删除照片"
    box = remove.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert_no_sideways_scroll(page)
    screenshot(page, "photo-thumbnail")

    remove.click()
    assert page.locator(".photo-thumbs img").count() == 0
    assert page.evaluate("document.querySelector('input[type=file]').files.length") == 0
    page.fill("textarea[name=description]", "消防通道堆放杂物")
    page.click("form button[type=submit]")
    page.wait_for_url(DETAIL)
    assert hazards(live) == [("消防通道堆放杂物", None)]


def test_the_camera_button_is_reached_by_keyboard(reporter):
    page = reporter
    with page.expect_file_chooser():
        page.locator("input[type=file]").press(" ")   # focuses it, then the key


def test_a_slow_upload_shows_progress_and_cannot_be_sent_twice(live, reporter):
    page = reporter
    page.set_input_files("input[type=file]", photo(1000))
    page.fill("textarea[name=description]", "配电箱门未关")
    cdp = throttle(page)
    submit = page.locator("form button[type=submit]")
    submit.click()
    page.wait_for_function(
        "() => /已发送 [1-9]\\d* KB \\/ \\d+ KB/.test(document.querySelector('.send-progress')?.textContent)")
    assert submit.is_disabled()
    screenshot(page, "photo-progress")
    submit.click(force=True)                       # a second press does nothing
    page.wait_for_url(DETAIL, timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                  "downloadThroughput": -1, "uploadThroughput": -1})
    found = hazards(live)
    assert len(found) == 1 and found[0][1] is not None


FAILURES = {
    "no answer": (lambda route: route.abort("connectionreset"),
                  "连不上服务器。记录已保存在手机上，联网后自动发送。"),
    "a proxy's 502": (lambda route: route.fulfill(status=502, body="Bad Gateway"),
                      "未发送成功（HTTP 502）。记录已保存在手机上，稍后自动重发。"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_send_says_what_happened_and_stays_in_the_outbox(live, phone, reporter, failure):
    """(A real drop in the middle of a photo cannot be made here: Chromium's throttling
    slows only what the page sees, the local server has the photo at once.)"""
    answer, said = FAILURES[failure]
    page = reporter
    page.set_input_files("input[type=file]", photo())
    page.fill("textarea[name=description]", "泵房地面油污")
    # On the context: the service worker replays too (Background Sync).
    phone.route("**/api/v1/outbox", answer)
    page.click("form button[type=submit]")
    notice = page.locator(".flash-queued")
    notice.wait_for()
    assert notice.inner_text() == said
    assert badge(page) == "待同步 1"
    assert page.locator("form button[type=submit]").is_enabled()
    assert server_count(live, Hazard) == 0
    if failure == "no answer":
        screenshot(page, "photo-send-failed")

    phone.unroute_all(behavior="wait")
    page.evaluate("document.getElementById('outbox-sync').click()")
    wait_for_server(live, Hazard, 1, page)
    assert hazards(live)[0][1] is not None


def test_a_photo_removed_from_a_check_while_it_shrinks_is_not_sent(live, phone):
    """The check form shrinks a camera photo on the phone; removed meanwhile, it stays removed."""
    data = seed(live)
    live.start()
    page = phone.new_page()
    login(page, live.url, data.worker, factories.PASSWORD)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    first, *others = data.items
    page.click(f"label[for='r{first}-abnormal']")
    # A slow phone: shrinking takes a while.
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 20})
    with page.expect_file_chooser() as chooser:
        page.click(f"label[for='photo-{first}']")
    chooser.value.set_files({"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()})
    page.click(".photo-remove")                     # before check.js has shrunk it
    page.fill(f"textarea[name='note-{first}']", "压力表指针抖动")
    for item in others:
        page.click(f"label[for='r{item}-ok']")
    screenshot(page, "photo-check-form")
    page.click("#check-form button[type=submit]")
    wait_for_server(live, Hazard, 1, page)
    assert [photo_id for _, photo_id in hazards(live)] == [None]


def test_a_form_outside_the_outbox_is_sent_once_and_says_its_size(live, phone):
    """The director's verification (a plain form post, not the outbox) with a photo."""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = factories.make_hazard(ent, state="rectified")
        db.session.commit()
        director, hazard_id = ent.director.employee_no, hazard.id
        db.session.remove()
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": director}), factories.PASSWORD)
    page.goto(f"{live.url}/hazards/{hazard_id}/verify")
    page.set_input_files("input[type=file]", photo())
    # Pressed, and the page asked at once: Playwright would wait for it to go.
    text, disabled = page.evaluate("""async () => {
        const button = document.querySelector('main form button[type=submit]');
        button.click();
        await new Promise((resolve) => setTimeout(resolve));   // after offline.js's own turn
        return [document.querySelector('.send-progress')?.textContent, button.disabled];
    }""")
    assert re.fullmatch(r"正在发送 \d+ KB…", text) and disabled
    page.wait_for_url(DETAIL)
    with live.app.app_context():
        assert db.session.get(Hazard, hazard_id).state == "closed"
        db.session.remove()
