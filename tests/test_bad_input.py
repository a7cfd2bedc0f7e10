"""Bad input in URLs and forms gets a 404 or a 400 with a message, never a 500: ids and
page numbers far beyond any row, dates at the ends of the calendar, line breaks in next=."""
import pytest

from blueprints.common.extensions import db
from tests import factories

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
    data.update(level="team", freq="shift", version_id=str(ent.point.checklist.id), done_at=moment, scanned_at=moment, scan_token=ent.point.current_token.token,
                client_uuid="c-1")
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
