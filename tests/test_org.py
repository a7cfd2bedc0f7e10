"""Departments, teams, shifts, people, enterprise settings and my account, through HTTP."""
import html
import re
from datetime import time

import pytest
from sqlalchemy import select

from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.org import services
from blueprints.org.models import Department, Enterprise, Role, Shift, Team, User
from tests import factories
from tests.factories import count


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


def people_listed(response) -> int:
    return len(re.findall(r'href="/org/users/\d+"', response.get_data(as_text=True)))


def new_user_form(ent, **overrides):
    return {"employee_no": "N100", "name": "新员工", "mobile": "13912345678",
            "role": Role.WORKER.value, "unit": f"t{ent.team.id}", "password": "initial-pw-1",
            **overrides}


def settings_form(**overrides):
    return {"name": "鲁安化工", "timezone": "Asia/Shanghai", "scoring_method": "LEC",
            "lec_red_min": "320", "lec_orange_min": "160", "lec_yellow_min": "70",
            "ls_red_min": "20", "ls_orange_min": "15", "ls_yellow_min": "9",
            "general_fix_days": "7", "major_fix_days": "30", "briefing_late_minutes": "30",
            "workday_start": "08:00", "certificate_warning_days": "60", **overrides}


# --- people ---------------------------------------------------------------------------------

def test_admin_adds_a_person_who_can_then_log_in(client, auth, ent):
    """Does an added person get a hashed password, an audit row, and a working login?"""
    auth.login(ent.admin)
    response = client.post("/org/users/new", data=new_user_form(ent))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.employee_no == "N100"))
    assert (user.name, user.team_id, user.department_id) == ("新员工", ent.team.id,
                                                             ent.department.id)
    assert user.password_hash != "initial-pw-1" and user.check_password("initial-pw-1")
    assert "user.created" in audit_actions()
    auth.logout()
    assert client.post("/login", data={"identifier": "N100",
                                       "password": "initial-pw-1"}).status_code == 302


def test_duplicate_employee_number_is_refused_in_chinese_and_nothing_written(client, auth, ent):
    """Is a second person with the same employee number refused, with nothing written?"""
    auth.login(ent.admin)
    users, audits = count(User), count(AuditLog)
    response = client.post("/org/users/new",
                           data=new_user_form(ent, employee_no=ent.worker.employee_no))
    assert response.status_code == 400
    assert "企业内已有人使用此工号" in response.get_data(as_text=True)
    assert (count(User), count(AuditLog)) == (users, audits)


def test_same_employee_number_in_another_enterprise_is_allowed(client, auth, ent):
    """May two enterprises each have an employee with the same number?"""
    other = factories.standard_enterprise(code="other")
    auth.login(ent.admin, enterprise_code=ent.enterprise.code)
    response = client.post("/org/users/new",
                           data=new_user_form(ent, employee_no=other.worker.employee_no,
                                              mobile=other.worker.mobile))
    assert response.status_code == 302
    twins = db.session.scalars(select(User.enterprise_id).where(
        User.employee_no == other.worker.employee_no))
    assert sorted(twins) == [ent.enterprise.id, other.enterprise.id]


