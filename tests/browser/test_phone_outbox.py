"""What a shared phone keeps and how its outbox behaves at the edges: logout forgets the
user's pages, only the server's own answer lets go of a record, a flaky signal is retried,
an ended login asks the user to log in, a refused record is fixed and sent again."""
from pathlib import Path

import pytest
from PIL import Image

from blueprints.inspections.models import Inspection
from tests import factories
from tests.browser.conftest import login, screenshot
from tests.browser.test_pwa import (
    badge,
    controlled,
    fill_check,
    logout,
    ready_offline,
    seed,
    server_count,
    submit_queued,
    wait_for_server,
    wait_until,
)


def worker_on_the_phone(live, phone):
    data = seed(live)
    live.start()
    page = phone.new_page()
    login(page, live.url, data.worker, factories.PASSWORD)
    return data, page


def queue_a_check_offline(phone, page, live, data, **fill):
    """One check kept on the phone, made while offline; the phone stays offline."""
    ready_offline(page, live.url)
    phone.set_offline(True)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    fill_check(page, data, **fill)
    submit_queued(page)


def test_after_logout_the_directors_pages_cannot_be_seen_offline(live, phone):
    """After the director logs out of a shared phone, can neither the next user nor anyone
    logged out see the director's inbox or hazard offline (the offline page shows instead)?"""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = factories.make_hazard(ent, description="储罐区呼吸阀锈死")
        factories.db.session.commit()
        director, worker = ent.director.employee_no, ent.worker.employee_no
        hazard_url = f"/hazards/{hazard.id}"
        factories.db.session.remove()
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": director}), factories.PASSWORD)
    controlled(page)
    for url in ("/notifications", hazard_url):
        page.goto(live.url + url)
    assert "储罐区呼吸阀锈死" in page.content()
    wait_until(page, f"caches.match('{hazard_url}', {{ignoreVary: true}}).then(r => !!r)")
    logout(page)
    kept = "caches.match('{}', {{ignoreVary: true, ignoreSearch: true}}).then(r => !!r)"
    for url in ("/notifications", hazard_url):
        assert not page.evaluate(kept.format(url)), url
    phone.set_offline(True)
    for url in ("/notifications", hazard_url):
        page.goto(live.url + url)
        assert page.locator("h1").inner_text() == "无网络连接", url
        assert "储罐区呼吸阀锈死" not in page.content()
    phone.set_offline(False)
    login(page, live.url, type("U", (), {"employee_no": worker}), factories.PASSWORD)
    ready_offline(page, live.url)
    phone.set_offline(True)
    page.goto(live.url + hazard_url)
    assert page.locator("h1").inner_text() == "无网络连接"
    screenshot(page, "phone-after-logout-offline")


def test_a_wifi_login_page_answering_200_does_not_take_the_record(live, phone):
    """When something other than the server (a Wi-Fi login page) answers the outbox with a
    200 page, does the check stay queued, and is it sent once the server answers?"""
    data, page = worker_on_the_phone(live, phone)
    ready_offline(page, live.url)
    portal = []

    def wifi_login_page(route):
        portal.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<html><body>请登录 Wi-Fi</body></html>")

    phone.route("**/api/v1/outbox", wifi_login_page)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    fill_check(page, data)
    submit_queued(page)
    assert portal and badge(page) == "待同步 1"
    assert page.evaluate("ZichaStore.items().then(items => items.length)") == 1
    phone.unroute_all(behavior="wait")
    wait_for_server(live, Inspection, 1, page)
    wait_until(page, "document.getElementById('outbox-badge').hidden")


def test_a_flaky_signal_is_retried_without_waiting_for_the_next_trigger(live, phone):
    """When the first tries fail on a flaky signal, does the open page try again by itself
    within seconds (not at the next minute's timer or tap)?"""
    data, page = worker_on_the_phone(live, phone)
    queue_a_check_offline(phone, page, live, data)
    for _ in range(2):
        fill_check(page, data)
        submit_queued(page)
    tries = []

    def drop_the_first_two(route):
        tries.append(route.request.url)
        if len(tries) <= 2:   # the page's try and Background Sync's
            route.abort()
        else:
            route.continue_()

    phone.route("**/api/v1/outbox", drop_the_first_two)
    phone.set_offline(False)
    wait_for_server(live, Inspection, 3, page, tries=120)
    wait_until(page, "document.getElementById('outbox-badge').hidden")
    phone.unroute_all(behavior="wait")


def test_an_ended_login_asks_to_log_in_and_then_sends(live, phone):
    """With a check queued and the login ended, does the phone say 请重新登录后发送 (a link to
    the login page), does the login page name the records as the user's own, and are they
    sent after logging in?"""
    data, page = worker_on_the_phone(live, phone)
    queue_a_check_offline(phone, page, live, data)
    phone.clear_cookies()
    phone.set_offline(False)
    ask = page.locator("#outbox-login")
    ask.wait_for()
    assert ask.inner_text() == "请重新登录后发送"
    screenshot(page, "phone-login-ended")
    with page.expect_navigation():
        ask.click()
    assert "/login" in page.url
    others = page.locator("#outbox-others")
    others.wait_for()
    assert f"{data.worker.name}的 1 条记录" in others.inner_text()
    assert "另一位用户" not in others.inner_text()
    page.fill("input[name=identifier]", data.worker.employee_no)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/points/{data.point_id}/check*")
    wait_for_server(live, Inspection, 1, page)
    assert server_count(live, Inspection, user_id=data.worker.id) == 1


