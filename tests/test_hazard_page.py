"""The hazard page and the assign form: the hazard's text as title, the one action the user
can take now at the top, before and after photos, a deadline proposed by grade, the
hazard's department's people first."""
import html
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from blueprints.org.models import Enterprise
from tests import factories
from tests.test_org import settings_form

# 10:00 in Shanghai on Saturday 28 November 2026.
MORNING = datetime(2026, 11, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def login(auth, user):
    auth.logout()
    assert auth.login(user).status_code == 302


def page_of(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def primary(page):
    """The big button at the top: (its action, its words), or None."""
    found = re.search(r'<a class="btn primary block hz-primary" href="/hazards/\d+/(\w+)"[^>]*>([^<]+)</a>',
                      page)
    return found.groups() if found else None


def photo_upload():
    return (io.BytesIO(factories.jpeg_bytes()), "photo.jpg")


# --- the title --------------------------------------------------------------------------------

def test_the_title_is_the_hazards_text_and_the_number_stays_smaller(client, auth, ent):
    hazard = factories.make_hazard(ent, description="液氨储罐区呼吸阀锈死\n阀杆无法转动，需更换")
    db.session.commit()
    login(auth, ent.director)
    page = page_of(client, f"/hazards/{hazard.id}")
    assert "<title>液氨储罐区呼吸阀锈死 · " in page
    assert '<h1 class="hz-title">液氨储罐区呼吸阀锈死</h1>' in page
    assert f'<p class="hz-number muted">隐患 {hazard.id}</p>' in page
    assert "阀杆无法转动，需更换" in page  # the whole text below


def test_a_short_text_is_not_repeated_below_its_title(client, auth, ent):
    hazard = factories.make_hazard(ent, description="消防通道堆放空桶")
    db.session.commit()
    login(auth, ent.director)
    assert page_of(client, f"/hazards/{hazard.id}").count("消防通道堆放空桶") == 2  # <title>, <h1>


def test_a_long_text_is_cut_after_a_clause(client, auth, ent):
    text = "二号反应釜东侧平台护栏松动，多处焊点开裂，人员靠近有坠落风险，须立即设置警戒并更换护栏立柱"
    hazard = factories.make_hazard(ent, description=text)
    db.session.commit()
    login(auth, ent.director)
    page = page_of(client, f"/hazards/{hazard.id}")
    assert '<h1 class="hz-title">二号反应釜东侧平台护栏松动，多处焊点开裂，人员靠近有坠落风险…</h1>' in page


# --- the one action at the top ------------------------------------------------------------------

@pytest.mark.parametrize("state, who, action, words", [
    (None, "dept_head", "assign", "交办"),
    (None, "director", "assign", "交办"),
    ("assigned", "worker", "rectify", "登记整改"),
    ("rectified", "director", "verify", "验收销号"),
    ("rectified", "dept_head", "verify", "验收销号"),
])
def test_the_primary_action_is_the_step_this_user_can_take_now(client, auth, ent, state, who,
                                                                 action, words):
    hazard = factories.make_hazard(ent, state=state, reporter=ent.worker2)
    db.session.commit()
    login(auth, getattr(ent, who))
    page = page_of(client, f"/hazards/{hazard.id}")
    assert primary(page) == (action, words)
    assert page.count(f'href="/hazards/{hazard.id}/{action}"') == 1  # not again among the small ones


def test_the_others_actions_stay_small_below(client, auth, ent):
    """The director of a rectified hazard verifies; rejecting and regrading are small."""
    hazard = factories.make_hazard(ent, state="rectified")
    db.session.commit()
    login(auth, ent.director)
    page = page_of(client, f"/hazards/{hazard.id}")
    others = page[page.index('class="btn-row hz-others"'):]
    assert f'/hazards/{hazard.id}/reject"' in others and f'/hazards/{hazard.id}/change_grade"' in others
    assert page.index("hz-primary") < page.index("hz-others") < page.index('class="card stack"')


def test_reassigning_is_never_the_primary_action(client, auth, ent):
    """An assigned hazard's department head may reassign it: a small button, not the big one."""
    hazard = factories.make_hazard(ent, state="assigned", assignee=ent.worker)
    db.session.commit()
    login(auth, ent.safety_officer)
    page = page_of(client, f"/hazards/{hazard.id}")
    others = page[page.index('class="btn-row hz-others"'):]
    assert primary(page) is None and f'href="/hazards/{hazard.id}/assign"' in others


def test_who_can_do_nothing_sees_no_action(client, auth, ent):
    hazard = factories.make_hazard(ent, reporter=ent.worker)
    db.session.commit()
    login(auth, ent.worker)
    page = page_of(client, f"/hazards/{hazard.id}")
    assert primary(page) is None and 'id="hz-actions"' not in page


def test_deadline_and_overdue_are_at_the_top(client, auth, ent):
    with clock.frozen(MORNING):
        hazard = factories.make_hazard(ent, state="assigned",
                                       deadline=clock.now().replace(year=2026, day=20))
        db.session.commit()
        login(auth, ent.worker)
        page = page_of(client, f"/hazards/{hazard.id}")
    top = page[page.index('class="hz-title"'):page.index('id="hz-actions"')]
    assert "期限 2026-11-20" in top and "已超时" in top


# --- photos -------------------------------------------------------------------------------------

def test_before_and_after_photos_side_by_side_once_rectified(client, auth, ent):
    with clock.frozen(MORNING):
        login(auth, ent.worker)
        client.post("/hazards/new", data={
            "description": "消防通道堆放杂物", "department_id": str(ent.department.id),
            "category": "onsite", "photo": photo_upload()}, content_type="multipart/form-data")
        hazard = db.session.scalar(db.select(Hazard))
        before = hazard.photo_id
        login(auth, ent.dept_head)
        page = page_of(client, f"/hazards/{hazard.id}")
        photos = page[page.index('class="hz-photos"'):page.index('class="card stack"')]
        assert "整改前" in photos and "整改后" not in photos
        assert f'<a class="hz-thumb" href="/photos/{before}.jpg"' in photos

        client.post(f"/hazards/{hazard.id}/assign", data={
            "assignee_id": str(ent.worker.id), "deadline": "2026-12-05"})
        login(auth, ent.worker)
        assert client.post(f"/hazards/{hazard.id}/rectify", data={
            "measure": "杂物已清走", "photo": photo_upload()},
            content_type="multipart/form-data").status_code == 302
        after = db.session.get(Hazard, hazard.id).events[-1].photo_id
        login(auth, ent.director)
        page = page_of(client, f"/hazards/{hazard.id}")
    photos = page[page.index('class="hz-photos"'):page.index('class="card stack"')]
    figures = re.findall(r"<figure>\s*<figcaption>([^<]+)</figcaption>\s*<a class=\"hz-thumb\" "
                         r"href=\"/photos/(\d+)\.jpg\"", photos)
    assert figures == [("整改前", str(before)), ("整改后", str(after))]
    # Each photo once on the page: the timeline does not repeat them.
    assert page.count(f'src="/photos/{after}.jpg"') == 1


# --- the assign form ----------------------------------------------------------------------------

@pytest.mark.parametrize("grade, days, due", [("general", 5, "2026-12-03"),
                                              ("major", 20, "2026-12-18")])
def test_the_assign_form_proposes_the_enterprises_deadline_for_the_grade(client, auth, ent, grade,
                                                                          days, due):
    ent.enterprise.general_fix_days, ent.enterprise.major_fix_days = 5, 20
    with clock.frozen(MORNING):
        hazard = factories.make_hazard(ent, grade=grade)
        db.session.commit()
        login(auth, ent.director)
        page = page_of(client, f"/hazards/{hazard.id}/assign")
    assert f'name="deadline" required type="date" value="{due}"' in page
    assert f"按企业设置 {days} 天内整改" in page


def test_by_default_general_is_7_days_and_major_30(ent):
    enterprise = Enterprise(code="NEW", name="新企业")
    db.session.add(enterprise)
    db.session.flush()
    assert (enterprise.general_fix_days, enterprise.major_fix_days) == (7, 30)


def test_the_assign_form_lists_the_hazards_department_first_then_others_grouped(client, auth, ent):
    storage = factories.make_department(ent.enterprise, "罐区储运部")
    storage_worker = factories.make_user(ent.enterprise, department=storage)
    hazard = factories.make_hazard(ent)
    db.session.commit()
    login(auth, ent.director)
    page = page_of(client, f"/hazards/{hazard.id}/assign")
    select = page[page.index('name="assignee_id"'):page.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["合成车间（隐患所在部门）", "安全环保部", "罐区储运部"]
    own = select[:select.index('label="安全环保部"')]
    for person in (ent.worker, ent.worker2, ent.team_leader, ent.dept_head):
        assert f'value="{person.id}"' in own
    assert f'value="{storage_worker.id}"' not in own and f'value="{storage_worker.id}"' in select


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_the_assign_form_says_assign_once(client, auth, ent, headers):
    hazard = factories.make_hazard(ent)
    db.session.commit()
    login(auth, ent.dept_head)
    page = page_of(client, f"/hazards/{hazard.id}/assign", **headers)
    body = page[page.index("<body"):] if "<body" in page else page
    main = body[body.index("<form"):body.index("</form>")]
    assert len(re.findall(r">\s*交办\s*<", main)) == 1
    assert "<h2>" not in main


# --- the enterprise sets the days ---------------------------------------------------------------

def test_the_director_sets_the_days_by_grade(client, auth, ent):
    login(auth, ent.director)
    page = page_of(client, "/org/settings")
    assert "一般隐患整改天数" in page and 'name="general_fix_days"' in page and 'value="7"' in page
    response = client.post("/org/settings", data=settings_form(general_fix_days="10",
                                                               major_fix_days="60"))
    assert response.status_code == 302
    db.session.refresh(ent.enterprise)
    assert (ent.enterprise.general_fix_days, ent.enterprise.major_fix_days) == (10, 60)


@pytest.mark.parametrize("field, value, message", [
    ("general_fix_days", "0", "请填写 1 到 365 之间的整天数。"),
    ("major_fix_days", "366", "请填写 1 到 365 之间的整天数。"),
    ("major_fix_days", "-3", "请填写 1 到 365 之间的整天数。"),
    ("general_fix_days", "", "请填写此项。"),
])
def test_bad_days_are_refused_in_chinese_and_nothing_changes(client, auth, ent, field, value, message):
    login(auth, ent.director)
    response = client.post("/org/settings", data=settings_form(**{field: value}, name="改名"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(ent.enterprise)
    assert (ent.enterprise.name, ent.enterprise.general_fix_days,
            ent.enterprise.major_fix_days) == (ent.enterprise.name, 7, 30)
    assert ent.enterprise.name != "改名"
