"""隐患排查治理台账 and 重大事故隐患台账: a known set of hazards (one extended twice and
closed late, one closed on time, one open past its deadline, a major one with its
regulator report and 五定 plan, one of last year), each in its sheet with the ledger's
columns, on the printed page and cell by cell in Excel."""
import io
from datetime import datetime
from decimal import Decimal

import pytest

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.ledger import PAGE_ROWS
from blueprints.hazards import transitions
from blueprints.hazards.models import Hazard
from tests import factories
from tests.factories_ledger import at, found, known_hazards


@pytest.fixture
def given(ent):
    return known_hazards(ent)


def test_the_excel_ledger_has_a_sheet_per_category_with_every_column(client, auth, ent, given):
    auth.login(ent.safety_officer)
    book = factories.xlsx(client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&format=xlsx"))
    assert book.sheetnames == ["现场管理类隐患", "基础管理类隐患"]
    onsite = book["现场管理类隐患"]
    assert ent.enterprise.name in onsite["A1"].value and "2026-01-01 至 2026-06-10" in onsite["A1"].value
    assert [c.value for c in onsite[2]] == [
        "序号", "排查时间", "排查人员", "隐患部位", "责任部门", "隐患描述", "隐患等级", "隐患类别",
        "隐患来源",
        "整改措施", "整改资金（元）", "整改责任人", "整改期限", "完成情况", "验收人", "验收时间", "验收结果",
        "销号日期"]
    assert onsite.freeze_panes == "A3" and onsite.max_row == 5   # late, overdue, major; last year's not
    late = [c.value for c in onsite[3]]
    assert late == [
        1, datetime(2026, 3, 2, 9), ent.worker.name, f"{ent.point.name} · 东侧平台", "合成车间",
        "反应釜法兰渗漏",
        "一般隐患", "现场管理类", "直接登记", "重新紧固并试压", 420.5, ent.worker.name, datetime(2026, 3, 31),
        "逾期 5 天完成；期限延长 2 次（原定 2026-03-10）", ent.safety_officer.name, datetime(2026, 4, 5, 15),
        "退回 1 次后通过", datetime(2026, 4, 5)]
    assert onsite["B3"].number_format == "yyyy-mm-dd hh:mm" and onsite["M3"].number_format == "yyyy-mm-dd"
    overdue = [c.value for c in onsite[4]]
    assert overdue[5] == "安全阀铅封脱落" and overdue[13] == "已交办，已超期 5 天"
    assert overdue[16:] == [None, None]
    major = [c.value for c in onsite[5]]
    assert major[6] == "重大隐患" and major[9] == "更换报警器并联锁" and major[10] == 50000
    management = book["基础管理类隐患"]
    row = [c.value for c in management[3]]
    assert management.max_row == 3 and row[0] == 1 and row[2] == ent.safety_officer.name
    assert row[9:11] == ["补齐台账", None] and row[13] == "按期完成" and row[16] == "已通过"
    text = management["F3"]
    assert text.value == factories.FORMULA and text.data_type == "s" and text.quotePrefix


def test_the_page_shows_one_sheet_and_links_each_description_to_its_hazard(client, auth, ent, given):
    auth.login(ent.director)
    html = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10").get_data(as_text=True)
    assert "现场管理类 <span class=\"badge\">3</span>" in html
    assert "基础管理类 <span class=\"badge\">1</span>" in html
    assert f'<a href="/hazards/{given["late"].id}">反应釜法兰渗漏</a>' in html
    assert "去年的隐患" not in html and "点我" not in html   # the other sheet
    management = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&sheet=management").get_data(
        as_text=True)
    assert "补齐台账" in management and "反应釜法兰渗漏" not in management
    assert "&#34;点我&#34;" in management   # escaped text, never markup


def test_filters_narrow_both_the_page_and_the_excel_file(client, auth, ent, given):
    auth.login(ent.safety_officer)
    late = factories.xlsx(client.get(
        "/hazards/ledger?from=2026-01-01&to=2026-06-10&state=closed_late&format=xlsx"))
    assert [r[5] for r in late["现场管理类隐患"].iter_rows(min_row=3, values_only=True)] == ["反应釜法兰渗漏"]
    assert late["基础管理类隐患"].max_row == 2
    overdue = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&state=overdue").get_data(as_text=True)
    assert "安全阀铅封脱落" in overdue and "反应釜法兰渗漏" not in overdue
    major = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&grade=major").get_data(as_text=True)
    assert "液氨储罐区" in major and "安全阀铅封脱落" not in major
    other = factories.make_department(ent.enterprise, "罐区")
    db.session.commit()
    none = client.get(f"/hazards/ledger?from=2026-01-01&to=2026-06-10&department={other.id}").get_data(
        as_text=True)
    assert "反应釜法兰渗漏" not in none and "没有记录" in none
    last_year = client.get("/hazards/ledger?from=2025-01-01&to=2025-12-31").get_data(as_text=True)
    assert "去年的隐患" in last_year


