"""Bad input in URLs and forms gets a 404 or a 400 with a message, never a 500: ids and
page numbers far beyond any row, dates at the ends of the calendar, line breaks in next=."""
import io

import pytest
from sqlalchemy import select

from blueprints.common.extensions import db
from blueprints.reporting import services as reporting
from tests import factories
from tests.test_inspections import form_for as check_form
from tests.test_risk_points import checklist_form, point_form

HUGE = 10 ** 20  # beyond a 64-bit integer, which is all a database column holds


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items()
                if type(converter).__name__.endswith("IntegerConverter")]
        if ints:
            yield rule, ints


def test_every_route_with_an_id_answers_404_to_a_huge_id(app, client, auth, ent):
    """Does every route taking an integer, with any method, answer a huge one with 404?"""
    from blueprints.hazards.routes import ACTION_PAGES
    auth.login(ent.director)
    wrong = []
    for rule, ints in _int_routes(app):
        words = {name: next(iter(ACTION_PAGES)) for name in set(rule.arguments) - set(ints)}
        url = rule.build({**{name: HUGE for name in ints}, **words})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = client.open(url, method=method).status_code
            if status != 404:
                wrong.append(f"{method} {url} -> {status}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("url", [
    "/hazards?page={n}", "/hazards?department={n}", "/points?department={n}",
    "/org/users?page={n}", "/org/users?department={n}", "/points/labels?ids={n}",
    "/org/teams/new?department={n}",
])
def test_huge_numbers_in_lists_are_no_error(client, auth, ent, url):
    """Is a page number or filter far beyond any row answered with a page, not a 500?"""
    auth.login(ent.admin)
    assert client.get(url.format(n=HUGE)).status_code in (200, 404)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_deadlines_at_the_ends_of_the_calendar_are_refused(client, auth, ent, day):
    """Is a deadline of year 1 or 9999 refused with a message, changing nothing?"""
    hazard = factories.make_hazard(ent)
    db.session.commit()
    auth.login(ent.director)
    response = client.post(f"/hazards/{hazard.id}/assign", data={
        "assignee_id": str(ent.worker.id), "deadline": day, "note": ""})
    assert response.status_code == 400
    assert "请填写 2000-01-01 至 2099-12-31 之间的日期" in response.get_data(as_text=True)
    db.session.refresh(hazard)
    assert hazard.assignee_id is None and hazard.deadline is None


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59+08:00",
                                    "0001-01-01T00:00:00+14:00"])
def test_client_times_at_the_ends_of_the_calendar_are_no_error(client, auth, ent, moment):
    """Does a check sent with a done_at of year 1 or 9999 give an answer, not a 500?"""
    auth.login(ent.worker)
    data = {f"result-{item.id}": "ok" for item in ent.point.checklist.items}
    data.update(level="team", freq="shift", version_id=str(ent.point.checklist.id), done_at=moment,
                scanned_at=moment, scan_token=ent.point.current_token.token, client_uuid="c-1")
    assert client.post(f"/points/{ent.point.id}/check", data=data).status_code in (200, 302, 400)


@pytest.mark.parametrize("path", ["/login?next=/home%0d%0aSet-Cookie:x=1", "/login?next=/%0aevil",
                                  "/login?next=/%5Cevil.example.com"])
