"""Does the login page render in Chinese at phone size without sideways scroll?"""
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def test_login_and_home_at_phone_size(live, phone):
    with live.app.app_context():
        ent = factories.standard_enterprise()
        worker = ent.worker
        worker_no = worker.employee_no
    live.start()
    page = phone.new_page()
    page.goto(live.url + "/login")
    assert "登录" in page.content()
    assert_no_sideways_scroll(page)
    screenshot(page, "login")
    login(page, live.url, type("U", (), {"employee_no": worker_no}), factories.PASSWORD)
    assert page.url.endswith("/home")
    assert_no_sideways_scroll(page)
