"""One scan covers the whole point: every group due for the worker on one screen, sent
together, each group its own inspection; the confirmation; the code typed from the label."""
import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from blueprints.inspections import services
from blueprints.inspections.models import Inspection, Scan
from blueprints.risk_points.services import ItemData
from tests import factories
from tests.factories import count

NOW = datetime(2025, 3, 12, 2, 0)   # 10:00 in Shanghai, in the day shift
TEXTS = {"hours:2": ["储罐压力表读数正常"], "shift": ["液位计显示正常", "阀门无泄漏"],
         "daily": ["喷淋水系统备用"]}


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def tank(ent):
    """液氨储罐区: team checks every 2 hours, every shift and daily, and a weekly workshop one."""
    items = [ItemData(TEXTS["hours:2"][0], frequency="hours", every_hours=2),
             *(ItemData(text) for text in TEXTS["shift"]),
             ItemData(TEXTS["daily"][0], frequency="daily"),
             ItemData("围堰完好", frequency="weekly", level="workshop")]
    point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, items=items,
                                      name="液氨储罐区", code="FX-101")
    db.session.commit()
    return point


def item_ids(point, frequency_key):
    return [i.id for i in point.checklist.items if i.frequency_key == frequency_key and i.level == "team"]


def whole_form(point, keys=("hours:2", "shift", "daily"), result="ok", **extra):
    """The whole-point form as the page sends it: one "unit" field per group."""
    data = {"version_id": str(point.checklist.id), "unit": [f"team|{key}" for key in keys]}
    for key in keys:
        for item_id in item_ids(point, key):
            data[f"result-{item_id}"] = result
    data.update(extra)
    return data


def test_one_scan_opens_every_group_due_for_the_worker(client, auth, ent, tank):
    """Does the scan link open all the team groups of the point on one form (and not the
    department head's weekly check), each group with its state?"""
    auth.login(ent.worker)
    response = client.get(f"/q/{tank.current_token.token}", follow_redirects=True)
    html = response.get_data(as_text=True)
    for texts in TEXTS.values():
        assert all(text in html for text in texts)
    for key in TEXTS:
        assert f'name="unit" value="team|{key}"' in html
    assert "每 2 小时" in html and "每班" in html and "每天" in html
    assert html.count('id="check-form"') == 1 and "围堰完好" not in html
    assert "提交检查 (4)" in html


def test_groups_done_this_period_are_named_not_asked(client, auth, ent, tank):
    """Is a group already checked this period left out of the form and named as done?"""
    services.submit_check(ent.worker, tank, "team", "daily",
                          [services.Answer(i, "ok") for i in item_ids(tank, "daily")])
    db.session.commit()
    auth.login(ent.worker)
    html = client.get(f"/points/{tank.id}/check").get_data(as_text=True)
    assert 'value="team|daily"' not in html and 'value="team|shift"' in html
    assert "本期已完成" in html and f"/points/{tank.id}/check?level=team&amp;freq=daily" in html


def test_one_submit_stores_each_group_against_its_own_period(client, auth, ent, tank):
    """Does one press store one inspection per group, with its own frequency key and
    version, the first under the form's UUID and the others under UUIDs derived from it,
    and answer with the confirmation (not the record page)?"""
    auth.login(ent.worker)
    client.get(f"/q/{tank.current_token.token}")
    leak = item_ids(tank, "shift")[1]
    data = whole_form(tank, client_uuid="form-1", **{f"result-{leak}": "abnormal",
                                                     f"note-{leak}": "法兰结霜"})
    response = client.post(f"/points/{tank.id}/check", data=data)
    assert response.status_code == 302
    inspections = db.session.scalars(select(Inspection).order_by(Inspection.id)).all()
    assert [i.frequency_key for i in inspections] == ["hours:2", "shift", "daily"]
    assert {i.checklist_version_id for i in inspections} == {tank.checklist.id}
    assert [len(i.answers) for i in inspections] == [1, 2, 1] and not any(i.no_scan for i in inspections)
    assert inspections[0].client_uuid == "form-1"
    assert inspections[1].client_uuid == str(uuid.uuid5(uuid.NAMESPACE_URL, "form-1|team|shift"))
    location = response.headers["Location"]
    assert location == f"/inspections/{inspections[0].id}/done?i={inspections[1].id}&i={inspections[2].id}"
    hazard = db.session.scalar(select(Hazard))
    assert hazard.inspection_id == inspections[1].id
    page = client.get(location).get_data(as_text=True)
    assert "data-check-done" in page and "已完成 液氨储罐区 4 项" in page
    assert "发现 1 处异常" in page and f'href="/hazards/{hazard.id}">隐患 #{hazard.id}</a>' in page
    assert f'href="/inspections/{inspections[0].id}"' in page
    # next: the team's other point, due this shift
    assert f'href="/points/{ent.point.id}/check"' in page and ent.point.name in page
    home = client.get("/home").get_data(as_text=True)
    assert home.count("state-done") >= 3


