"""The director's quarterly report in a real browser: reached from the home on a 360×640
phone, commented and made final there without sideways scrolling; on a 1280×800 screen;
and printed to PDF, A4 portrait, "n / m" at each foot and the line to sign at the end, the
first page rendered to an image to look at."""
from tests.browser.conftest import PHONE, assert_no_sideways_scroll, phone_of, printed, screenshot
from tests.browser.test_ledger_pages import _setup


def test_the_quarterly_report_on_a_phone_a_screen_and_paper(live, browser):
    director = _setup(live)
    live.start()
    context = browser.new_context(**PHONE)
    page = phone_of(context, live, director)
    page.goto(live.url + "/home")
    with page.expect_navigation():
        page.click("a:has-text('报告与公示')")
    drafts = page.locator("a:has(.badge:has-text('草稿'))")
    assert drafts.count() >= 1
    with page.expect_navigation():
        page.locator("a:has-text('第2季度')").first.click()
    assert_no_sideways_scroll(page)
    assert "发现" in page.locator("section").nth(1).inner_text()
    page.fill("textarea[name=comments]", "二季度隐患均已按期整改，逾期销号的已约谈责任人。")
    with page.expect_navigation():
        page.click("button:has-text('保存意见')")
    assert "意见已保存" in page.inner_text("main")
    final = page.locator("button:has-text('定稿')")
    box = final.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300
    with page.expect_navigation():
        final.click()
    assert "已定稿" in page.inner_text("main") and page.locator("textarea").count() == 0
    assert_no_sideways_scroll(page)
    screenshot(page, "quarterly-report-phone", full_page=False)
    screenshot(page, "quarterly-report-phone-whole")
    url = page.url
    context.close()

    desk = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = phone_of(desk, live, director)
    page.goto(url)
    assert_no_sideways_scroll(page)
    screenshot(page, "quarterly-report-desktop", full_page=False)
    sheets = printed(page, "quarterly-report-print")
    assert all(height > width and abs(width - 595) < 2 for width, height, _ in sheets)   # A4 portrait
    texts = [text for _w, _h, text in sheets]
    pages = len(texts)
    whole = "".join(texts)
    assert "安全总监季度报告" in texts[0] and "二季度隐患均已按期整改" in whole
    assert "安全总监:" in texts[-1].replace("：", ":")   # the line to sign, at the end
    for number, text in enumerate(texts, 1):
        assert f"{number} / {pages}" in text and "打印" not in text and "定稿后" not in text
    desk.close()
