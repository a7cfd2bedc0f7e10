"""The hazard's life through the HTTP client: report, assign, rectify, verify, and the rest."""
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import queries, transitions
from blueprints.hazards.models import (
    DeadlineExtension,
    Hazard,
    HazardEvent,
    HazardEventKind,
    HazardState,
    RectificationPlan,
)
from blueprints.inspections.models import Inspection
from tests import factories

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 10:00 in Shanghai on a Tuesday.
MORNING = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def photo(name="after.jpg"):
    return (io.BytesIO(factories.jpeg_bytes()), name)


def day(days_ahead=3):
    return (clock.to_local(clock.now(), "Asia/Shanghai").date() + timedelta(days=days_ahead)).isoformat()


def as_user(auth, user):
    auth.logout()
    assert auth.login(user, enterprise_code=user.enterprise.code).status_code == 302


def report(client, ent, **extra):
    data = {"description": "压力<0.5MPa，阀门泄漏", "location": "一层东侧",
            "department_id": str(ent.department.id), "risk_point_id": str(ent.point.id),
            "category": "onsite", "client_uuid": extra.pop("client_uuid", ""), **extra}
    return client.post("/hazards/new", data=data, content_type="multipart/form-data")


def act(client, hazard_id, action, **data):
    return client.post(f"/hazards/{hazard_id}/{action}", data=data,
                       content_type="multipart/form-data")


def only_hazard():
    return db.session.scalar(select(Hazard))


def test_full_loop_report_assign_rectify_verify(client, auth, ent):
    """Does a hazard go from report to closed, each step on the timeline?"""
    with clock.frozen(MORNING):
        as_user(auth, ent.worker)
        response = report(client, ent, photo=photo("before.jpg"))
        assert response.status_code == 302
        hazard = only_hazard()
        assert hazard.state == "reported" and hazard.photo_id and hazard.team_id == ent.team.id

        as_user(auth, ent.dept_head)
        page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
        assert f"/hazards/{hazard.id}/assign" in page and "压力&lt;0.5MPa" in page
        assert act(client, hazard.id, "assign", assignee_id=ent.worker.id, deadline=day(3),
                   note="今天处理").status_code == 302
        assert hazard.state == "assigned" and hazard.assignee_id == ent.worker.id
        assert hazard.original_deadline == hazard.deadline

        as_user(auth, ent.worker)
        assert act(client, hazard.id, "rectify", measure="更换垫片", photo=photo(),
                   client_uuid="u-1").status_code == 302
        assert hazard.state == "rectified" and hazard.rectified_by_id == ent.worker.id

        as_user(auth, ent.director)
        assert act(client, hazard.id, "verify", note="复查合格").status_code == 302
        assert hazard.state == "closed" and hazard.closed_at is not None

        page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    kinds = [e.kind for e in queries.timeline(hazard)]
    assert kinds == ["reported", "assigned", "rectified", "verified"]
    for label in ("已上报", "已交办", "已整改", "已验收销号", "复查合格", "更换垫片", "今天处理"):
        assert label in page, label
    assert "2026-03-10 10:00" in page  # local time, not UTC


def test_reject_sends_back_to_assigned(client, auth, ent):
    """Does a rejected rectification return to the assigned person with the reason?"""
    hazard = factories.make_hazard(ent, state="rectified")
    db.session.commit()
    as_user(auth, ent.dept_head)
    response = act(client, hazard.id, "reject", reason="")
    assert response.status_code == 400 and hazard.state == "rectified"
    assert act(client, hazard.id, "reject", reason="垫片型号不对").status_code == 302
    assert hazard.state == "assigned" and hazard.rectified_by_id is None
    assert "垫片型号不对" in client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_rectifier_cannot_verify_over_http(client, auth, ent):
    """Is the person who rectified refused the verification with a 403?"""
    hazard = factories.make_hazard(ent, state="rectified", assignee=ent.dept_head)
    db.session.commit()
    as_user(auth, ent.dept_head)
    response = act(client, hazard.id, "verify", note="")
    assert response.status_code == 403 and hazard.state == "rectified"
    assert "无权" in response.get_data(as_text=True)


