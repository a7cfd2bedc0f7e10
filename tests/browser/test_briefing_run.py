"""The leader's briefing screen on a 360×640 phone: the QR code it draws with no help from
the server decodes to the sign-in link with the code of the current minute, and nothing
scrolls sideways."""
import io
from urllib.parse import urlsplit

from PIL import Image
from pyzbar.pyzbar import decode

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, Fitness
from blueprints.common import rotating_code as codes
from blueprints.common.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def test_the_leaders_screen_shows_a_code_another_phone_can_scan(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        briefing = services.start(ent.team_leader, ent.team)
        db.session.commit()
        briefing_id, secret, leader_no = briefing.id, briefing.secret, ent.team_leader.employee_no
        worker_id, helper_id = ent.worker.id, ent.worker2.id
    live.start()
    page = phone.new_page()
    login(page, live.url, type("U", (), {"employee_no": leader_no}), factories.PASSWORD)
    page.goto(f"{live.url}/briefings/{briefing_id}/run")
    page.wait_for_function("() => document.getElementById('briefing-qr').dataset.minute")

    canvas = page.locator("#briefing-qr")
    box = canvas.bounding_box()
    assert box["width"] >= 240, "too small to scan from another phone at arm's length"
    minute = int(canvas.get_attribute("data-minute"))
    found = decode(Image.open(io.BytesIO(canvas.screenshot())))
    assert len(found) == 1
    url = urlsplit(found[0].data.decode())
    assert (url.netloc, url.path) == (urlsplit(live.url).netloc, "/briefings/sign-in")
    assert url.fragment == f"{briefing_id}.{minute}.{codes.code_for(secret, briefing_id, minute)}"
    assert page.text_content("#briefing-code").lower() == codes.code_for(secret, briefing_id, minute)
    assert 0 < int(page.text_content("#briefing-countdown")) <= 60
    assert_no_sideways_scroll(page)
    screenshot(page, "briefing-leader-screen-top", full_page=False)

    # Not easy about a worker: the reason and the helper appear, with no script of the page's own.
    page.click(f"label[for=fitness-{worker_id}-off_work]")
    assert page.is_visible(f"input[name=reason-{worker_id}]")
    valid = "() => document.getElementById('briefing-close').checkValidity()"
    assert not page.evaluate(valid)          # asked on the phone, not refused when it syncs
    page.fill(f"input[name=reason-{worker_id}]", "发烧")
    page.select_option(f"select[name=helper-{worker_id}]", str(helper_id))
    assert page.evaluate(valid)
    assert_no_sideways_scroll(page)

    screenshot(page, "briefing-leader-screen")

    # No signal: the close is kept on the phone, the screen says so, and it goes once online.
    phone.set_offline(True)
    page.click("button.brief-close")
    page.wait_for_selector("#briefing-kept", state="visible")
    assert page.is_hidden("#briefing-run") and page.is_hidden("#briefing-close")
    phone.set_offline(False)
    page.wait_for_url(f"{live.url}/briefings/{briefing_id}", timeout=30000)
    with live.app.app_context():
        closed = db.session.get(Briefing, briefing_id)
        line = next(a for a in closed.attendees if a.user_id == worker_id)
        assert closed.closed_at is not None and (line.fitness, line.reason) == (Fitness.OFF_WORK, "发烧")
        db.session.remove()
