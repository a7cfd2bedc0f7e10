"""Risk points through HTTP: the list, a point's page, its form and its checklist."""
import re

import pytest
from sqlalchemy import select

from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.inspections import due
from blueprints.org.models import Department, Role, ScoringMethod
from blueprints.risk_points.models import ChecklistItem, ChecklistVersion, RiskPoint
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.factories import count


def point_form(ent, **overrides):
    return {"code": "FX-100", "name": "液氨储罐区", "location": "罐区东侧",
            "department_id": str(ent.department.id), "team_id": str(ent.team.id),
            "responsible_user_id": str(ent.dept_head.id), "control_level": "company",
            "hazard_factors": "液氨泄漏", "accident_types": "中毒和窒息", "control_measures": "每班巡检",
            "lec_l": "3", "lec_e": "6", "lec_c": "40", "required_certificate": "", "required_operation": "",
            **overrides}


def listed_codes(response) -> list[str]:
    return re.findall(r'<span class="muted">(RP-\d+|FX-\d+)</span>', response.get_data(as_text=True))


# --- the list -------------------------------------------------------------------------------

@pytest.fixture
def four_colours(ent):
    """Points in all four colours (the standard enterprise's own point is orange, 270)."""
    make = factories.make_risk_point
    points = {
        "blue": make(ent.enterprise, ent.department, code="FX-001", lec=(1, 6, 7)),
        "red": make(ent.enterprise, ent.department, code="FX-002", lec=(3, 3, 40)),
        "yellow": make(ent.enterprise, factories.make_department(ent.enterprise, "罐区储运部"),
                       code="FX-003", lec=(1, 10, 7)),
    }
    db.session.commit()
    return points


def test_list_is_sorted_most_serious_first_and_workers_see_it(client, auth, ent, four_colours):
    """Does everyone (a worker too) see the points red, orange, yellow, blue in that order?"""
    auth.login(ent.worker)
    response = client.get("/points")
    assert response.status_code == 200
    assert listed_codes(response) == ["FX-002", ent.point.code, "FX-003", "FX-001"]
    page = response.get_data(as_text=True)
    assert "重大风险" in page and "低风险" in page and "grade-blue" in page
    assert "打印二维码标签" not in page and "/points/new" not in page


def test_list_filters_by_colour_and_department_and_serves_the_partial(client, auth, ent,
                                                                      four_colours):
    """Do the filters work as a full page and as the htmx fragment?"""
    auth.login(ent.safety_officer)
    assert listed_codes(client.get("/points?grade=red")) == ["FX-002"]
    yellow_department = four_colours["yellow"].department_id
    full = client.get(f"/points?department={yellow_department}")
    assert listed_codes(full) == ["FX-003"] and "<html" in full.get_data(as_text=True)
    partial = client.get("/points?grade=blue", headers={"HX-Request": "true"})
    assert listed_codes(partial) == ["FX-001"] and "<html" not in partial.get_data(as_text=True)
    assert "打印二维码标签" in client.get("/points").get_data(as_text=True)


def test_other_enterprises_points_are_not_found(client, auth, ent):
    """Is another enterprise's point neither listed nor reachable?"""
    other = factories.standard_enterprise(code="other")
    auth.login(ent.safety_officer, enterprise_code=ent.enterprise.code)
    assert other.point.code not in client.get("/points").get_data(as_text=True)
    for url in (f"/points/{other.point.id}", f"/points/{other.point.id}/edit",
                f"/points/{other.point.id}/checklist", f"/points/{other.point.id}/qr.png"):
        assert client.get(url).status_code == 404, url


# --- a point's page -------------------------------------------------------------------------

def test_detail_shows_score_checklist_and_escapes_text(client, auth, ent):
    """Does the page show the score with its values, the checklist version and items, and
    print "压力<0.5MPa" literally?"""
    point = factories.make_risk_point(
        ent.enterprise, ent.department, name="消防泵房<script>", lec=(3, 6, 15),
        items=[ItemData("管网压力", "压力<0.5MPa时报警", "hours", 2, "workshop")])
    db.session.commit()
    auth.login(ent.worker)
    page = client.get(f"/points/{point.id}").get_data(as_text=True)
    assert "压力&lt;0.5MPa时报警" in page and "压力<0.5MPa" not in page
    assert "消防泵房&lt;script&gt;" in page and "<script>" not in page.split("</head>")[1]
    assert "D = L × E × C = 3 × 6 × 15 = 270" in page
    assert "较大风险" in page and "第 1 版" in page and "每 2 小时" in page and "车间排查" in page
    assert "编辑风险点" not in page and "/qr.png" not in page