def _plan(client, hazard, responsible, **extra):
    return act(client, hazard.id, "submit_plan", measures="停车更换储罐安全阀",
               responsible_user_id=responsible.id, funds="12000.50", deadline=day(10),
               contingency_plan="泄漏时启动喷淋并疏散", **extra)


def test_major_hazard_needs_an_approved_plan(client, auth, ent):
    """Is rectification refused before approval, and does a refused plan stay on record?"""
    hazard = factories.make_hazard(ent, state="assigned", grade="major")
    db.session.commit()
    as_user(auth, ent.worker)
    response = act(client, hazard.id, "rectify", measure="x", photo=photo())
    assert response.status_code == 400 and hazard.state == "assigned"
    assert "批准" in response.get_data(as_text=True)

    as_user(auth, ent.dept_head)
    assert _plan(client, hazard, ent.worker).status_code == 302
    as_user(auth, ent.director)
    assert client.get("/hazards/queue").get_data(as_text=True).count(
        f"/hazards/{hazard.id}/approve_plan") == 1
    assert act(client, hazard.id, "approve_plan", decision="refuse", note="").status_code == 400
    assert act(client, hazard.id, "approve_plan", decision="refuse",
               note="资金不足以更换").status_code == 302

    as_user(auth, ent.dept_head)
    assert _plan(client, hazard, ent.worker2).status_code == 302
    as_user(auth, ent.director)
    assert act(client, hazard.id, "approve_plan", decision="approve").status_code == 302
    statuses = [p.status for p in db.session.scalars(select(RectificationPlan))]
    assert statuses == ["refused", "approved"]
    assert hazard.assignee_id == ent.worker2.id
    assert hazard.deadline == db.session.scalars(select(RectificationPlan)).all()[1].deadline

    as_user(auth, ent.worker2)
    assert act(client, hazard.id, "rectify", measure="已更换", photo=photo()).status_code == 302
    as_user(auth, ent.dept_head)
    assert act(client, hazard.id, "verify").status_code == 403  # major: the director only
    as_user(auth, ent.director)
    assert act(client, hazard.id, "record_regulator_report", reported_at=clock.to_local(
        clock.now(), "Asia/Shanghai").strftime("%Y-%m-%dT%H:%M"), method="电话").status_code == 302
    assert act(client, hazard.id, "verify").status_code == 302
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "资金不足以更换" in page and "12000.50" in page


def test_extension_keeps_the_original_deadline(client, auth, ent):
    """Does an approved extension move the deadline and keep the original on record?"""
    hazard = factories.make_hazard(ent, state="assigned")
    db.session.commit()
    original = hazard.deadline
    as_user(auth, ent.worker)
    assert act(client, hazard.id, "request_extension", new_deadline=day(10),
               reason="").status_code == 400
    assert act(client, hazard.id, "request_extension", new_deadline=day(10),
               reason="备件到货需一周").status_code == 302
    as_user(auth, ent.director)
    assert act(client, hazard.id, "decide_extension", decision="approve").status_code == 302
    extension = db.session.scalar(select(DeadlineExtension))
    assert extension.status == "approved" and extension.old_deadline == original
    assert hazard.deadline == extension.new_deadline > original
    assert hazard.original_deadline == original
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "原定期限" in page or "Original deadline" in page


def test_deadline_in_the_past_is_refused(client, auth, ent):
    """Is an assignment with a past deadline refused with a message and nothing written?"""
    hazard = factories.make_hazard(ent)
    db.session.commit()
    as_user(auth, ent.dept_head)
    response = act(client, hazard.id, "assign", assignee_id=ent.worker.id, deadline=day(-1))
    assert response.status_code == 400 and hazard.state == "reported"
    assert "期限" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HazardEvent.id))) == 1


