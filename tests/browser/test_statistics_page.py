"""The statistics in a real browser, on a 360×640 phone and on a 1280×800 screen: the
figures, the trend and the bars fit the width, every figure is a tap target, and tapping
one opens the ledger rows it counts."""
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, phone_of, screenshot
from tests.browser.test_ledger_pages import _setup


def test_the_statistics_on_a_phone_and_a_screen(live, browser):
    director = _setup(live)
    live.start()
    context = browser.new_context(**PHONE)
    page = phone_of(context, live, director)
    page.goto(live.url + "/home")
    with page.expect_navigation():
        page.click("a:has-text('统计分析')")
    assert_no_sideways_scroll(page)
    chart = page.locator(".chart svg").bounding_box()
    assert 280 <= chart["width"] <= 360 and chart["height"] > 100
    assert page.locator(".chart polyline").count() == 2
    tiles = page.locator("a.figure")
    assert tiles.count() >= 15
    assert all(box["height"] >= 44 and box["width"] >= 44
               for box in (tiles.nth(i).bounding_box() for i in range(tiles.count())))
    assert page.locator(".gauge svg").is_visible()
    screenshot(page, "statistics-phone", full_page=False)
    screenshot(page, "statistics-phone-whole")
    late = page.locator("#hazards a.figure:has-text('逾期销号')")
    number = int(late.locator("strong").inner_text())
    assert number == 9   # every fourth of the 36 closed
    with page.expect_navigation():
        late.click()
    tabs = page.locator(".ledger-tabs .badge").all_inner_texts()
    assert sum(map(int, tabs)) == number
    context.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = phone_of(desk, live, director)
    page.goto(live.url + "/statistics")
    assert_no_sideways_scroll(page)
    screenshot(page, "statistics-desktop", full_page=False)
    screenshot(page, "statistics-desktop-whole")
    desk.close()