@pytest.mark.parametrize("overrides, message", [
    ({"mobile": "PLACEHOLDER"}, "企业内已有人使用此手机号"),
    ({"password": "short"}, "密码至少需要 8 个字符"),
    ({"unit": "t999999"}, "请选择在用的班组或部门"),
    ({"name": "  "}, "请输入姓名"),
])
def test_bad_person_input_is_refused_with_a_reason(client, auth, ent, overrides, message):
    """Are a taken mobile, a short password, an unknown team and a blank name refused?"""
    if overrides.get("mobile") == "PLACEHOLDER":
        overrides = {"mobile": ent.worker.mobile}
    auth.login(ent.admin)
    users = count(User)
    response = client.post("/org/users/new", data=new_user_form(ent, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(User) == users


def test_admin_edits_a_person_and_moves_them_to_a_department(client, auth, ent):
    """Does an edit change role and placement, and log what it was before?"""
    auth.login(ent.admin)
    response = client.post(f"/org/users/{ent.worker.id}", data={
        "employee_no": ent.worker.employee_no, "name": "改名", "mobile": "",
        "role": Role.DEPT_HEAD.value, "unit": f"d{ent.department.id}"})
    assert response.status_code == 302
    db.session.refresh(ent.worker)
    assert (ent.worker.name, ent.worker.role, ent.worker.team_id, ent.worker.mobile) == (
        "改名", "dept_head", None, None)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.updated"))
    assert log.subject_id == ent.worker.id and log.detail["before"]["role"] == "worker"


def test_admin_resets_a_password(client, auth, ent):
    """Can the admin set a new password, and is a short one refused?"""
    auth.login(ent.admin)
    url = f"/org/users/{ent.worker.id}/password"
    assert client.post(url, data={"password": "1234567"}).status_code == 400
    assert client.post(url, data={"password": "12345678"}).status_code == 302
    db.session.refresh(ent.worker)
    assert ent.worker.check_password("12345678")
    assert audit_actions()[-1] == "user.password_reset"


def test_admin_who_resets_his_own_password_stays_logged_in(client, auth, ent):
    """Does resetting one's own password keep this login while ending the others?"""
    auth.login(ent.admin)
    assert client.post(f"/org/users/{ent.admin.id}/password",
                       data={"password": "new-secret-1"}).status_code == 302
    assert client.get("/org/users").status_code == 200


def test_deactivated_person_cannot_log_in_until_reactivated(client, auth, ent):
    """Does deactivating stop the login, and reactivating restore it?"""
    auth.login(ent.admin)
    state = f"/org/users/{ent.worker.id}/state"
    assert client.post(state, data={"active": "0"}).status_code == 302
    auth.logout()
    assert auth.login(ent.worker).status_code == 400
    auth.login(ent.admin)
    assert client.post(state, data={"active": "1"}).status_code == 302
    auth.logout()
    assert auth.login(ent.worker).status_code == 302
    assert audit_actions()[-2:] == ["user.deactivated", "user.reactivated"]


def test_admin_cannot_deactivate_or_demote_themselves(client, auth, ent):
    """Is the admin kept from locking themselves out?"""
    auth.login(ent.admin)
    response = client.post(f"/org/users/{ent.admin.id}/state", data={"active": "0"})
    assert response.status_code == 400
    assert "不能停用自己" in response.get_data(as_text=True)
    response = client.post(f"/org/users/{ent.admin.id}", data={
        "employee_no": ent.admin.employee_no, "name": ent.admin.name, "role": "worker",
        "unit": f"d{ent.admin.department_id}"})
    assert response.status_code == 400
    db.session.refresh(ent.admin)
    assert ent.admin.active and ent.admin.role == "admin"


def test_a_person_with_records_is_deactivated_not_deleted(client, auth, ent):
    """May only a person nothing refers to be deleted?"""
    fresh = factories.make_user(ent.enterprise, team=ent.team)
    db.session.commit()
    auth.login(ent.admin)
    # The safety officer made the risk point: the audit log refers to them.
    response = client.post(f"/org/users/{ent.safety_officer.id}/state",
                           data={"action": "delete"})
    assert response.status_code == 400
    assert "不能删除" in response.get_data(as_text=True)
    assert db.session.get(User, ent.safety_officer.id) is not None
    page = client.get(f"/org/users/{ent.safety_officer.id}").get_data(as_text=True)
    assert 'value="delete"' not in page
    assert 'value="delete"' in client.get(f"/org/users/{fresh.id}").get_data(as_text=True)
    fresh_id = fresh.id
    assert client.post(f"/org/users/{fresh_id}/state", data={"action": "delete"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, fresh_id) is None
    assert audit_actions()[-1] == "user.deleted"


def test_admin_of_one_enterprise_cannot_change_anothers_people(client, auth, ent):
    """Does a POST with another enterprise's id answer 404 and change nothing?"""
    other = factories.standard_enterprise(code="other")
    auth.login(ent.admin, enterprise_code=ent.enterprise.code)
    response = client.post(f"/org/users/{other.worker.id}/state", data={"active": "0"})
    assert response.status_code == 404
    response = client.post(f"/org/teams/{other.team.id}/shifts",
                           data={"name": "X", "start": "08:00", "end": "16:00"})
    assert response.status_code == 404
    db.session.refresh(other.worker)
    assert other.worker.active and len(other.team.shifts) == 2


# --- the list of people ---------------------------------------------------------------------

def test_people_list_searches_filters_and_pages(client, auth, ent):
    """Do search, the filters and the pages find the right people among many?"""
    office = factories.make_department(ent.enterprise, "综合办公室")
    for n in range(60):
        factories.make_user(ent.enterprise, department=office, name=f"测试{n:02d}",
                            employee_no=f"X{n:03d}", mobile=None)
    db.session.commit()
    auth.login(ent.admin)
    first = client.get("/org/users")
    assert people_listed(first) == services.USERS_PER_PAGE
    assert "第 1/3 页" in first.get_data(as_text=True)
    assert people_listed(client.get("/org/users?page=3")) == 68 - 2 * services.USERS_PER_PAGE
    assert people_listed(client.get("/org/users?q=测试0")) == 10
    assert people_listed(client.get("/org/users?q=x042")) == 1
    # the team's three people and the department head
    assert people_listed(client.get(f"/org/users?department={ent.department.id}")) == 4
    heads = client.get("/org/users?role=dept_head")
    assert people_listed(heads) == 1 and ent.dept_head.name in heads.get_data(as_text=True)


def test_people_list_answers_htmx_with_the_list_only(client, auth, ent):
    """Does the filter form get only the list fragment back when htmx asks?"""
    auth.login(ent.admin)
    fragment = client.get("/org/users?q=zzz", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "没有符合条件的人员" in fragment


# --- departments, teams and shifts ----------------------------------------------------------

def test_admin_builds_a_department_with_a_team_and_shifts(client, auth, ent):
    """Can the admin create and edit a department, a team and its day and night shifts?"""
    auth.login(ent.admin)
    assert client.post("/org/departments/new", data={"name": "罐区储运部"}).status_code == 302
    tanks = db.session.scalar(select(Department).where(Department.name == "罐区储运部"))
    assert client.post(f"/org/departments/{tanks.id}", data={"name": "罐区部"}).status_code == 302
    response = client.post("/org/teams/new", data={"name": "罐区班", "department_id": tanks.id})
    assert response.status_code == 302
    team = db.session.scalar(select(Team).where(Team.name == "罐区班"))
    for name, start, end in (("白班", "08:00", "16:00"), ("夜班", "22:00", "06:00")):
        response = client.post(f"/org/teams/{team.id}/shifts",
                               data={"name": name, "start": start, "end": end})
        assert response.status_code == 302
    night = db.session.scalar(select(Shift).where(Shift.team_id == team.id, Shift.name == "夜班"))
    assert services.runs_past_midnight(night)
    assert client.post(f"/org/shifts/{night.id}",
                       data={"name": "夜班", "start": "00:00", "end": "08:00"}).status_code == 302
    db.session.refresh(night)
    assert (night.start, night.end) == (time(0), time(8))
    page = client.get("/org/departments").get_data(as_text=True)
    assert "罐区部" in page and "08:00–16:00" in page
    assert "20:00–次日 08:00" in page  # the standard team's night shift
    assert audit_actions()[-6:] == ["department.created", "department.updated", "team.created",
                                    "shift.created", "shift.created", "shift.updated"]


def test_a_shift_nothing_refers_to_can_be_deleted(client, auth, ent):
    """Can a shift be deleted from its page?"""
    auth.login(ent.admin)
    shift = ent.team.shifts[0]
    shift_id = shift.id
    assert client.get(f"/org/shifts/{shift_id}").status_code == 200
    assert client.post(f"/org/shifts/{shift_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Shift, shift_id) is None
    assert audit_actions()[-1] == "shift.deleted"


def test_bad_shift_time_is_refused(client, auth, ent):
    """Is a shift without a valid time refused with nothing written?"""
    auth.login(ent.admin)
    shifts = count(Shift)
    response = client.post(f"/org/teams/{ent.team.id}/shifts",
                           data={"name": "中班", "start": "25:00", "end": "16:00"})
    assert response.status_code == 400
    assert count(Shift) == shifts


def test_duplicate_department_name_is_refused(client, auth, ent):
    """Is a second department with the same name refused in Chinese?"""
    auth.login(ent.admin)
    response = client.post("/org/departments/new", data={"name": ent.department.name})
    assert response.status_code == 400
    assert "企业内已有此名称" in response.get_data(as_text=True)


def test_moving_a_team_moves_its_people(client, auth, ent):
    """Do a team's people follow it to its new department?"""
    other = factories.make_department(ent.enterprise, "设备动力部")
    db.session.commit()
    auth.login(ent.admin)
    response = client.post(f"/org/teams/{ent.team.id}",
                           data={"name": ent.team.name, "department_id": other.id})
    assert response.status_code == 302
    db.session.refresh(ent.worker)
    assert ent.worker.department_id == other.id


def test_departments_and_teams_with_people_are_deactivated_in_order(client, auth, ent):
    """Must a department's teams and people be deactivated before it, and never deleted
    while records refer to them?"""
    auth.login(ent.admin)
    dept_state = f"/org/departments/{ent.department.id}/state"
    response = client.post(dept_state, data={"active": "0"})
    assert response.status_code == 400 and "请先停用或调走" in response.get_data(as_text=True)
    assert client.post(f"/org/teams/{ent.team.id}/state", data={"action": "delete"}).status_code == 400
    assert client.post(f"/org/teams/{ent.team.id}/state", data={"active": "0"}).status_code == 400
    for person in (ent.worker, ent.worker2, ent.team_leader, ent.dept_head):
        assert client.post(f"/org/users/{person.id}/state", data={"active": "0"}).status_code == 302
    assert client.post(f"/org/teams/{ent.team.id}/state", data={"active": "0"}).status_code == 302
    assert client.post(dept_state, data={"active": "0"}).status_code == 302
    db.session.refresh(ent.department)
    assert not ent.department.active
    # a deactivated department is not offered to new people
    assert f'value="d{ent.department.id}"' not in client.get("/org/users/new").get_data(as_text=True)
    assert client.post(dept_state, data={"action": "delete"}).status_code == 400
    assert db.session.get(Department, ent.department.id) is not None


def test_names_with_markup_show_literally(client, auth, ent):
    """Is text like 压力<0.5MPa shown escaped, not as markup?"""
    auth.login(ent.admin)
    client.post("/org/departments/new", data={"name": "压力<0.5MPa<script>"})
    client.post("/org/users/new", data=new_user_form(ent, name="<b>压力<0.5MPa</b>"))
    departments = client.get("/org/departments").get_data(as_text=True)
    assert "压力&lt;0.5MPa&lt;script&gt;" in departments and "<script>" not in departments
    people = client.get("/org/users").get_data(as_text=True)
    assert "&lt;b&gt;压力&lt;0.5MPa&lt;/b&gt;" in people and "<b>压力" not in people


# --- who may do what ------------------------------------------------------------------------

def _org_urls(app, ent):
    """Every org URL that only managers may use, with ids of the enterprise's own rows."""
    ids = {"user_id": ent.worker.id, "department_id": ent.department.id, "team_id": ent.team.id,
           "shift_id": ent.team.shifts[0].id}
    for rule in app.url_map.iter_rules():
        # The settings editors' pages (the working-day calendar: tests/test_workdays.py).
        if rule.endpoint.startswith("org.") and rule.endpoint not in (
                "org.account", "org.settings", "org.calendar", "org.delete_calendar_day"):
            yield rule, rule.build({name: ids[name] for name in rule.arguments})[1]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_other_roles_may_not_manage_people(app, client, auth, ent, role):
    """Does every org page answer 403 to everyone but the admin, for GET and POST alike?"""
    user = next(u for u in vars(ent).values() if isinstance(u, User) and u.role == role.value)
    auth.login(user)
    users, audits = count(User), count(AuditLog)
    for rule, url in _org_urls(app, ent):
        for method in rule.methods & {"GET", "POST"}:
            assert client.open(url, method=method, data=new_user_form(ent)).status_code == 403, url
    settings = client.get("/org/settings").status_code
    assert settings == (200 if role is Role.SAFETY_DIRECTOR else 403)
    assert (count(User), count(AuditLog)) == (users, audits)


# --- enterprise settings --------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ADMIN, Role.SAFETY_DIRECTOR])
def test_settings_are_saved_and_logged_without_regrading(client, auth, ent, role):
    """Do the admin and the safety director save the settings, logged, leaving the risk
    points' grades as they were?"""
    user = ent.admin if role is Role.ADMIN else ent.director
    grade = ent.point.computed_grade
    auth.login(user)
    response = client.post("/org/settings", data=settings_form(
        scoring_method="LS", lec_yellow_min="100", ls_red_min="16", ls_orange_min="12"))
    assert response.status_code == 302
    enterprise = db.session.get(Enterprise, ent.enterprise.id)
    db.session.refresh(enterprise)
    assert (enterprise.name, enterprise.scoring_method, enterprise.lec_yellow_min,
            enterprise.ls_red_min) == ("鲁安化工", "LS", 100, 16)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "enterprise.settings_updated"))
    assert log.actor_id == user.id and log.detail["before"]["scoring_method"] == "LEC"
    db.session.refresh(ent.point)
    assert ent.point.computed_grade == grade


@pytest.mark.parametrize("overrides, message", [
    ({"lec_orange_min": "400"}, "红 > 橙 > 黄 > 0"),
    ({"lec_yellow_min": "0"}, "红 > 橙 > 黄 > 0"),
    ({"ls_orange_min": "9"}, "25 ≥ 红 > 橙 > 黄 > 0"),
    ({"ls_red_min": "30"}, "25 ≥ 红 > 橙 > 黄 > 0"),
    ({"timezone": "Mars/Olympus"}, "未知的时区"),
    ({"scoring_method": "XYZ"}, ""),
])
def test_bad_settings_are_refused_and_nothing_changes(client, auth, ent, overrides, message):
    """Are bands out of order, an unknown time zone and an unknown method refused?"""
    auth.login(ent.admin)
    audits = count(AuditLog)
    response = client.post("/org/settings", data=settings_form(**overrides))
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    db.session.refresh(ent.enterprise)
    assert (ent.enterprise.lec_orange_min, ent.enterprise.ls_red_min,
            ent.enterprise.timezone) == (160, 20, "Asia/Shanghai")
    assert count(AuditLog) == audits


# --- my account -----------------------------------------------------------------------------

def test_everyone_changes_their_own_password_with_the_current_one(client, auth, ent):
    """Does changing one's password need the current one, and then work for login?"""
    auth.login(ent.worker)
    assert client.get("/account").status_code == 200
    response = client.post("/account", data={"current": "wrong", "new": "new-secret-1",
                                             "confirm": "new-secret-1"})
    assert response.status_code == 400 and "当前密码错误" in response.get_data(as_text=True)
    response = client.post("/account", data={"current": factories.PASSWORD, "new": "new-secret-1",
                                             "confirm": "new-secret-2"})
    assert response.status_code == 400
    response = client.post("/account", data={"current": factories.PASSWORD, "new": "new-secret-1",
                                             "confirm": "new-secret-1"})
    assert response.status_code == 302
    assert audit_actions()[-1] == "user.password_changed"
    auth.logout()
    assert auth.login(ent.worker).status_code == 400
    assert auth.login(ent.worker, password="new-secret-1").status_code == 302