def test_assignee_of_another_enterprise_is_refused(client, auth, ent):
    """Can a hazard be assigned to a person of another enterprise?"""
    other = factories.standard_enterprise()
    hazard = factories.make_hazard(ent)
    db.session.commit()
    as_user(auth, ent.dept_head)
    response = act(client, hazard.id, "assign", assignee_id=other.worker.id, deadline=day(2))
    assert response.status_code == 400 and hazard.assignee_id is None


def _regulator_case(client, auth, ent, reported_local):
    with clock.frozen(MORNING):
        hazard = factories.make_hazard(ent, grade="major")
        db.session.commit()
    with clock.frozen(reported_local + timedelta(minutes=5)):
        as_user(auth, ent.director)
        response = act(client, hazard.id, "record_regulator_report",
                       reported_at=reported_local.strftime("%Y-%m-%dT%H:%M"), method="省隐患直报系统")
        assert response.status_code == 302
        return hazard, client.get(f"/hazards/{hazard.id}").get_data(as_text=True)


def test_regulator_report_on_the_same_day_is_not_flagged(client, auth, ent):
    """Is a major hazard reported before local midnight on the day it was found not flagged?"""
    hazard, page = _regulator_case(client, auth, ent, datetime(2026, 3, 10, 23, 50, tzinfo=SHANGHAI))
    assert queries.reported_on_time(hazard) is True
    assert "未当天上报" not in page and "省隐患直报系统" in page


def test_regulator_report_next_day_is_flagged(client, auth, ent):
    """Is a report made the next local day flagged 未当天上报 (though still the same UTC day)?"""
    # 00:10 in Shanghai on the 11th is 16:10 UTC on the 10th.
    hazard, page = _regulator_case(client, auth, ent, datetime(2026, 3, 11, 0, 10, tzinfo=SHANGHAI))
    assert queries.reported_on_time(hazard) is False
    assert "未当天上报" in page


def test_unreported_major_hazard_is_flagged_after_its_day(client, auth, ent):
    """Is a major hazard with no report flagged only once its day is over?"""
    with clock.frozen(MORNING):
        hazard = factories.make_hazard(ent, grade="major")
        assert queries.reported_on_time(hazard) is None
    with clock.frozen(MORNING + timedelta(days=1)):
        assert queries.reported_on_time(hazard) is False


def test_rectification_is_idempotent_by_client_uuid(client, auth, ent):
    """Does sending the same rectification twice record it once?"""
    hazard = factories.make_hazard(ent, state="assigned")
    db.session.commit()
    as_user(auth, ent.worker)
    for _ in range(2):
        assert act(client, hazard.id, "rectify", measure="更换垫片", photo=photo(),
                   client_uuid="5f0c-uuid").status_code == 302
    assert db.session.scalar(select(func.count(HazardEvent.id)).where(
        HazardEvent.kind == "rectified")) == 1


def test_report_is_idempotent_by_client_uuid(client, auth, ent):
    """Does a resent report create one hazard?"""
    as_user(auth, ent.worker)
    first = report(client, ent, client_uuid="r-1")
    second = report(client, ent, client_uuid="r-1")
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count(Hazard.id))) == 1


def test_grade_change_needs_a_reason(client, auth, ent):
    """Is a grade change without a reason refused, and with one recorded as an event?"""
    hazard = factories.make_hazard(ent)
    db.session.commit()
    as_user(auth, ent.safety_officer)
    assert act(client, hazard.id, "change_grade", grade="major", reason=" ").status_code == 400
    assert hazard.grade == "general"
    assert act(client, hazard.id, "change_grade", grade="major", reason="符合重大隐患判定标准",
               criteria=["national_standard"]).status_code == 302
    assert hazard.grade == "major"
    event = queries.timeline(hazard)[-1]
    assert (event.kind, event.data, event.note) == (
        "grade_changed", {"old": "general", "new": "major", "criteria": ["national_standard"]},
        "符合重大隐患判定标准")
    assert act(client, hazard.id, "change_category", category="management",
               reason="制度缺失").status_code == 302
    assert hazard.category == "management"


