"""The hazard ledger in a real browser: found from the ledgers' page on a 360×640 phone,
where the table scrolls inside its frame and the page never sideways; on a 1280×800
screen; and printed to PDF, A4 landscape, the heading and the column headers on every
page and "n / m" at each foot, the first page rendered to an image to look at."""
from datetime import datetime, timedelta
from decimal import Decimal

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.hazards.models import HazardCategory
from blueprints.photos.services import save_photo
from tests import factories
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, phone_of, printed, screenshot

PLACES = ["东侧平台", "二层操作台", "泵房入口", "罐区围堰", "配电室"]
FOUND = ["法兰渗漏", "安全阀铅封脱落", "消防通道堵塞", "静电接地线松动", "护栏缺失", "警示标识褪色"]


def _setup(live):
    """Forty hazards of this year, found a week apart: most closed, some late, some open."""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        start = datetime(clock.now().year, 1, 5, 1)
        for n in range(40):
            clock.freeze(start + timedelta(days=7 * n // 2))
            hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
                description=f"{FOUND[n % len(FOUND)]}（{n + 1}号）", department_id=ent.department.id,
                team_id=ent.team.id, risk_point_id=ent.point.id, location=PLACES[n % len(PLACES)],
                category=HazardCategory.MANAGEMENT if n % 5 == 4 else HazardCategory.ONSITE))
            transitions.assign(hazard, ent.safety_officer, ent.worker, clock.now() + timedelta(days=5))
            if n >= 36:
                continue   # still being rectified
            clock.freeze(clock.now() + timedelta(days=3 if n % 4 else 8))   # every fourth late
            photo = save_photo(factories.jpeg_bytes(), ent.enterprise.id, ent.worker.id)
            transitions.rectify(hazard, ent.worker, "已更换并紧固", photo.id, funds=Decimal(100 + n * 10))
            transitions.verify(hazard, ent.safety_officer, "复查合格")
        db.session.commit()
        clock.freeze(None)
        return ent.director.employee_no


def test_the_hazard_ledger_on_a_phone_a_screen_and_paper(live, browser):
    director = _setup(live)
    live.start()
    context = browser.new_context(**PHONE)
    page = phone_of(context, live, director)
    page.goto(live.url + "/ledgers")
    with page.expect_navigation():
        page.click("a:has-text('隐患排查治理台账')")
    rows = page.locator(".ledger-table tbody tr")
    assert rows.count() == 32
    assert "现场管理类 32" in page.locator(".ledger-tabs").inner_text().replace("\n", " ")
    assert_no_sideways_scroll(page)
    frame = page.locator(".ledger-wrap")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")   # the table scrolls in its frame
    tab = page.locator(".ledger-tabs .tab").first.bounding_box()
    assert tab["height"] >= 44
    screenshot(page, "hazard-ledger-phone", full_page=False)
    context.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = phone_of(desk, live, director)
    page.goto(live.url + "/hazards/ledger?state=closed_late")
    assert page.locator(".ledger-table tbody tr").count() == 7   # every fourth, on-site ones
    assert "逾期" in page.locator(".ledger-table tbody tr").first.inner_text()
    screenshot(page, "hazard-ledger-desktop", full_page=False)

    page.goto(live.url + "/hazards/ledger")
    sheets = printed(page, "hazard-ledger-print", pages_shown=1)
    assert all(width > height and abs(width - 842) < 2 for width, height, _ in sheets)   # A4 landscape
    texts = [text for _w, _h, text in sheets]
    pages = len(texts)
    assert pages >= 2 and "安全管理部门负责人" in texts[-1]   # the line to sign, at the end
    for number, text in enumerate(texts, 1):
        assert f"{number} / {pages}" in text and "打印" not in text   # no buttons on paper
        if "反应釜" in text:   # every page of rows has the heading and the column headers
            assert "隐患排查治理台账（现场管理类）" in text and "排查时间" in text
    assert sum("反应釜" in text for text in texts) >= 2
    desk.close()
