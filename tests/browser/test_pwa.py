"""The installable, offline app in Debian's chromium: install criteria, offline checks
queued and synced once, lost answers, a server that dies mid-sync, a shared phone and
a new deploy."""
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from blueprints.common.extensions import db
from blueprints.inspections.models import Inspection, Scan
from blueprints.photos.models import Photo
from tests import factories
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PHONE,
    assert_no_sideways_scroll,
    login,
    screenshot,
)


def seed(live) -> SimpleNamespace:
    with live.app.app_context():
        ent = factories.standard_enterprise()
        return SimpleNamespace(
            worker=SimpleNamespace(employee_no=ent.worker.employee_no, id=ent.worker.id,
                                   name=ent.worker.name),
            worker2=SimpleNamespace(employee_no=ent.worker2.employee_no, id=ent.worker2.id),
            point_id=ent.point.id, point_name=ent.point.name,
            token=ent.point.current_token.token,
            items=[item.id for item in ent.point.checklist.items])


def server_count(live, model, **where) -> int:
    with live.app.app_context():
        query = select(func.count(model.id)).filter_by(**where)
        result = db.session.scalar(query)
        db.session.remove()
        return result


def wait_until(page, expression, tries=150):
    """Polls a (possibly async) expression in the page; no timed assertions, just patience."""
    for _ in range(tries):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {expression}")


def wait_for_server(live, model, expected, page, tries=150, **where):
    for _ in range(tries):
        if server_count(live, model, **where) == expected:
            return
        page.wait_for_timeout(100)
    assert server_count(live, model, **where) == expected