def test_other_enterprise_gets_404(client, auth, ent):
    """Are another enterprise's hazards not found, on every hazard page?"""
    other = factories.standard_enterprise()
    hazard = factories.make_hazard(other)
    db.session.commit()
    as_user(auth, ent.director)
    assert client.get(f"/hazards/{hazard.id}").status_code == 404
    assert client.get(f"/hazards/{hazard.id}/assign").status_code == 404
    assert act(client, hazard.id, "assign", assignee_id=ent.worker.id,
               deadline=day(2)).status_code == 404
    assert str(hazard.description) not in client.get("/hazards").get_data(as_text=True)


def test_list_filters_and_overdue_in_red(client, auth, ent):
    """Does the list filter by grade and overdue, and mark overdue rows?"""
    late = factories.make_hazard(ent, state="assigned", description="逾期的隐患",
                                 deadline=clock.now() - timedelta(days=1))
    factories.make_hazard(ent, grade="major", description="重大的隐患")
    db.session.commit()
    as_user(auth, ent.dept_head)
    page = client.get("/hazards?overdue=1").get_data(as_text=True)
    assert "逾期的隐患" in page and "重大的隐患" not in page and "hz-overdue" in page
    page = client.get("/hazards?grade=major").get_data(as_text=True)
    assert "重大的隐患" in page and "逾期的隐患" not in page
    partial = client.get("/hazards?state=assigned", headers={"HX-Request": "true"})
    fragment = partial.get_data(as_text=True)
    assert "<html" not in fragment and late.description in fragment


def test_list_of_300_open_hazards_is_paginated(client, auth, ent):
    """Are 300 open hazards shown a page at a time?"""
    for n in range(300):
        factories.make_hazard(ent, description=f"隐患{n}")
    db.session.commit()
    as_user(auth, ent.director)
    page = client.get("/hazards").get_data(as_text=True)
    assert "300" in page and page.count('href="/hazards/') - page.count('href="/hazards/new') <= 25
    assert client.get("/hazards?page=15").status_code == 200


def test_worker_sees_only_own_and_team_hazards(client, auth, ent):
    """Does a worker's list leave out other departments' hazards?"""
    office = factories.make_department(ent.enterprise, "罐区")
    factories.make_hazard(ent, reporter=ent.safety_officer, department=office, team=None,
                          description="别处的隐患")
    factories.make_hazard(ent, reporter=ent.worker2, description="本班组的隐患")
    db.session.commit()
    as_user(auth, ent.worker)
    page = client.get("/hazards").get_data(as_text=True)
    assert "本班组的隐患" in page and "别处的隐患" not in page


def test_work_queue_for_director_only(client, auth, ent):
    """Does the director's queue list what waits, on its page and his home, and a worker's
    home show none?"""
    factories.make_hazard(ent, state="rectified", description="待复查的隐患")
    factories.make_hazard(ent, grade="major", description="新的重大隐患")
    db.session.add(Inspection(enterprise_id=ent.enterprise.id, risk_point_id=ent.point.id,
                              checklist_version_id=ent.point.checklist.id, level="team",
                              frequency_key="shift", user_id=ent.worker.id,
                              done_at=clock.now() - timedelta(days=1), no_scan=True))
    db.session.commit()
    as_user(auth, ent.director)
    page = client.get("/hazards/queue").get_data(as_text=True)
    assert "待复查的隐患" in page and "新的重大隐患" in page
    home = client.get("/home").get_data(as_text=True)
    assert "待复查的隐患" in home and 'href="/checks/unscanned"' in home
    assert ent.point.name in client.get("/checks/unscanned").get_data(as_text=True)
    auth.logout()
    as_user(auth, ent.worker)
    home = client.get("/home").get_data(as_text=True)
    assert "hz-queue" not in home and "待复查的隐患" not in home


