"""Do the people pages fit a 360×640 phone without sideways scroll?"""
from blueprints.common.extensions import db
from tests import factories
from tests.browser.conftest import assert_no_sideways_scroll, login, screenshot


def test_admin_manages_people_on_a_phone(live, phone):
    """Can the admin list people, open the new-person form and add someone at phone size?"""
    with live.app.app_context():
        ent = factories.standard_enterprise()
        office = factories.make_department(ent.enterprise, "综合办公室（压力<0.5MPa 测试用长名称部门）")
        for n in range(30):
            factories.make_user(ent.enterprise, department=office, name=f"欧阳建国{n:02d}",
                                employee_no=f"LONGNUMBER-{n:04d}", mobile=None)
        db.session.commit()
        admin = type("U", (), {"employee_no": ent.admin.employee_no})
        team_id, taken_no = ent.team.id, ent.worker.employee_no
    live.start()
    page = phone.new_page()
    login(page, live.url, admin, factories.PASSWORD)

    page.goto(live.url + "/org/users")
    assert "人员" in page.content() and "第 1/2 页" in page.content()
    assert_no_sideways_scroll(page)
    screenshot(page, "org-users")

    page.fill("input[name=q]", "欧阳建国2")
    page.wait_for_selector("text=共 10 人")
    assert "page=" not in page.url and "q=" in page.url  # htmx pushed the filter to the URL
    assert_no_sideways_scroll(page)

    page.goto(live.url + "/org/users/new")
    assert_no_sideways_scroll(page)
    screenshot(page, "org-user-new")
    page.fill("input[name=employee_no]", taken_no)
    page.fill("input[name=name]", "新员工")
    page.fill("input[name=password]", "initial-pw-1")
    page.click("button[type=submit]")
    page.wait_for_selector("text=企业内已有人使用此工号")
    assert_no_sideways_scroll(page)
    screenshot(page, "org-user-new-refused")
    page.fill("input[name=employee_no]", "N200")
    page.fill("input[name=password]", "initial-pw-1")
    page.click("button[type=submit]")
    page.wait_for_selector("text=已添加 新员工")

    for path, name in (("/org/departments", "org-departments"),
                       (f"/org/teams/{team_id}", "org-team"),
                       ("/org/settings", "org-settings"), ("/account", "org-account")):
        page.goto(live.url + path)
        assert_no_sideways_scroll(page)
        screenshot(page, name)