def controlled(page):
    """Waits for the service worker; a page loaded while it was still installing is
    reloaded, as it would be on the next navigation."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    wait_until(page, "navigator.serviceWorker.controller !== null")


def ready_offline(page, base_url):
    """The service worker controls the page and the check pages are kept."""
    page.goto(base_url + "/home")
    controlled(page)
    wait_until(page, "ZichaStore.getMeta('offline').then(m => !!m && m.points.length > 0)")


def worker_ready_offline(live, phone, worker):
    """The server started and the worker logged in on the phone, with the pages kept."""
    live.start()
    page = phone.new_page()
    login(page, live.url, worker, factories.PASSWORD)
    ready_offline(page, live.url)
    return page


def fill_check(page, data, abnormal_photo=None):
    if page.locator("#check-again").is_visible():   # the check kept before is shown as saved
        page.click("#check-again")
    for index, item in enumerate(data.items):
        if index == 0 and abnormal_photo:
            page.click(f"label[for='r{item}-abnormal']")
            page.set_input_files(f"input[name='photo-{item}']", str(abnormal_photo))
        else:
            page.click(f"label[for='r{item}-ok']")


def submit_queued(page):
    """Submits the check while it cannot reach the server: it is kept on the phone."""
    page.click("#check-form button[type=submit]")
    page.locator("#check-saved[data-check-done]").wait_for()


def logout(page):
    """The footer's 退出登录; the phone forgets the user's pages before the form goes."""
    with page.expect_navigation():
        page.click("footer form[action='/logout'] button")


def badge(page) -> str:
    return page.locator("#outbox-badge").inner_text().replace("\n", " ").strip()


@pytest.fixture
def big_photo(tmp_path) -> Path:
    path = tmp_path / "camera.jpg"
    Image.new("RGB", (3000, 2000), (180, 40, 40)).save(path, "JPEG", quality=95)
    return path


def test_installable_by_chromiums_own_criteria(live, playwright_instance, tmp_path):
    """Does chromium itself find nothing missing to install the app (manifest, icons,
    service worker)?"""
    data = seed(live)
    live.start()
    context = playwright_instance.chromium.launch_persistent_context(
        user_data_dir=str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        **PHONE)
    try:
        page = context.new_page()
        login(page, live.url, data.worker, factories.PASSWORD)
        controlled(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
        manifest = cdp.send("Page.getAppManifest")
        assert not manifest.get("errors")
        page.goto(live.url + "/scan")   # no camera in this browser: it says so
        page.locator("#scanner-status", has_text="无法使用摄像头").wait_for()
        screenshot(page, "pwa-scanner-no-camera")
        assert_no_sideways_scroll(page)
    finally:
        context.close()


def test_offline_checks_are_kept_and_synced_once(live, phone, big_photo):
    """Offline, does a QR link open the kept check, do three checks (one with a photo)
    survive a reload as "待同步 3", and does the server hold exactly three afterwards,
    counted as scanned?"""
    data = seed(live)
    page = worker_ready_offline(live, phone, data.worker)
    phone.set_offline(True)
    page.goto(f"{live.url}/q/{data.token}")
    assert data.point_name in page.locator("h1").inner_text()
    assert page.locator("#offline-banner").is_visible()
    assert page.url.endswith(f"/points/{data.point_id}/check")
    fill_check(page, data, abnormal_photo=big_photo)
    submit_queued(page)
    for _ in range(2):
        fill_check(page, data)
        submit_queued(page)
    screenshot(page, "pwa-offline-queued")
    assert_no_sideways_scroll(page)
    page.reload()
    assert page.locator("#offline-banner").is_visible()
    wait_until(page, "document.getElementById('outbox-count').textContent === '3'")
    assert badge(page) == "待同步 3"
    queued_photo = page.evaluate("""ZichaStore.items().then(items => items
        .flatMap(i => i.files).map(([name, blob]) => ({size: blob.size, type: blob.type})))""")
    assert len(queued_photo) == 1 and queued_photo[0]["type"] == "image/jpeg"
    assert server_count(live, Inspection) == 0
    phone.set_offline(False)
    wait_for_server(live, Inspection, 3, page)
    wait_until(page, "document.getElementById('outbox-badge').hidden")
    assert server_count(live, Photo) == 1
    assert server_count(live, Scan) == 1
    assert server_count(live, Inspection, no_scan=False) == 3
    with live.app.app_context():
        photo = db.session.scalar(select(Photo))
        assert max(photo.width, photo.height) <= 1600
        db.session.remove()


def test_a_lost_answer_is_replayed_and_not_doubled(live, phone):
    """When the server stores a check but its answer never arrives, is the replay
    answered with the first result, leaving one check?"""
    data = seed(live)
    page = worker_ready_offline(live, phone, data.worker)
    lost = []

    def store_then_drop(route):
        route.fetch()          # the server has it...
        lost.append(route.request.url)
        route.abort()          # ...and the phone never hears

    # On the context: the service worker replays too (Background Sync).
    phone.route("**/api/v1/outbox", store_then_drop)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    fill_check(page, data)
    submit_queued(page)
    assert lost and server_count(live, Inspection) == 1
    assert badge(page) == "待同步 1"
    # The page retries and Background Sync replays too: a handler may still be running.
    # Without waiting for it, its abort() meets a request already let through
    # ("Route is already handled", seen once).
    phone.unroute_all(behavior="wait")
    # "立即同步" (Background Sync may have been quicker: then there is nothing left to send).
    page.evaluate("document.getElementById('outbox-sync').click()")
    wait_until(page, "document.getElementById('outbox-badge').hidden")
    assert server_count(live, Inspection) == 1


def test_server_stopped_during_a_sync_of_ten(live, phone):
    """Is nothing missing and nothing doubled when the server dies in the middle of
    sending ten queued checks (one stored but unanswered) and comes back?"""
    data = seed(live)
    page = worker_ready_offline(live, phone, data.worker)
    phone.set_offline(True)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    for _ in range(10):
        fill_check(page, data)
        submit_queued(page)
    assert badge(page) == "待同步 10"
    sent = []

    def die_at_the_fourth(route):
        sent.append(route.request.url)
        if len(sent) == 4:
            route.fetch()      # stored...
            live.stop()        # ...the server dies before answering
            route.abort()
        else:
            route.continue_()

    phone.route("**/api/v1/outbox", die_at_the_fourth)
    phone.set_offline(False)
    wait_for_server(live, Inspection, 4, page)
    # Three sent; the fourth is stored but unanswered, so it waits with the other six.
    wait_until(page, "document.getElementById('outbox-count').textContent === '7'")
    phone.unroute_all(behavior="wait")
    # Opened while the server is down: once it is back, the page's own retry may be quicker.
    page.click("#outbox-badge")
    screenshot(page, "pwa-outbox-panel")
    live.start()
    page.click("#outbox-sync")
    wait_for_server(live, Inspection, 10, page)
    wait_until(page, "document.getElementById('outbox-badge').hidden")
    assert server_count(live, Inspection) == 10


def test_a_shared_phone_sends_each_users_records_only_under_their_login(live, phone):
    """Are user A's queued checks held back while B is logged in (B sees only that
    someone else's records wait) and sent when A logs in again?"""
    data = seed(live)
    page = worker_ready_offline(live, phone, data.worker)
    phone.set_offline(True)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    for _ in range(2):
        fill_check(page, data)
        submit_queued(page)
    # Back online, but A's phone cannot reach the server before A hands it over.
    phone.route("**/api/v1/csrf", lambda route: route.abort())
    phone.set_offline(False)
    page.goto(live.url + "/home")
    logout(page)
    login(page, live.url, data.worker2, factories.PASSWORD)
    phone.unroute("**/api/v1/csrf")
    page.reload()
    others = page.locator("#outbox-others")
    others.wait_for()
    assert f"{data.worker.name}的 2 条记录" in others.inner_text()
    assert page.locator("#outbox-badge").is_hidden()
    page.evaluate("Zicha.sync()")
    assert server_count(live, Inspection) == 0
    screenshot(page, "pwa-shared-phone")
    logout(page)
    login(page, live.url, data.worker, factories.PASSWORD)
    wait_for_server(live, Inspection, 2, page)
    assert server_count(live, Inspection, user_id=data.worker.id) == 2