def test_bad_photo_is_refused_with_a_message(client, auth, ent):
    """Is a non-photo upload refused in Chinese, writing nothing?"""
    hazard = factories.make_hazard(ent, state="assigned")
    db.session.commit()
    as_user(auth, ent.worker)
    response = act(client, hazard.id, "rectify", measure="x",
                   photo=(io.BytesIO(b"not a photo"), "x.jpg"))
    assert response.status_code == 400 and "照片" in response.get_data(as_text=True)
    assert hazard.state == "assigned"


def _major_rectified(ent):
    hazard = factories.make_hazard(ent, state="rectified", grade="major")
    db.session.commit()
    return hazard


def test_major_hazard_does_not_close_without_the_regulator_report(client, auth, ent):
    """Is closing a major hazard with no regulator report refused with a message, and allowed
    with the director's reason, which the timeline shows?"""
    hazard = _major_rectified(ent)
    as_user(auth, ent.director)
    assert "unreported_reason" in client.get(f"/hazards/{hazard.id}/verify").get_data(as_text=True)
    response = act(client, hazard.id, "verify", note="复查合格")
    assert response.status_code == 400 and hazard.state == "rectified"
    assert "上报监管部门" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HazardEvent.id))) == 1
    assert act(client, hazard.id, "verify", note="复查合格",
               unreported_reason="省系统故障，已电话报告，书面报告补录").status_code == 302
    assert hazard.state == "closed"
    assert queries.timeline(hazard)[-1].data == {
        "unreported_reason": "省系统故障，已电话报告，书面报告补录"}
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "省系统故障，已电话报告，书面报告补录" in page and "未上报监管部门" in page


def test_major_hazard_with_a_regulator_report_closes_without_a_reason(client, auth, ent):
    """Does a reported major hazard close as before, and a general one never ask?"""
    hazard = _major_rectified(ent)
    general = factories.make_hazard(ent, state="rectified", rectifier=ent.worker)
    db.session.commit()
    as_user(auth, ent.director)
    assert "unreported_reason" not in client.get(f"/hazards/{general.id}/verify").get_data(as_text=True)
    assert act(client, general.id, "verify").status_code == 302
    transitions.record_regulator_report(hazard, ent.director, clock.now(), "电话")
    db.session.commit()
    assert "unreported_reason" not in client.get(f"/hazards/{hazard.id}/verify").get_data(as_text=True)
    assert act(client, hazard.id, "verify").status_code == 302 and hazard.state == "closed"


CRITERION = "stop_production"


def test_regrade_to_major_records_who_when_and_why(client, auth, ent):
    """Does a regrade to major record who judged it, when and on which basis, show it,
    and count the same-day regulator report from then, not from the day it was found?"""
    with clock.frozen(MORNING):
        hazard = factories.make_hazard(ent)
        db.session.commit()
    regraded = MORNING + timedelta(days=2)
    with clock.frozen(regraded):
        as_user(auth, ent.safety_officer)
        response = act(client, hazard.id, "change_grade", grade="major", reason="需停车检修")
        assert response.status_code == 400 and hazard.grade == "general"
        assert "依据" in response.get_data(as_text=True)
        response = act(client, hazard.id, "change_grade", grade="major", reason="需停车检修",
                       criteria=["bogus"])
        assert response.status_code == 400 and "请从选项中选择" in response.get_data(as_text=True)
        assert act(client, hazard.id, "change_grade", grade="major", reason="需停车检修",
                   criteria=[CRITERION, "costly"]).status_code == 302
        assert hazard.grade == "major" and hazard.judged_major_at == clock.now()
        assert hazard.judged_major_by_id == ent.safety_officer.id
        assert hazard.major_criteria == [CRITERION, "costly"] and hazard.major_basis == "需停车检修"
        event = queries.timeline(hazard)[-1]
        assert event.data["criteria"] == [CRITERION, "costly"]
        assert queries.reported_on_time(hazard) is None  # its day is still running
        page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "需要全部或局部停产停业" in page and "需要较多资金" in page
    assert "2026-03-12 10:00" in page and ent.safety_officer.name in page
    with clock.frozen(regraded + timedelta(days=1)):
        assert queries.reported_on_time(hazard) is False


