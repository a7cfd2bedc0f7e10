"""The look at phone size: the header's links are big enough to tap, the tab bar shows
the vendored icons, and the install offer comes once, after a completed check."""
from tests import factories
from tests.browser.conftest import PHONE, login, screenshot

IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
# A stand-in for Chrome's event: the page may call prompt() on it once.
FAKE_INSTALL_PROMPT = """() => {
  const event = new Event('beforeinstallprompt', {cancelable: true});
  event.prompt = () => { window.prompted = true; };
  dispatchEvent(event);
}"""


def _setup(live):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        worker, point = ent.worker.employee_no, ent.point.id
    live.start()
    return type("U", (), {"employee_no": worker}), point


def _as_check_done(page, base, point):
    """Serve the point's check page as if the check had just been sent: [data-check-done],
    as on the confirmation (inspections/done.html) and after an offline save."""
    def fulfil(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("<main ", "<main data-check-done ", 1))
    page.route(f"**/points/{point}/check", fulfil)
    page.goto(base + f"/points/{point}/check")


def test_header_links_are_44px_and_the_tab_bar_has_icons(live, phone):
    worker, point = _setup(live)
    page = phone.new_page()
    sprites = []
    page.on("response", lambda r: sprites.append(r.status) if "/static/icons/tabler-" in r.url else None)
    login(page, live.url, worker, factories.PASSWORD)
    page.goto(f"{live.url}/points/{point}")
    for selector in (".topbar .brand", ".topbar .who", "a.back"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, (selector, box)
    tabs = page.locator(".tabbar a")
    assert tabs.count() >= 5
    for i in range(tabs.count()):
        icon = tabs.nth(i).locator("svg.icon use").first
        assert icon.get_attribute("href").startswith("/static/icons/tabler-3.52.0.svg#")
        assert tabs.nth(i).locator("svg.icon").bounding_box()["width"] == 24
        assert tabs.nth(i).inner_text().strip()
    assert sprites and set(sprites) <= {200, 304}
    screenshot(page, "look-tabbar")


def test_the_sprite_is_kept_for_offline_use_once(live, browser):
    """The pages kept for offline use name it once per icon: fetched once all the same (as
    on a first visit, before the service worker takes over)."""
    worker, _point = _setup(live)
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    kept = []
    page.on("request", lambda r: kept.append(r.url) if "/static/icons/tabler-" in r.url else None)
    login(page, live.url, worker, factories.PASSWORD)
    page.wait_for_function("async () => !!(await ZichaStore.getMeta('offline'))")
    page.wait_for_timeout(1000)
    assert len(kept) <= 2, kept  # the page's icons, the copy kept for offline use
    context.close()


def test_the_install_offer_comes_once_after_a_completed_check(live, browser):
    worker, point = _setup(live)
    # The service worker would answer /home before the route that marks it as a check's end.
    context = browser.new_context(**PHONE, service_workers="block")
    page = context.new_page()
    login(page, live.url, worker, factories.PASSWORD)
    offer = page.locator("#install-offer")
    # Not on an ordinary page, whatever Chrome offers: not even loaded there.
    assert page.locator("script[src*=install]").count() == 0
    page.goto(f"{live.url}/points/{point}/check")
    page.evaluate(FAKE_INSTALL_PROMPT)
    assert offer.is_hidden()

    _as_check_done(page, live.url, point)
    assert offer.is_hidden()  # Android: nothing to offer until Chrome says it can install
    page.evaluate(FAKE_INSTALL_PROMPT)
    assert offer.is_visible()
    assert page.locator("[data-install=android]").is_visible()
    assert page.locator("[data-install=ios]").is_hidden()
    assert "添加到主屏幕" in offer.inner_text()
    screenshot(page, "look-install-offer")
    page.click("[data-install-go]")
    assert page.evaluate("window.prompted") is True
    assert offer.is_hidden()
    page.reload()
    page.evaluate(FAKE_INSTALL_PROMPT)
    assert offer.is_hidden()  # once
    context.close()


def test_dismissed_for_good_and_steps_for_iphone(live, browser):
    """After a real check: the confirmation page offers the steps for Safari."""
    worker, point = _setup(live)
    context = browser.new_context(**PHONE, user_agent=IPHONE_SAFARI)
    page = context.new_page()
    login(page, live.url, worker, factories.PASSWORD)
    page.goto(f"{live.url}/points/{point}/check")
    offer = page.locator("#install-offer")
    assert offer.is_hidden()
    choices = page.locator(".choices")
    for i in range(choices.count()):
        choices.nth(i).locator("label").first.click()
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("[data-check-done]")
    assert offer.is_visible()
    assert page.locator("[data-install=ios]").is_visible()
    assert page.locator("[data-install=android]").is_hidden()
    screenshot(page, "look-install-offer-ios")
    page.click("[data-install-close]")
    assert offer.is_hidden()
    page.reload()
    assert offer.is_hidden()
    context.close()
