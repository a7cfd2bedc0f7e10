"""Does the Content-Security-Policy block nothing the pages need: no violation reported
on the main screens, and the scripts that replaced inline code still work?"""
import re

from blueprints.common.extensions import db
from tests import factories
from tests.browser.conftest import login

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_main_screens_run_under_the_policy(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = factories.make_hazard(ent)
        db.session.commit()
        director, worker = ent.director.employee_no, ent.worker.employee_no
        point_id, hazard_id = ent.point.id, hazard.id
    live.start()
    violations = []

    def watched_page():
        page = phone.new_page()
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: violations.append(str(error)))
        return page

    page = watched_page()
    login(page, live.url, type("U", (), {"employee_no": director}), factories.PASSWORD)
    for path in ("/home", "/hazards", f"/hazards/{hazard_id}", "/points", f"/points/{point_id}",
                 "/points/labels", "/notifications/settings"):
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
    page.close()
    phone.clear_cookies()

    page = watched_page()
    login(page, live.url, type("U", (), {"employee_no": worker}), factories.PASSWORD)
    page.goto(live.url + "/hazards/new")
    # Bubbling, so after offline.js's capturing listener; kept across the navigation.
    page.evaluate("""document.addEventListener('submit', (e) => sessionStorage.setItem(
        'uuid', e.target.querySelector('input[name=client_uuid]').value))""")
    page.fill("textarea[name=description]", "法兰渗漏")
    page.click("form[data-client-uuid] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert UUID.fullmatch(page.evaluate("sessionStorage.getItem('uuid') || ''"))
    page.goto(live.url + f"/points/{point_id}/check")
    page.wait_for_load_state("networkidle")
    assert not violations, violations