def test_hazard_reported_as_major_is_judged_at_report_time(ent):
    """Is a hazard reported as major judged major by its reporter when it was found?"""
    hazard = factories.make_hazard(ent, grade="major")
    assert (hazard.judged_major_at, hazard.judged_major_by_id) == (hazard.found_at, ent.worker.id)
    transitions.change_grade(hazard, ent.safety_officer, "general", "误报")
    assert hazard.judged_major_at is None and hazard.major_criteria == []


def test_hazard_grade_is_never_called_a_risk_grade(client, auth, ent):
    """Do the hazard filter and the grade form say 隐患等级, never 风险等级 (a risk point's)?"""
    hazard = factories.make_hazard(ent)
    db.session.commit()
    as_user(auth, ent.safety_officer)
    for url in ("/hazards", f"/hazards/{hazard.id}/change_grade"):
        page = client.get(url).get_data(as_text=True)
        assert "隐患等级" in page and "风险等级" not in page, url
    assert act(client, hazard.id, "change_grade", grade="major", reason="x",
               criteria=[CRITERION]).status_code == 302
    page = client.get(f"/hazards/{hazard.id}").get_data(as_text=True)
    assert "隐患等级已变更" in page and "风险等级" not in page


def test_department_head_home_lists_hazards_to_assign(client, auth, ent):
    """Does the department head's home start with his department's reported hazards, counted
    and linked, and leave out assigned ones and other departments'?"""
    waiting = factories.make_hazard(ent, description="待交办的隐患")
    # Not due soon either (the home lists those among his rectifications).
    factories.make_hazard(ent, state="assigned", description="已交办的隐患",
                          deadline=clock.now() + timedelta(days=10))
    elsewhere = factories.make_department(ent.enterprise, "罐区储运部")
    factories.make_hazard(ent, department=elsewhere, team=None, description="别的部门的隐患")
    db.session.commit()
    as_user(auth, ent.dept_head)
    page = client.get("/home").get_data(as_text=True)
    assert "待交办" in page and f'href="/hazards/{waiting.id}"' in page
    assert "已交办的隐患" not in page and "别的部门的隐患" not in page
    assert page.index("待交办") < page.index("今日待查")
    assert 'class="badge">1<' in page
    as_user(auth, ent.worker)
    assert "待交办" not in client.get("/home").get_data(as_text=True)


def test_photo_only_abnormal_item_reads_as_abnormal(ent):
    """Does an abnormal item with only a photo raise a hazard that says 异常, not the item's
    'all is well' wording, and with a note, the note too?"""
    from blueprints.inspections import services as inspections
    items = ent.point.checklist.items
    answers = [inspections.Answer(items[0].id, "abnormal", photo=factories.jpeg_bytes()),
               inspections.Answer(items[1].id, "abnormal", note="法兰渗漏")]
    result = inspections.submit_check(ent.worker, ent.point, "team", "shift", answers)
    assert [h.description for h in result.hazards] == [
        f"异常：{items[0].text}", f"异常：{items[1].text}。说明：法兰渗漏"]


def test_states_and_event_kinds_are_enums(ent):
    """Is a stored hazard read back with its state and its events' kinds as enum members,
    and is an event of a kind that does not exist refused when written, not stored?"""
    hazard = factories.make_hazard(ent)
    db.session.commit()
    db.session.expire_all()
    loaded = db.session.get(Hazard, hazard.id)
    assert loaded.state is HazardState.REPORTED
    assert [e.kind for e in loaded.events] == [HazardEventKind.REPORTED]
    with pytest.raises(StatementError, match="reportd"):
        transitions.add_event(loaded, "reportd", ent.worker)
