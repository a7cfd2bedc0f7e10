"""On a 360×640 phone the hazard page shows, without scrolling, its text, its state and
deadline and the one action this user can take now; that button opens the form in place."""
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def _in_first_screen(page, selector):
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] + box["height"] <= 640


def test_the_action_to_take_is_at_the_top_of_the_hazard_page(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        hazard = factories.make_hazard(
            ent, description="液氨储罐区呼吸阀锈死，阀杆无法转动\n需停车更换，已设警戒线",
            location="罐区东侧")
        factories.db.session.commit()
        head = type("U", (), {"employee_no": ent.dept_head.employee_no})
        hazard_url = f"{live.url}/hazards/{hazard.id}"
    live.start()
    page = phone.new_page()
    login(page, live.url, head, factories.PASSWORD)
    page.goto(hazard_url)
    assert_no_sideways_scroll(page)
    assert page.title().startswith("液氨储罐区呼吸阀锈死，阀杆无法转动")
    assert page.inner_text("h1") == "液氨储罐区呼吸阀锈死，阀杆无法转动"
    button = page.locator(".hz-primary")
    assert button.inner_text() == "交办" and _in_first_screen(page, ".hz-primary")
    assert button.bounding_box()["height"] >= 48 and _in_first_screen(page, ".hz-status")
    screenshot(page, "hazard-page-top")

    button.click()  # the form takes the buttons' place
    page.wait_for_selector("#hz-actions select[name=assignee_id]")
    assert_no_sideways_scroll(page)
    assert page.locator(".hz-primary").count() == 0
    assert page.locator("#hz-actions").get_by_text("交办", exact=True).count() == 1