@pytest.fixture
def broken_photo(tmp_path) -> Path:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8 not a photo")
    return path


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "good.jpg"
    Image.new("RGB", (800, 600), (40, 120, 40)).save(path, "JPEG")
    return path


def test_a_refused_record_is_fixed_and_sent_again_under_its_uuid(live, phone, broken_photo, photo):
    """When the server refuses a queued check (its photo cannot be read), can the user open
    it back into the form (answers kept, photo to be taken again), fix it and send it, so
    that the server holds it under the UUID made when it was first submitted?"""
    data, page = worker_on_the_phone(live, phone)
    queue_a_check_offline(phone, page, live, data, abnormal_photo=broken_photo)
    uuid = page.evaluate("ZichaStore.items().then(items => items[0].uuid)")
    phone.set_offline(False)
    page.goto(live.url + "/home")
    wait_until(page, "ZichaStore.items().then(items => items.length === 1 && items[0].state === 'failed')")
    page.click("#outbox-badge")
    screenshot(page, "phone-refused-record")
    with page.expect_navigation():
        page.click("#outbox-list a:has-text('修改后重新发送')")
    first = data.items[0]
    wait_until(page, f"document.getElementById('r{first}-abnormal').checked")
    assert all(page.is_checked(f"#r{item}-ok") for item in data.items[1:])
    assert page.evaluate(f"document.querySelector(\"input[name='photo-{first}']\").files.length") == 0
    assert page.locator(".outbox-refusal").is_visible()
    page.set_input_files(f"input[name='photo-{first}']", str(photo))
    page.click("#check-form button[type=submit]")
    page.wait_for_url("**/inspections/*/done")
    assert server_count(live, Inspection, client_uuid=uuid) == 1
    assert server_count(live, Inspection) == 1
    assert page.evaluate("ZichaStore.items().then(items => items.length)") == 0


def test_a_refused_rectification_reopens_at_its_own_form(live, phone, broken_photo, photo):
    """A rectification form comes into the hazard page by htmx: when it is refused after a
    replay, does "修改后重新发送" open the form itself (the measure kept) and send it again
    under its UUID?"""
    from blueprints.hazards.models import HazardEvent
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = factories.make_hazard(ent, state="assigned", assignee=ent.worker)
        factories.db.session.commit()
        worker, hazard_url = ent.worker.employee_no, f"/hazards/{hazard.id}"
        factories.db.session.remove()
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": worker}), factories.PASSWORD)
    page.goto(live.url + hazard_url)
    page.click(f".hz-actions a[href='{hazard_url}/rectify']")
    form = page.locator("form[data-outbox=rectification]")
    form.wait_for()
    phone.set_offline(True)
    form.locator("textarea[name=measure]").fill("更换呼吸阀并试压")
    form.locator("input[name=photo]").set_input_files(str(broken_photo))
    form.locator("button[type=submit]").click()
    page.locator(".flash-queued").wait_for()
    uuid = page.evaluate("ZichaStore.items().then(items => items[0].uuid)")
    phone.set_offline(False)
    wait_until(page, "ZichaStore.items().then(items => items.length === 1 && items[0].state === 'failed')")
    page.reload()
    page.click("#outbox-badge")
    with page.expect_navigation():
        page.click("#outbox-list a:has-text('修改后重新发送')")
    assert page.url.split("#")[0] == f"{live.url}{hazard_url}/rectify"
    wait_until(page, "document.querySelector('textarea[name=measure]').value === '更换呼吸阀并试压'")
    assert page.evaluate("document.querySelector('input[name=photo]').files.length") == 0
    page.set_input_files("input[name=photo]", str(photo))
    page.click("form[data-outbox=rectification] button[type=submit]")
    page.wait_for_url(f"**{hazard_url}")
    assert server_count(live, HazardEvent, client_uuid=uuid) == 1


# IndexedDB refuses every write, as when the phone's storage is full; what the page shows
# in its notices is kept in sessionStorage, to be read after the form has gone.
REFUSING_STORAGE = """
IDBObjectStore.prototype.put = function () { throw new DOMException('full', 'QuotaExceededError'); };
document.addEventListener('DOMContentLoaded', () => {
  const notices = document.getElementById('outbox-notices');
  if (notices) new MutationObserver(() => sessionStorage.setItem('notices', notices.textContent))
    .observe(notices, {childList: true});
});
"""


def test_a_phone_that_cannot_keep_the_record_says_so_and_sends_it_directly(live, phone):
    """When IndexedDB refuses the record (storage full, private mode), is the check not lost
    behind a disabled button: does the phone say it could not keep it, and send the form
    the ordinary way?"""
    data, page = worker_on_the_phone(live, phone)
    page.add_init_script(REFUSING_STORAGE)
    page.goto(f"{live.url}/points/{data.point_id}/check")
    fill_check(page, data)
    with page.expect_navigation():
        page.click("#check-form button[type=submit]")
    page.wait_for_url("**/inspections/*/done")
    assert server_count(live, Inspection) == 1
    assert "本机无法保存这条记录" in page.evaluate("sessionStorage.getItem('notices')")
