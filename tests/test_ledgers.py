"""The other ledgers an inspector asks for: the risk register (风险分级管控清单), the
check-item list (隐患排查清单) and the check records (隐患排查记录), each on its printed
page and cell by cell in Excel; and the page that lists every ledger."""
from datetime import datetime

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.inspections import services as inspections
from blueprints.inspections.services import Answer
from blueprints.risk_points import services as rp
from blueprints.risk_points.models import CheckLevel, Frequency
from tests import factories

# 2026-06-10 09:00 in Shanghai.
NOW = datetime(2026, 6, 10, 1, 0)


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def points(ent):
    """The standard point, and a red one of another department (a formula for its name) with
    a team item and an enterprise-level monthly item."""
    tanks = factories.make_department(ent.enterprise, "罐区")
    red = factories.make_risk_point(
        ent.enterprise, tanks, code="RP-RED", name=factories.FORMULA, lec=(10, 6, 40), location="液氨罐区",
        kind="activity", hazard_factors="氨泄漏", accident_types="中毒和窒息", control_measures="双人巡检",
        control_level="company", responsible_user_id=ent.director.id, actor=ent.safety_officer,
        items=[rp.ItemData("液位计读数正常", "不超过 85%"),
               rp.ItemData("月度全面检查", "按检查表", frequency=Frequency.MONTHLY,
                           level=CheckLevel.ENTERPRISE)])
    db.session.commit()
    return ent.point, red


def test_the_risk_register_lists_each_point_with_its_items_most_serious_first(client, auth, ent, points):
    standard, red = points
    auth.login(ent.worker)
    book = factories.xlsx(client.get("/points/register?format=xlsx"))
    sheet = book.active
    assert sheet.title == "风险分级管控清单" and ent.enterprise.name in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [
        "序号", "编号", "风险点", "风险类别", "位置", "评价方法", "风险值", "风险等级", "管控层级",
        "危险有害因素",
        "可能导致的事故类型", "管控措施", "检查项目", "检查标准", "责任部门", "责任班组", "责任人"]
    first = [c.value for c in sheet[3]]
    assert first == [1, "RP-RED", factories.FORMULA, "作业活动", "液氨罐区", "LEC: L=10 E=6 C=40", 2400,
                     "重大风险", "公司级", "氨泄漏", "中毒和窒息", "双人巡检",
                     "1. 液位计读数正常\n2. 月度全面检查",
                     "1. 不超过 85%\n2. 按检查表", "罐区", None, ent.director.name]
    assert sheet["C3"].data_type == "s" and sheet["C3"].quotePrefix
    second = [c.value for c in sheet[4]]
    assert second[1] == standard.code and second[3] == "设备设施"
    assert second[12] == "1. 压力表读数正常\n2. 无泄漏"
    assert second[13] is None and second[15] == "合成甲班" and sheet.max_row == 4
    html = client.get("/points/register").get_data(as_text=True)
    assert f'<a href="/points/{red.id}">' in html


def test_the_register_filters_by_grade_and_department(client, auth, ent, points):
    standard, _red = points
    auth.login(ent.safety_officer)
    red_only = factories.xlsx(client.get("/points/register?grade=red&format=xlsx")).active
    assert [r[1] for r in red_only.iter_rows(min_row=3, values_only=True)] == ["RP-RED"]
    ours = client.get(f"/points/register?department={ent.department.id}").get_data(as_text=True)
    assert standard.code in ours and "RP-RED" not in ours


def test_the_check_item_list_has_a_row_per_item_and_filters_by_level(client, auth, ent, points):
    auth.login(ent.team_leader)
    sheet = factories.xlsx(client.get("/points/check-items?format=xlsx")).active
    assert [c.value for c in sheet[2]] == ["序号", "编号", "风险点", "风险等级", "检查项目", "检查标准",
                                           "检查频次", "检查层级", "责任部门", "责任班组", "责任人"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[4] for r in rows] == ["液位计读数正常", "月度全面检查", "压力表读数正常", "无泄漏"]
    assert rows[1][:9] == (2, "RP-RED", factories.FORMULA, "重大风险", "月度全面检查", "按检查表", "每月",
                           "公司排查", "罐区")
    enterprise_level = factories.xlsx(client.get("/points/check-items?level=enterprise&format=xlsx")).active
    assert [r[:2] for r in enterprise_level.iter_rows(min_row=3, values_only=True)] == [(1, "RP-RED")]


