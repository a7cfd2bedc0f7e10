"""A closed briefing's record in a real browser at 360×640: nothing scrolls sideways, the
打印 button prints (under the CSP), and the printed page shows the record without the
app around it, with the enterprise's name and the leader's signature line."""
from datetime import datetime, timedelta

from blueprints.briefings import services
from blueprints.briefings.models import Fitness
from blueprints.common import clock
from blueprints.common.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot

STARTED = datetime(2026, 11, 30, 7, 40) - timedelta(hours=8)


def test_the_record_prints_as_the_record_alone(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        with clock.frozen(STARTED):
            briefing = services.start(ent.team_leader, ent.team)
        with clock.frozen(STARTED + timedelta(minutes=4)):
            services.close(briefing, ent.team_leader, services.CloseInput(rolls=[
                services.Roll(ent.worker.id, fitness=Fitness.OFF_WORK, reason="发烧",
                              helper_id=ent.worker2.id),
                services.Roll(ent.worker2.id, confirm_note="手机没电")], tasks="清洗换热器"))
        db.session.commit()
        head = type("U", (), {"employee_no": ent.dept_head.employee_no})
        briefing_id, enterprise_name = briefing.id, ent.enterprise.name
    live.start()
    page = phone.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    login(page, live.url, head, factories.PASSWORD)
    page.goto(f"{live.url}/briefings/{briefing_id}")
    assert page.locator(".brief-short").is_visible()
    assert_no_sideways_scroll(page)
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.click("button[data-print]")
    assert page.evaluate("() => window.printed") is True
    page.emulate_media(media="print")
    assert page.get_by_text(enterprise_name).is_visible()
    assert page.locator(".brief-signature").is_visible()
    assert not page.get_by_text("事后备注").is_visible()          # none yet: no empty heading on paper
    for hidden in (".tabbar", ".topbar", "button[data-print]", "form"):
        assert not page.locator(hidden).first.is_visible(), hidden
    screenshot(page, "briefing_record_print")
    assert violations == []