def test_officer_sees_the_tools(client, auth, ent):
    """Does the safety officer get edit, override, checklist, QR and rotation on the page?"""
    auth.login(ent.safety_officer)
    page = client.get(f"/points/{ent.point.id}").get_data(as_text=True)
    for url in ("/edit", "/override", "/checklist", "/qr.png", "/rotate"):
        assert f"/points/{ent.point.id}{url}" in page, url


# --- create and edit ------------------------------------------------------------------------

def test_officer_creates_a_point(client, auth, ent):
    """Does the officer's form make a graded point with a QR token and an audit row?"""
    auth.login(ent.safety_officer)
    assert "3 · 可能，但不经常" in client.get("/points/new").get_data(as_text=True)
    response = client.post("/points/new", data=point_form(ent))
    point = db.session.scalar(select(RiskPoint).where(RiskPoint.code == "FX-100"))
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/points/{point.id}/checklist")
    assert (point.score, point.computed_grade, point.team_id) == (720, "red", ent.team.id)
    assert point.current_token is not None
    assert db.session.scalar(select(AuditLog.action).where(
        AuditLog.subject_id == point.id, AuditLog.subject_type == "risk_point")) == \
        "risk_point.created"


def test_director_edits_a_point_and_the_grade_follows(client, auth, ent):
    """Does a new score change the computed grade?"""
    auth.login(ent.director)
    response = client.post(f"/points/{ent.point.id}/edit",
                           data=point_form(ent, code=ent.point.code, lec_l="1", lec_e="3",
                                           lec_c="7"))
    assert response.status_code == 302
    db.session.refresh(ent.point)
    assert (ent.point.score, ent.point.grade.value, ent.point.name) == (21, "blue", "液氨储罐区")
    assert len(ent.point.checklist_versions) == 1


@pytest.mark.parametrize("role", ["worker", "team_leader", "dept_head", "principal", "admin"])
def test_only_safety_staff_edit(client, auth, ent, role):
    """Are the forms refused (403) to everyone but the safety officer and director?"""
    auth.login(getattr(ent, role))
    before = count(RiskPoint)
    assert client.get("/points/new").status_code == 403
    assert client.post("/points/new", data=point_form(ent)).status_code == 403
    assert client.post(f"/points/{ent.point.id}/edit", data=point_form(ent)).status_code == 403
    assert client.post(f"/points/{ent.point.id}/checklist",
                       data={"items-0-text": "x", "action": "save"}).status_code == 403
    assert count(RiskPoint) == before