def test_line_breaks_in_next_are_ignored_at_login(client, ent, path):
    """Does a next= with CR/LF (or a backslash, which browsers read as a slash) send the
    user home after login rather than fail or leave the site?"""
    response = client.post(path, data={"identifier": ent.worker.employee_no,
                                       "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/home"


def test_line_breaks_in_next_are_ignored_by_the_language_switch(client):
    """Does the language switch go home instead of failing on a next= with CR/LF?"""
    response = client.post("/lang/en", data={"next": "/login\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/home"


def test_huge_ids_in_forms_are_no_error(client, auth, ent):
    """Are huge ids in the report form, the check form and the phone's outbox refused or
    ignored rather than a 500?"""
    auth.login(ent.worker)
    report = {"description": "法兰渗漏", "location": "", "department_id": str(HUGE),
              "risk_point_id": str(HUGE), "category": "onsite", "client_uuid": ""}
    assert client.post("/hazards/new", data=report).status_code in (200, 400)
    check = {f"result-{item.id}": "ok" for item in ent.point.checklist.items}
    check.update(level="team", freq="shift", version_id=str(HUGE))
    assert client.post(f"/points/{ent.point.id}/check", data=check).status_code in (200, 302, 400)
    queued = {**report, "_kind": "hazard_report", "_user_id": str(ent.worker.id),
              "_done_at": "2026-11-28T01:00:00Z", "_action": "/hazards/new", "client_uuid": "q-1"}
    response = client.post("/api/v1/outbox", data=queued, content_type="multipart/form-data")
    assert response.status_code < 500



def test_huge_ids_in_the_admins_forms_are_refused(client, auth, ent):
    """Is a team of a department id beyond any row refused with a message, and a risk point
    of such a department, team and person no error?"""
    auth.login(ent.admin)
    response = client.post("/org/teams/new", data={"name": "丙班", "department_id": str(HUGE)})
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
    point = {"code": "FX-100", "name": "泵房", "department_id": str(HUGE), "team_id": str(HUGE),
             "responsible_user_id": str(HUGE), "control_level": "team"}
    assert client.post("/points/new", data=point).status_code < 500


def _everything(leave_out=()) -> dict:
    """Every row of every table, read afresh: a refusal leaves them all as they were."""
    db.session.rollback()
    return {table.name: db.session.execute(select(table)).all()
            for table in db.metadata.sorted_tables if table.name not in leave_out}


def _unreadable_photo():
    return io.BytesIO(b"not a photo"), "photo.jpg"


def _report(ent):
    return reporting.submit(ent.worker, reporting.ReportInput(kind="act", location="门口", description="x"))


# Each area's form, posted with input its service refuses: (who, url, data, the message).
REFUSED_POSTS = {
    "org": ("admin", lambda ent: "/org/departments/new",
            lambda ent: {"name": ent.department.name}, "企业内已有此名称"),
    "org_row": ("admin", lambda ent: f"/org/users/{ent.admin.id}/state",
                lambda ent: {"action": "delete"}, "不能删除自己"),
    "risk_point": ("safety_officer", lambda ent: "/points/new",
                   lambda ent: point_form(ent, code=ent.point.code), "已有风险点使用此编号"),
    "override": ("safety_officer", lambda ent: f"/points/{ent.point.id}/override",
                 lambda ent: {"grade": "red", "reason": " "}, "请填写调整等级的理由"),
    "checklist": ("safety_officer", lambda ent: f"/points/{ent.point.id}/checklist",
                  lambda ent: checklist_form(("", "", "shift", "", "team")), "第 1 项：请填写排查内容"),
    "hazard_report": ("worker", lambda ent: "/hazards/new",
                      lambda ent: {"description": "法兰渗漏", "location": "",
                                   "department_id": str(ent.department.id), "risk_point_id": "",
                                   "category": "onsite", "client_uuid": "",
                                   "photo": _unreadable_photo()}, "无法识别该文件为照片"),
    "report": ("worker", lambda ent: "/reports/new",
               lambda ent: {"kind": "act", "description": "未戴安全帽", "risk_point_id": str(ent.point.id),
                            "client_uuid": "", "photo": _unreadable_photo()}, "无法识别该文件为照片"),
    "report_answer": ("safety_officer", lambda ent: f"/reports/{_report(ent).id}/decline",
                      lambda ent: {"reason": " "}, "请说明原因"),
    "hazard_action": ("director", lambda ent: f"/hazards/{factories.make_hazard(ent).id}/assign",
                      lambda ent: {"assignee_id": str(ent.worker.id), "deadline": "2001-01-01"},
                      "整改期限必须晚于现在"),
    "check": ("worker", lambda ent: f"/points/{ent.point.id}/check",
              lambda ent: check_form(ent.point, {0: "ok", 1: "abnormal"}), "请填写说明或拍照"),
    "robot": ("director", lambda ent: "/notifications/robots",
              lambda ent: {"platform": "wecom", "url": "https://example.com/hook"},
              "请粘贴群机器人给出的 Webhook 地址"),
}


@pytest.mark.parametrize("area", REFUSED_POSTS)
def test_a_refused_post_answers_400_in_chinese_and_changes_nothing(client, auth, ent, area):
    """Does each area's form, refused by its service, come back with 400 and the reason in
    Chinese, with not one row of any table changed?"""
    who, url, data, message = REFUSED_POSTS[area]
    url, data = url(ent), data(ent)
    db.session.commit()
    auth.login(getattr(ent, who))
    before = _everything()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _everything() == before


def test_a_refused_login_answers_400_in_chinese_and_only_counts_the_failure(client, auth, ent):
    """Is a wrong password refused with 400 in Chinese, writing nothing but its count?"""
    before = _everything(leave_out={"login_failure"})
    response = auth.login(ent.worker, password="wrong")
    assert response.status_code == 400 and "工号、手机号或密码错误" in response.get_data(as_text=True)
    assert _everything(leave_out={"login_failure"}) == before


def test_a_refused_record_from_the_phone_answers_json_naming_its_field(client, auth, ent):
    """Does the outbox refuse a record whose photo cannot be read with 400 and JSON
    {"error": the reason in Chinese, "field": "photo"}, changing nothing?"""
    auth.login(ent.worker)
    queued = {"_kind": "hazard_report", "_user_id": str(ent.worker.id),
              "_done_at": "2026-11-28T01:00:00Z", "_action": "/hazards/new",
              "client_uuid": "q-photo-1", "description": "法兰渗漏", "location": "",
              "department_id": str(ent.department.id), "risk_point_id": "",
              "category": "onsite", "photo": _unreadable_photo()}
    before = _everything()
    response = client.post("/api/v1/outbox", data=queued, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json["error"] == "无法识别该文件为照片。"
    assert response.json["field"] == "photo" and response.json["client_uuid"] == "q-photo-1"
    assert _everything() == before


def test_a_refused_push_subscription_answers_json(client, auth, ent):
    """Is an unusable push subscription refused with 400 and JSON {"error", "field"}?"""
    auth.login(ent.worker)
    response = client.post("/notifications/push/subscribe", json={"endpoint": 5})
    assert response.status_code == 400
    assert response.json["error"] == "此浏览器发送的订阅信息无法使用。"
    assert response.json["field"] is None