def _check(user, point, results, scanned=True, level="team", frequency="shift"):
    if scanned:
        inspections.record_scan(user, point.current_token, "test")
    items = [i for i in point.checklist.items if i.level == level and i.frequency_key == frequency]
    answers = [Answer(item.id, result, note="法兰渗漏" if result == "abnormal" else "")
               for item, result in zip(items, results, strict=True)]
    return inspections.submit_check(user, point, level, frequency, answers).inspection


def test_check_records_show_each_item_with_its_checker_scan_and_result(client, auth, ent, points):
    standard, _red = points
    clock.freeze(datetime(2026, 6, 9, 1, 0))
    first = _check(ent.worker, standard, ["ok", "abnormal"])
    clock.freeze(datetime(2026, 6, 9, 13, 0))
    _check(ent.worker2, standard, ["ok", "ok"], scanned=False)
    clock.freeze(datetime(2025, 12, 1, 1, 0))
    _check(ent.worker, standard, ["ok", "ok"])
    db.session.commit()
    clock.freeze(NOW)
    auth.login(ent.team_leader)
    sheet = factories.xlsx(client.get("/inspections/ledger?format=xlsx")).active
    assert sheet.title == "隐患排查记录" and "2026-01-01 至 2026-06-10" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [
        "序号", "检查时间", "编号", "风险点", "责任班组", "检查层级", "检查频次", "检查人", "工号", "扫码",
        "检查项目", "检查结果", "说明", "照片", "登记隐患"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 4   # two checks of two items this year; last year's is not in the period
    assert rows[0] == (1, datetime(2026, 6, 9, 9, 0), standard.code, standard.name, "合成甲班",
                       "岗位/班组排查", "每班", ent.worker.name, ent.worker.employee_no, "已扫码",
                       "压力表读数正常", "正常", None, None, None)
    assert rows[1][10:] == ("无泄漏", "异常", "法兰渗漏", None, "是")
    assert rows[2][7] == ent.worker2.name and rows[2][9] == "未扫码"
    assert rows[2][1] == datetime(2026, 6, 9, 21)
    abnormal = factories.xlsx(client.get("/inspections/ledger?result=abnormal&format=xlsx")).active
    assert [r[10] for r in abnormal.iter_rows(min_row=3, values_only=True)] == ["无泄漏"]
    unscanned = client.get("/inspections/ledger?scan=none").get_data(as_text=True)
    assert ent.worker2.name in unscanned and ent.worker.employee_no not in unscanned
    html = client.get(f"/inspections/ledger?point={standard.id}").get_data(as_text=True)
    assert f'<a href="/inspections/{first.id}">{standard.name}</a>' in html


def test_check_records_are_the_checks_each_reader_may_see(client, auth, ent, points):
    _standard, red = points
    _check(ent.director, red, ["ok"], scanned=False, level="enterprise", frequency="monthly")
    db.session.commit()
    auth.login(ent.team_leader)   # the red point is not his team's, nor the check his team's
    assert "月度全面检查" not in client.get("/inspections/ledger").get_data(as_text=True)
    auth.logout()
    auth.login(ent.safety_officer)
    assert "月度全面检查" in client.get("/inspections/ledger").get_data(as_text=True)
    auth.logout()
    auth.login(ent.worker)
    assert client.get("/inspections/ledger").status_code == 403


def test_the_ledgers_page_lists_what_each_may_open(client, auth, ent):
    auth.login(ent.director)
    html = client.get("/ledgers").get_data(as_text=True)
    for url in ("/hazards/ledger", "/hazards/ledger/major", "/inspections/ledger", "/points/register",
                "/points/check-items", "/training/ledger", "/rewards/ledger"):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    assert 'href="/ledgers"' in client.get("/home").get_data(as_text=True)
    auth.logout()
    auth.login(ent.worker)
    html = client.get("/ledgers").get_data(as_text=True)
    assert 'href="/points/register"' in html and 'href="/hazards/ledger"' not in html
    assert 'href="/ledgers"' not in client.get("/home").get_data(as_text=True)


def test_check_records_download_a_year_at_a_time(client, auth, ent, points):
    auth.login(ent.safety_officer)
    response = client.get("/inspections/ledger?from=2024-01-01&to=2026-06-10&format=xlsx")
    assert response.status_code == 302 and "format" not in response.headers["Location"]
    assert "from=2024-01-01" in response.headers["Location"]
    assert "检查记录一次最多下载一年" in client.get(response.headers["Location"]).get_data(as_text=True)
    factories.xlsx(client.get("/inspections/ledger?from=2025-06-10&to=2026-06-09&format=xlsx"))