def test_a_long_ledger_is_shown_a_window_at_a_time_and_exported_whole(client, auth, ent, monkeypatch):
    monkeypatch.setattr("blueprints.common.ledger.PAGE_ROWS", 2)
    monkeypatch.setattr("blueprints.hazards.ledger.CHUNK", 2)   # the export reads several chunks
    for n in range(5):
        found(ent, f"2026-02-0{n + 1}", f"第{n + 1}条")
    db.session.commit()
    clock.freeze(at("2026-06-10"))
    auth.login(ent.safety_officer)
    second = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&page=2").get_data(as_text=True)
    assert "第3条" in second and "第4条" in second and "第2条" not in second and "第5条" not in second
    assert "<td>3</td>" in second and "第 2/3 页" in second
    book = factories.xlsx(client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10&format=xlsx"))
    assert [r[0] for r in book["现场管理类隐患"].iter_rows(min_row=3, values_only=True)] == [1, 2, 3, 4, 5]
    assert PAGE_ROWS == 500


def test_the_major_ledger_keeps_the_judgement_the_report_and_the_plan(client, auth, ent, given):
    auth.login(ent.director)
    book = factories.xlsx(client.get("/hazards/ledger/major?from=2026-01-01&to=2026-06-10&format=xlsx"))
    sheet = book.active
    assert sheet.max_row == 3
    row = dict(zip([c.value for c in sheet[2]], [c.value for c in sheet[3]], strict=True))
    assert row["隐患描述"] == "液氨储罐区可燃气体报警器失效" and "涉氨制冷重点部位" in row["重大隐患判定依据"]
    assert row["判定人"] == ent.safety_officer.name and row["直报时间"] == datetime(2026, 6, 2, 10)
    assert row["直报方式"] == "省平台直报" and row["直报内容"] == "已报县应急局"
    assert row["是否当天直报"] == "是"
    assert row["整改措施"] == "更换报警器并联锁" and row["责任人"] == ent.dept_head.name
    assert row["整改资金（元）"] == 50000
    assert row["整改期限"] == datetime(2026, 7, 1) and row["应急预案"] == "专人值守，备用检测仪"
    assert row["方案审批"] == f"{ent.director.name} 2026-06-02" and row["完成情况"] == "已交办"
    html = client.get("/hazards/ledger/major?from=2026-01-01&to=2026-06-10").get_data(as_text=True)
    assert f'<a href="/hazards/{given["major"].id}">液氨储罐区可燃气体报警器失效</a>' in html


def test_a_department_head_reads_his_departments_rows_and_a_worker_no_ledger(client, auth, ent, given):
    elsewhere = factories.make_department(ent.enterprise, "罐区")
    clock.freeze(at("2026-06-03"))
    transitions.report_hazard(ent.safety_officer, transitions.HazardReport("罐区围堰破损", elsewhere.id))
    db.session.commit()
    clock.freeze(at("2026-06-10"))
    auth.login(ent.dept_head)
    html = client.get("/hazards/ledger?from=2026-01-01&to=2026-06-10").get_data(as_text=True)
    assert "反应釜法兰渗漏" in html and "罐区围堰破损" not in html
    auth.logout()
    auth.login(ent.worker)
    assert client.get("/hazards/ledger").status_code == 403
    assert client.get("/hazards/ledger/major").status_code == 403


def test_funds_given_with_a_rectification_are_kept_on_the_hazard_and_its_event(client, auth, ent):
    hazard = factories.make_hazard(ent, state="assigned")
    db.session.commit()
    auth.login(ent.worker)
    refused = client.post(f"/hazards/{hazard.id}/rectify", data={
        "measure": "更换", "funds": "-5", "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    client.post(f"/hazards/{hazard.id}/rectify", data={
        "measure": "更换", "funds": "1200.5", "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")},
        content_type="multipart/form-data")
    db.session.expire_all()
    hazard = db.session.get(Hazard, hazard.id)
    assert hazard.state == "rectified" and hazard.funds == Decimal("1200.50")
    assert hazard.events[-1].data["funds"] == "1200.50"
