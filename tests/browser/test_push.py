"""In Debian's chromium (no reachable push service): does the control say plainly that this
browser cannot subscribe, does the service worker show a pushed alert and open its hazard,
and does the bell count what an escalation added?"""
import json
from datetime import timedelta

from blueprints.common import clock
from blueprints.common.cli import make_vapid_keys
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.notifications import services
from tests import factories
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, login, screenshot

NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then(r => r.getNotifications())
  .then(ns => ns.map(n => ({title: n.title, body: n.body, data: n.data})))"""


def overdue_major_hazard(ent):
    """A major hazard found three days ago, due yesterday, never reported to the regulator."""
    with clock.frozen(clock.now() - timedelta(days=3)):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description="液氨储罐区压力表指针抖动，读数>1.6MPa", location="罐区东侧",
            department_id=ent.department.id, grade="major"))
        transitions.assign(hazard, ent.director, ent.worker, clock.now() + timedelta(days=2))
    db.session.commit()
    return hazard.id


def bell_count(page) -> int:
    badge = page.locator("#bell .bell-count")
    return int(badge.get_attribute("data-count")) if badge.count() else 0


def test_push_control_worker_and_bell(live, browser):
    private, public = make_vapid_keys()
    live.extra_env = {"VAPID_PRIVATE_KEY": private, "VAPID_PUBLIC_KEY": public}
    with live.app.app_context():
        ent = factories.standard_enterprise()
        director = type("U", (), {"employee_no": ent.director.employee_no})
        hazard_id = overdue_major_hazard(ent)
    live.start()
    context = browser.new_context(**PHONE)
    context.grant_permissions(["notifications"], origin=live.url)
    page = context.new_page()
    login(page, live.url, director, factories.PASSWORD)
    page.goto(live.url + "/notifications/settings")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    assert_no_sideways_scroll(page)

    # The page gives up by itself (here the browser refuses at once; it may also hang).
    page.get_by_role("button", name="开启通知").click()
    status = page.locator("#push-status[data-state=failed]")
    status.wait_for(timeout=15000)
    assert "无法开启推送" in status.inner_text() and "企业微信" in status.inner_text()

    # A push delivered through the DevTools protocol is shown as a notification.
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if any(r["scopeURL"] == live.url + "/" and not r["isDeleted"] for r in registrations):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if r["scopeURL"] == live.url + "/")
    message = {"title": "重大隐患逾期未销号", "body": "液氨储罐区压力表指针抖动",
               "url": f"/hazards/{hazard_id}"}
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live.url, "registrationId": registration["registrationId"],
        "data": json.dumps(message, ensure_ascii=False)})
    shown = []
    for _ in range(50):
        shown = page.evaluate(NOTIFICATIONS)
        if shown:
            break
        page.wait_for_timeout(100)
    [shown] = shown
    assert shown == {"title": message["title"], "body": message["body"],
                     "data": {"url": message["url"]}}

    # The click handler's logic, with this page open: it is sent to the hazard.
    worker = next(w for w in context.service_workers if w.url.startswith(live.url + "/sw.js"))
    worker.evaluate(f"zichaOpenUrl({json.dumps(message['url'])}).then(() => null)")
    page.wait_for_url(f"{live.url}/hazards/{hazard_id}", timeout=10000)

    # An escalation pass adds the ladder's rungs; the bell shows them after a reload.
    before = bell_count(page)
    with live.app.app_context():
        services.run_pass()
    page.reload()
    after = bell_count(page)
    assert after > before >= 1

    page.goto(live.url + "/notifications")
    assert "重大隐患逾期未销号" in page.content()
    assert_no_sideways_scroll(page)
    screenshot(page, "inbox_director")
    context.close()