def test_a_new_deploy_offers_the_refresh_and_then_runs_it(live, phone):
    """After a deploy with a new asset version, is "新版本可用，刷新" offered, does the page
    then run the new worker and shell, and does the queue survive?"""
    data = seed(live)
    live.extra_env = {"ASSET_VERSION": "v1"}
    live.start()
    page = phone.new_page()
    login(page, live.url, data.worker, factories.PASSWORD)
    controlled(page)
    # A record of someone else waits on the phone: an update must not drop it.
    page.evaluate("""ZichaStore.add({uuid: crypto.randomUUID(), kind: 'check', user_id: -1,
                                     done_at: new Date().toISOString(), fields: []})""")
    assert page.locator("#update-offer").is_hidden()
    live.stop()
    live.extra_env = {"ASSET_VERSION": "v2"}
    live.start()
    page.reload()
    offer = page.locator("#update-offer")
    offer.wait_for()
    assert offer.inner_text() == "新版本可用，刷新"
    assert "v=v1" in page.evaluate("navigator.serviceWorker.controller.scriptURL")
    screenshot(page, "pwa-update-offer")
    with page.expect_navigation():
        offer.click()
    wait_until(page, "navigator.serviceWorker.controller !== null"
                     " && navigator.serviceWorker.controller.scriptURL.endsWith('v=v2')")
    wait_until(page, "caches.keys().then(k => k.includes('zicha-shell-v2') && !k.includes('zicha-shell-v1'))")
    assert page.evaluate("ZichaStore.items().then(items => items.length)") == 1
    assert page.locator("#update-offer").is_hidden()


def qr_video(path: Path, text: str, frames: int = 6) -> Path:
    """A few frames of a QR label as raw YUV4MPEG2 (I420), for chromium's fake camera."""
    import qrcode
    width, height = 640, 480
    label = qrcode.make(text, border=2).get_image().convert("L").resize((360, 360), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(label, ((width - 360) // 2, (height - 360) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def test_the_scanner_reads_a_label_from_the_camera_online_and_offline(live, playwright_instance,
                                                                      tmp_path):
    """Does 扫一扫's fallback decoder (no BarcodeDetector here) read a label from the
    camera and open the point's check, online through the scan link and offline from
    the phone's copy (recording the scan on the phone)?"""
    data = seed(live)
    live.start()
    video = qr_video(tmp_path / "label.y4m", f"{live.url}/q/{data.token}")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        login(page, live.url, data.worker, factories.PASSWORD)
        assert not page.evaluate("'BarcodeDetector' in window")
        page.goto(live.url + "/scan")
        page.wait_for_url(f"**/points/{data.point_id}/check")
        assert server_count(live, Scan, source="link") == 1
        ready_offline(page, live.url)
        context.set_offline(True)
        page.goto(live.url + "/scan")
        page.wait_for_url(f"**/points/{data.point_id}/check")
        assert data.point_name in page.locator("h1").inner_text()
        assert page.locator("#offline-banner").is_visible()
        queued = page.evaluate("ZichaStore.items().then(items => items.map(i => i.kind))")
        assert queued == ["scan"]
        context.set_offline(False)
        wait_for_server(live, Scan, 1, page, source="offline")
        context.close()
    finally:
        browser.close()