def test_a_refused_group_stores_nothing_and_keeps_every_answer(client, auth, ent, tank):
    """Is the whole submission refused when one group is incomplete: nothing stored, the
    form shown again with the reason and every answer given?"""
    auth.login(ent.worker)
    data = whole_form(tank, result="na")
    del data[f"result-{item_ids(tank, 'daily')[0]}"]
    response = client.post(f"/points/{tank.id}/check", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请逐项填写" in html and TEXTS["daily"][0] in html
    assert html.count('value="na" checked') == 3 and 'value="team|hours:2"' in html
    assert (count(Inspection), count(Hazard)) == (0, 0)


def test_a_resent_form_stores_nothing_more(client, auth, ent, tank):
    """Does the same form sent twice (a double tap, a lost answer) lead to the same
    confirmation and store each group once?"""
    auth.login(ent.worker)
    first = client.post(f"/points/{tank.id}/check", data=whole_form(tank, client_uuid="again"))
    second = client.post(f"/points/{tank.id}/check", data=whole_form(tank, client_uuid="again"))
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Inspection) == 3


def test_the_one_group_link_still_opens_one_group(client, auth, ent, tank):
    """Does ?level=&freq= still open that group alone (also to check it again)?"""
    auth.login(ent.worker)
    html = client.get(f"/points/{tank.id}/check?level=team&freq=shift").get_data(as_text=True)
    assert 'value="team|shift"' in html and 'value="team|daily"' not in html
    assert f"/points/{tank.id}/check?level=team&amp;freq=daily" in html   # among the other checks


def test_everything_done_says_so(client, auth, ent, tank):
    """When every group of the user's is done, does the point say so instead of a form?"""
    for key in TEXTS:
        services.submit_check(ent.worker, tank, "team", key,
                              [services.Answer(i, "ok") for i in item_ids(tank, key)])
    db.session.commit()
    auth.login(ent.worker)
    html = client.get(f"/points/{tank.id}/check").get_data(as_text=True)
    assert 'id="check-form"' not in html and "本点您的检查均已完成" in html


def test_the_confirmation_shows_only_what_the_user_may_see(client, auth, ent, tank):
    """Does the confirmation show the maker his check, and another worker a 404?"""
    result = services.submit_check(ent.worker, tank, "team", "daily",
                                   [services.Answer(i, "ok") for i in item_ids(tank, "daily")])
    db.session.commit()
    url = f"/inspections/{result.inspection.id}/done"
    auth.login(ent.worker)
    assert client.get(url).status_code == 200
    auth.logout()
    auth.login(ent.worker2)
    assert client.get(url).status_code == 404


# --- the code typed from the label -----------------------------------------------------------

def test_a_typed_code_opens_the_check_recorded_as_typed(client, auth, ent, tank):
    """Does the code typed on the scanner screen (any case, with spaces) open the point's
    check, recorded as typed, and is the check then flagged like a missed scan, its record
    saying 手输编码?"""
    auth.login(ent.worker)
    assert "输入标签上的编号" in client.get("/scan").get_data(as_text=True)
    response = client.post("/points/code", data={"code": " fx-101 "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/points/{tank.id}/check")
    scan = db.session.scalar(select(Scan))
    assert (scan.source, scan.risk_point_id, scan.user_id) == ("typed", tank.id, ent.worker.id)
    html = client.get(f"/points/{tank.id}/check").get_data(as_text=True)
    assert "已手输编号" in html and 'name="typed_code"' not in html
    client.post(f"/points/{tank.id}/check", data=whole_form(tank))
    inspections = db.session.scalars(select(Inspection)).all()
    assert len(inspections) == 3 and all(i.no_scan and i.scan_id == scan.id for i in inspections)
    record = client.get(f"/inspections/{inspections[0].id}").get_data(as_text=True)
    assert "手输编码" in record
    auth.logout()
    auth.login(ent.safety_officer)
    listed = client.get("/checks/unscanned").get_data(as_text=True)
    assert listed.count("手输编码") == 3 and listed.count(tank.name) == 3


@pytest.mark.parametrize("code", ["FX-999", "OTHER-1"])
def test_an_unknown_or_foreign_code_is_refused(client, auth, ent, tank, code):
    """Is a code no point of the user's enterprise has (also another enterprise's) refused
    with a clear message, recording nothing?"""
    other = factories.standard_enterprise()
    factories.make_risk_point(other.enterprise, other.department, other.team, code="OTHER-1")
    db.session.commit()
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)
    response = client.post("/points/code", data={"code": code})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and f"没有编号为“{code}”的风险点" in html
    assert f'value="{code}"' in html and count(Scan) == 0


def test_a_code_typed_on_the_check_form_counts_as_typed(client, auth, ent, tank):
    """Reached without a scan, does the check form take the label's code: the right one
    recorded as typed, a wrong one refused with the answers kept and nothing stored?"""
    auth.login(ent.worker)
    assert 'name="typed_code"' in client.get(f"/points/{tank.id}/check").get_data(as_text=True)
    wrong = client.post(f"/points/{tank.id}/check", data=whole_form(tank, typed_code="FX-102"))
    assert wrong.status_code == 400 and "不是液氨储罐区的编号" in wrong.get_data(as_text=True)
    assert (count(Inspection), count(Scan)) == (0, 0)
    client.post(f"/points/{tank.id}/check", data=whole_form(tank, typed_code="fx-101"))
    scan = db.session.scalar(select(Scan))
    assert scan.source == "typed"
    assert [(i.no_scan, i.scan_id) for i in db.session.scalars(select(Inspection))] == [(True, scan.id)] * 3