@pytest.mark.parametrize("overrides, message", [
    ({"lec_l": "7"}, "请从列表中选择 L、E、C 的取值"),
    ({"lec_c": ""}, "请从列表中选择 L、E、C 的取值"),
    ({"lec_e": "abc"}, "请从列表中选择 L、E、C 的取值"),
    ({"name": ""}, "请填写"),
    ({"code": "SAME"}, "已有风险点使用此编号"),
    ({"team_id": "OTHER"}, "该班组不属于所选部门"),
])
def test_bad_input_is_refused_in_chinese_and_writes_nothing(client, auth, ent, overrides,
                                                            message):
    """Does bad input come back as the form (400) with a Chinese message and no writes?"""
    if overrides.get("code") == "SAME":
        overrides["code"] = ent.point.code
    if overrides.get("team_id") == "OTHER":
        elsewhere = factories.make_team(factories.make_department(ent.enterprise, "设备动力部"))
        db.session.commit()
        overrides["team_id"] = str(elsewhere.id)
    auth.login(ent.safety_officer)
    points, audits, versions = count(RiskPoint), count(AuditLog), count(ChecklistVersion)
    response = client.post("/points/new", data=point_form(ent, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (count(RiskPoint), count(AuditLog), count(ChecklistVersion)) == (points, audits,
                                                                            versions)


def test_ls_enterprise_scores_by_l_and_s(client, auth):
    """Does an LS enterprise's form ask for L and S (1–5) and grade by R = L×S?"""
    ent = factories.standard_enterprise(scoring_method=ScoringMethod.LS.value)
    auth.login(ent.safety_officer)
    form = client.get("/points/new").get_data(as_text=True)
    assert 'name="ls_s"' in form and 'name="lec_e"' not in form
    data = point_form(ent, ls_l="4", ls_s="5")
    assert client.post("/points/new", data=data).status_code == 302
    point = db.session.scalar(select(RiskPoint).where(RiskPoint.code == "FX-100"))
    assert (point.scoring_method, point.score, point.computed_grade) == ("LS", 20, "red")
    refused = client.post("/points/new", data=point_form(ent, code="FX-101", ls_l="6", ls_s="1"))
    assert refused.status_code == 400 and "请选择 1 至 5 之间的 L 和 S" in refused.get_data(
        as_text=True)


def test_grade_preview(client, auth, ent):
    """Does the live preview give the grade of the values picked so far?"""
    auth.login(ent.safety_officer)
    page = client.get("/points/grade?lec_l=3&lec_e=3&lec_c=40",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "D = 360" in page and "重大风险" in page
    assert "选择取值后显示风险等级" in client.get("/points/grade?lec_l=3").get_data(as_text=True)


# --- the checklist --------------------------------------------------------------------------

def checklist_form(*items, action="save"):
    data = {"action": action}
    for n, (text, standard, frequency, every_hours, level) in enumerate(items):
        data.update({f"items-{n}-text": text, f"items-{n}-standard": standard,
                     f"items-{n}-frequency": frequency, f"items-{n}-every_hours": every_hours,
                     f"items-{n}-level": level})
    return data


def test_saving_the_checklist_makes_version_two_and_keeps_version_one(client, auth, ent):
    """Does a saved checklist become version 2, with version 1's items untouched?"""
    first = ent.point.checklist
    before = [(i.id, i.text, i.standard, i.frequency) for i in first.items]
    auth.login(ent.safety_officer)
    response = client.post(f"/points/{ent.point.id}/checklist", data=checklist_form(
        ("储罐压力表读数", "压力<0.5MPa", "hours", "2", "team"),
        ("围堰完好", "", "weekly", "", "workshop")))
    assert response.status_code == 302
    db.session.refresh(ent.point)
    current = ent.point.checklist
    assert current.number == 2 and current.created_by_id == ent.safety_officer.id
    assert [(i.text, i.frequency, i.every_hours, i.level) for i in current.items] == [
        ("储罐压力表读数", "hours", 2, "team"), ("围堰完好", "weekly", None, "workshop")]
    db.session.expire_all()
    version_one = db.session.get(ChecklistVersion, first.id)
    assert [(i.id, i.text, i.standard, i.frequency) for i in version_one.items] == before
    page = client.get(f"/points/{ent.point.id}").get_data(as_text=True)
    assert "第 2 版" in page and "压力&lt;0.5MPa" in page


@pytest.mark.parametrize("items, message", [
    ((), "排查清单至少需要一个项目"),
    ((("", "", "shift", "", "team"),), "第 1 项：请填写排查内容"),
    ((("压力", "", "hours", "", "team"),), "第 1 项：每隔几小时排查一次"),
    ((("压力", "", "hours", "25", "team"),), "第 1 项：每隔几小时排查一次"),
    ((("压力", "", "yearly", "", "team"),), "第 1 项：请选择排查频次"),
    ((("压力", "", "shift", "", "boss"),), "第 1 项：请选择排查层级"),
])
def test_bad_checklist_is_refused_and_writes_nothing(client, auth, ent, items, message):
    """Does a checklist with a bad item come back (400) with a Chinese message and no version?"""
    auth.login(ent.safety_officer)
    versions, items_before = count(ChecklistVersion), count(ChecklistItem)
    response = client.post(f"/points/{ent.point.id}/checklist", data=checklist_form(*items))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert (count(ChecklistVersion), count(ChecklistItem)) == (versions, items_before)


def test_add_move_and_remove_only_rearrange_the_page(client, auth, ent):
    """Do add, move and remove change the items on the page without saving anything?"""
    auth.login(ent.safety_officer)
    url = f"/points/{ent.point.id}/checklist"
    items = [("甲", "", "shift", "", "team"), ("乙", "", "daily", "", "team"),
             ("丙", "", "weekly", "", "workshop")]
    versions = count(ChecklistVersion)

    def texts(action):
        page = client.post(url, data=checklist_form(*items, action=action))
        assert page.status_code == 200
        return re.findall(r'name="items-\d+-text"[^>]*>([^<]*)</textarea>',
                          page.get_data(as_text=True))

    assert texts("up-1") == ["乙", "甲", "丙"]
    assert texts("down-1") == ["甲", "丙", "乙"]
    assert texts("remove-0") == ["乙", "丙"]
    assert texts("add") == ["甲", "乙", "丙", ""]
    assert texts("up-0") == ["甲", "乙", "丙"]
    assert count(ChecklistVersion) == versions


# --- control levels -------------------------------------------------------------------------

def test_red_point_at_team_level_needs_a_reason(client, auth, ent):
    """Is a red point set to team-level control refused in Chinese without a reason (and
    nothing written), saved with one, and the reason shown on its page?"""
    auth.login(ent.safety_officer)
    before = count(RiskPoint)
    refused = client.post("/points/new", data=point_form(ent, control_level="team"))
    assert refused.status_code == 400
    assert "重大风险的风险点最低应由公司级管控" in refused.get_data(as_text=True)
    assert count(RiskPoint) == before
    saved = client.post("/points/new", data=point_form(
        ent, control_level="team", control_reason="班组24小时值守，公司级每月复核"))
    assert saved.status_code == 302
    point = db.session.scalar(select(RiskPoint).where(RiskPoint.code == "FX-100"))
    assert (point.control_level, point.control_reason) == ("team", "班组24小时值守，公司级每月复核")
    page = client.get(f"/points/{point.id}").get_data(as_text=True)
    assert "重大风险最低应由公司级管控" in page and "班组24小时值守，公司级每月复核" in page


def test_editing_down_needs_a_reason_and_raising_drops_it(client, auth, ent):
    """Does editing a point below its grade's level need a reason, and is the reason dropped
    once the level is high enough again?"""
    auth.login(ent.director)
    url = f"/points/{ent.point.id}/edit"
    orange = {"code": ent.point.code, "lec_l": "3", "lec_e": "6", "lec_c": "15"}  # 270
    refused = client.post(url, data=point_form(ent, control_level="post", **orange))
    assert refused.status_code == 400 and "较大风险的风险点最低应由车间/部门级管控" in \
        refused.get_data(as_text=True)
    assert client.post(url, data=point_form(ent, control_level="post", control_reason="临时",
                                            **orange)).status_code == 302
    db.session.refresh(ent.point)
    assert ent.point.control_reason == "临时"
    assert client.post(url, data=point_form(ent, control_level="department",
                                            control_reason="临时", **orange)).status_code == 302
    db.session.refresh(ent.point)
    assert ent.point.control_reason is None


def test_a_point_below_its_level_without_a_reason_says_so(client, auth, ent):
    """Does a point stored below its grade's level without a reason (made before the rule)
    show that on its page?"""
    auth.login(ent.worker)
    page = client.get(f"/points/{ent.point.id}").get_data(as_text=True)
    assert "低于最低管控层级" in page and "未说明理由" in page


# --- checks that fall to nobody -------------------------------------------------------------

def test_workshop_checks_without_a_department_head(client, auth, ent):
    """In a department without a department head, are the workshop checks of its point shown
    as nobody's on the point page and the officer's and director's homes, kept on the
    director's list, and gone once a head is named?"""
    office = db.session.scalar(select(Department).where(Department.name == "安全环保部"))
    pool = factories.make_risk_point(
        ent.enterprise, office, name="污水处理池", lec=(1, 6, 100), control_level="company",
        items=[ItemData("井盖、护栏完好并上锁", frequency="daily", level="workshop")])
    db.session.commit()
    message = "车间级检查无人负责：安全环保部没有部门负责人"
    for user in (ent.safety_officer, ent.director):
        auth.login(user)
        assert message in client.get("/home").get_data(as_text=True)
        assert message in client.get(f"/points/{pool.id}").get_data(as_text=True)
        auth.logout()
    assert (pool.id, "workshop") in {(u.point.id, u.level) for u in due.units_for(ent.director)}
    auth.login(ent.worker)
    assert message not in client.get("/home").get_data(as_text=True)
    factories.make_user(ent.enterprise, Role.DEPT_HEAD, department=office)
    db.session.commit()
    assert message not in client.get(f"/points/{pool.id}").get_data(as_text=True)
    assert pool.id not in {u.point.id for u in due.units_for(ent.director)}


def test_team_checks_without_a_team_or_its_people(app, ent):
    """Are the team checks of a point without a team, and of one whose team has nobody
    active, nobody's; and a staffed team's not?"""
    empty = factories.make_team(ent.department, "乙班")
    no_team = factories.make_risk_point(ent.enterprise, ent.department, name="无班组")
    unstaffed = factories.make_risk_point(ent.enterprise, ent.department, empty, name="无人")
    db.session.commit()
    with app.test_request_context():
        found = {(g.point.id, g.level): str(g.message) for g in due.gaps(ent.enterprise.id)}
    assert found == {(no_team.id, "team"): "班组级检查无人负责：该风险点没有责任班组",
                     (unstaffed.id, "team"): "班组级检查无人负责：乙班没有在岗人员"}
    ent.worker.team_id = empty.id
    db.session.commit()
    assert (unstaffed.id, "team") not in {(g.point.id, g.level)
                                          for g in due.gaps(ent.enterprise.id)}


def test_htmx_history_restore_gets_the_whole_page_and_answers_vary(client, auth, ent):
    """After a history-cache miss htmx asks for the page it goes Back to (HX-Request and
    HX-History-Restore-Request): is it the whole page, not the list fragment? And do the
    answers that differ by these headers say so, for any cache between?"""
    auth.login(ent.safety_officer)
    restored = client.get("/points?grade=orange", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)
    assert ent.point.code in restored.get_data(as_text=True)
    fragment = client.get("/points", headers={"HX-Request": "true"})
    for response in (restored, fragment, client.get("/points")):
        assert "HX-Request" in response.vary and "HX-History-Restore-Request" in response.vary
    assert "HX-Request" not in client.get(f"/points/{ent.point.id}").vary
