"""Rewarded hazard reporting (随手拍) through HTTP: a colleague's report, its one answer
(accepted as a hazard, a duplicate, declined), the reward proposed from the scale, decided
by the safety director and paid, and the reporter following it all."""
import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard, HazardGrade, HazardSource, HazardState
from blueprints.org import services as org
from blueprints.photos.models import Photo
from blueprints.reporting.models import Report, ReportingSettings, ReportState, Reward, RewardState
from tests import factories
from tests.factories import count

NOW = datetime(2026, 9, 25, 2, 0)  # Friday 25 September 2026, 10:00 in Shanghai


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


def _photo(name="p.jpg", data=None):
    return (io.BytesIO(data if data is not None else factories.jpeg_bytes()), name)


def send_report(client, point=None, photos=1, **fields):
    data = {"kind": "equipment", "description": "灭火器压力不足", "client_uuid": str(uuid.uuid4()),
            **({"risk_point_id": str(point.id)} if point else {}), **fields}
    if photos:
        data["photo"] = [_photo(f"p{n}.jpg") for n in range(photos)]
    return client.post("/reports/new", data=data, content_type="multipart/form-data")


def login(auth, user):
    auth.logout()
    auth.login(user)


def reread(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def only(model):
    db.session.expire_all()
    rows = db.session.scalars(select(model)).all()
    assert len(rows) == 1, rows
    return rows[0]


def reported(client, auth, ent, **fields) -> Report:
    login(auth, ent.worker)
    response = send_report(client, ent.point, **fields)
    assert response.status_code == 302, response.text
    auth.logout()
    return only(Report)


def accept(client, report, department, grade="general", **fields):
    return client.post(f"/reports/{report.id}/accept", data={
        "description": "灭火器压力不足，需更换", "department_id": str(department.id), "grade": grade,
        "category": "onsite", **fields})


# --- 随手拍 ---------------------------------------------------------------------------------

def test_a_report_with_photos_is_stored_with_its_place_and_answer_time(client, auth, ent):
    login(auth, ent.worker)
    response = send_report(client, ent.point, photos=2)
    report = only(Report)
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    assert (report.kind, report.risk_point_id) == ("equipment", ent.point.id)
    assert report.reporter_id == ent.worker.id
    assert report.state == ReportState.RECEIVED and len(report.photos) == 2 and count(Photo) == 2
    assert report.answer_due_at == NOW + timedelta(hours=24)
    page = client.get("/reports").text
    assert "灭火器压力不足" in page and f"/reports/{report.id}" in page


def test_a_photo_and_the_kind_make_a_report_without_words(client, auth, ent):
    """Three taps from the point's page: kind, photo, send."""
    login(auth, ent.worker)
    assert send_report(client, ent.point, description="").status_code == 302
    assert only(Report).description == ""


@pytest.mark.parametrize("fields, photos, field", [
    ({"kind": ""}, 1, "kind"),
    ({"kind": "weather"}, 1, "kind"),
    ({"description": ""}, 0, "description"),
    ({}, 5, "photo"),
])
def test_bad_reports_are_refused_and_store_nothing(client, auth, ent, fields, photos, field):
    login(auth, ent.worker)
    response = send_report(client, ent.point, photos=photos, **fields)
    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert count(Report) == 0 and count(Photo) == 0


def test_a_report_needs_a_place(client, auth, ent):
    login(auth, ent.worker)
    response = send_report(client, None)
    assert response.status_code == 400 and "扫" in response.text
    assert send_report(client, None, location="二号仓库门口").status_code == 302
    assert only(Report).location == "二号仓库门口"


def test_a_file_that_is_no_photo_is_refused_and_stores_nothing(client, auth, ent):
    login(auth, ent.worker)
    response = client.post("/reports/new", data={
        "kind": "act", "description": "未戴安全帽", "risk_point_id": str(ent.point.id),
        "photo": [_photo("x.jpg", b"<html>not a photo</html>")]}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert count(Report) == 0 and count(Photo) == 0


def test_another_enterprises_point_is_refused(client, auth, ent):
    other = factories.standard_enterprise()
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)
    assert send_report(client, other.point).status_code == 400
    assert count(Report) == 0


def test_the_same_submission_twice_makes_one_report(client, auth, ent):
    login(auth, ent.worker)
    same = str(uuid.uuid4())
    send_report(client, ent.point, client_uuid=same)
    send_report(client, ent.point, client_uuid=same)
    assert count(Report) == 1 and count(Photo) == 1


def test_a_report_made_offline_keeps_the_phones_time(client, auth, ent):
    login(auth, ent.worker)
    found = NOW - timedelta(hours=3)
    data = {"_kind": "report", "_user_id": str(ent.worker.id), "_done_at": found.isoformat() + "Z",
            "_action": "/reports/new", "client_uuid": str(uuid.uuid4()), "kind": "environment",
            "description": "地面油污", "risk_point_id": str(ent.point.id)}
    first, again = (client.post("/api/v1/outbox", data={**data, "photo": _photo()},
                                content_type="multipart/form-data") for _ in range(2))
    assert first.status_code == again.status_code == 200, first.json
    assert again.json["replayed"] is True and again.json["id"] == first.json["id"]
    report = only(Report)
    assert report.found_at == found and report.received_at == NOW and len(report.photos) == 1


# --- who sees what ---------------------------------------------------------------------------

def test_a_report_is_seen_by_its_reporter_and_the_safety_staff(client, auth, ent):
    report = reported(client, auth, ent)
    photo_url = f"/photos/{report.photos[0].photo_id}.jpg"
    for user, status in ((ent.worker, 200), (ent.safety_officer, 200), (ent.director, 200),
                         (ent.principal, 200), (ent.worker2, 404), (ent.team_leader, 404)):
        auth.login(user)
        assert client.get(f"/reports/{report.id}").status_code == status, user.role
        assert client.get(photo_url).status_code == status, user.role
        auth.logout()


def test_only_the_safety_staff_answer(client, auth, ent):
    report = reported(client, auth, ent)
    login(auth, ent.principal)
    assert client.get("/reports/review").status_code == 200
    assert accept(client, report, ent.department).status_code == 403
    login(auth, ent.worker)
    assert client.get("/reports/review").status_code == 403
    assert accept(client, report, ent.department).status_code == 403  # his own, but not his to answer
    assert reread(Report, report.id).state == ReportState.RECEIVED and count(Hazard) == 0


# --- the answer ------------------------------------------------------------------------------

def test_an_accepted_report_becomes_the_reporters_hazard_with_a_proposed_reward(client, auth, ent):
    report = reported(client, auth, ent, photos=2)
    login(auth, ent.safety_officer)
    assert "灭火器压力不足" in client.get("/reports/review").text
    response = accept(client, report, ent.department)
    hazard = only(Hazard)
    assert response.headers["Location"].endswith(f"/hazards/{hazard.id}")
    assert hazard.reported_by_id == ent.worker.id and hazard.state == HazardState.REPORTED
    assert hazard.risk_point_id == ent.point.id and hazard.photo_id == report.photos[0].photo_id
    assert hazard.description == "灭火器压力不足，需更换" and hazard.found_at == report.found_at
    assert hazard.source == HazardSource.REPORT
    report = reread(Report, report.id)
    assert report.state == ReportState.ACCEPTED and report.hazard_id == hazard.id
    assert report.answered_by_id == ent.safety_officer.id
    reward = only(Reward)
    assert (reward.reporter_id, reward.hazard_id, reward.grade) == (ent.worker.id, hazard.id, "general")
    assert (reward.proposed_amount, reward.proposed_points) == (Decimal("100.00"), 10)
    assert reward.state == RewardState.PROPOSED
    assert reward.decide_by == date(2026, 10, 16)  # 15 working days from Friday 25 September
    # Answered once only.
    assert accept(client, report, ent.department).status_code == 409
    assert count(Hazard) == 1


def test_the_decision_time_counts_the_enterprises_holidays(client, auth, ent):
    """国庆 2026 as the enterprise lists it: 15 working days from Friday 25 September end on
    Wednesday 21 October (tests/test_workdays.py counts them by hand)."""
    for day in range(1, 8):
        org.save_calendar_day(ent.enterprise.id, date(2026, 10, day), "holiday", "国庆节", ent.admin.id)
    for day in (date(2026, 9, 27), date(2026, 10, 10)):
        org.save_calendar_day(ent.enterprise.id, day, "makeup", "调休", ent.admin.id)
    db.session.commit()
    report = reported(client, auth, ent)
    login(auth, ent.director)
    accept(client, report, ent.department)
    assert only(Reward).decide_by == date(2026, 10, 21)


def test_a_major_hazard_needs_its_basis_and_proposes_the_major_reward(client, auth, ent):
    report = reported(client, auth, ent)
    login(auth, ent.director)
    assert accept(client, report, ent.department, grade="major").status_code == 400
    assert accept(client, report, ent.department, grade="major", criteria="costly").status_code == 400
    assert count(Hazard) == 0 and count(Reward) == 0
    accept(client, report, ent.department, grade="major", criteria="costly", basis="需停产更换储罐")
    hazard = only(Hazard)
    assert hazard.grade == HazardGrade.MAJOR and hazard.major_criteria == ["costly"]
    assert hazard.judged_major_by_id == ent.director.id and hazard.major_basis == "需停产更换储罐"
    reward = only(Reward)
    assert (reward.proposed_amount, reward.proposed_points) == (Decimal("3000.00"), 100)


def test_a_duplicate_gets_no_reward_and_the_first_reporter_keeps_the_credit(client, auth, ent):
    first = reported(client, auth, ent)
    login(auth, ent.safety_officer)
    accept(client, first, ent.department)
    hazard = only(Hazard)
    login(auth, ent.worker2)
    send_report(client, ent.point, description="灭火器没压力了")
    second = db.session.scalar(select(Report).where(Report.reporter_id == ent.worker2.id))
    login(auth, ent.safety_officer)
    page = client.get(f"/reports/{second.id}/duplicate").text
    assert "灭火器压力不足，需更换" in page
    assert client.post(f"/reports/{second.id}/duplicate", data={}).status_code == 400
    response = client.post(f"/reports/{second.id}/duplicate", data={"hazard_id": str(hazard.id),
                                                                    "note": "已由他人上报"})
    assert response.status_code == 302
    second = reread(Report, second.id)
    assert second.state == ReportState.DUPLICATE and second.hazard_id == hazard.id
    assert count(Hazard) == 1
    reward = only(Reward)
    assert reward.report_id == first.id and reward.reporter_id == ent.worker.id
    assert reread(Hazard, hazard.id).reported_by_id == ent.worker.id


def test_a_closed_hazard_cannot_be_duplicated(client, auth, ent):
    closed = factories.make_hazard(ent, state="closed")
    db.session.commit()
    report = reported(client, auth, ent)
    login(auth, ent.safety_officer)
    response = client.post(f"/reports/{report.id}/duplicate", data={"hazard_id": str(closed.id)})
    assert response.status_code == 400
    assert reread(Report, report.id).state == ReportState.RECEIVED


def test_a_declined_report_tells_the_reporter_why(client, auth, ent):
    report = reported(client, auth, ent)
    login(auth, ent.safety_officer)
    assert client.post(f"/reports/{report.id}/decline", data={"reason": " "}).status_code == 400
    assert reread(Report, report.id).state == ReportState.RECEIVED
    client.post(f"/reports/{report.id}/decline", data={"reason": "该灭火器已于昨日更换"})
    assert reread(Report, report.id).state == ReportState.DECLINED and count(Reward) == 0
    login(auth, ent.worker)
    page = client.get(f"/reports/{report.id}").text
    assert "该灭火器已于昨日更换" in page and "未受理" in page


# --- the reward ------------------------------------------------------------------------------

def accepted(client, auth, ent) -> Reward:
    report = reported(client, auth, ent)
    login(auth, ent.safety_officer)
    accept(client, report, ent.department)
    auth.logout()
    return only(Reward)


def decide(client, reward, **fields):
    return client.post(f"/rewards/{reward.id}", data={"amount": "100", "points": "10",
                                                      "bonus": "0", **fields})


def test_the_director_approves_as_proposed_and_the_officer_pays(client, auth, ent):
    reward = accepted(client, auth, ent)
    login(auth, ent.safety_officer)
    assert decide(client, reward).status_code == 403
    assert client.post(f"/rewards/{reward.id}/pay").status_code == 409
    login(auth, ent.director)
    assert decide(client, reward).status_code == 302
    reward = reread(Reward, reward.id)
    assert reward.state == RewardState.APPROVED and reward.total == Decimal("100.00")
    assert reward.decided_by_id == ent.director.id and reward.decided_at == NOW
    assert decide(client, reward).status_code == 409
    login(auth, ent.safety_officer)
    assert client.post(f"/rewards/{reward.id}/pay").status_code == 302
    reward = reread(Reward, reward.id)
    assert reward.state == RewardState.PAID and reward.paid_by_id == ent.safety_officer.id
    assert reward.paid_at == NOW


def test_a_changed_reward_or_a_bonus_needs_a_reason_and_is_logged(client, auth, ent):
    reward = accepted(client, auth, ent)
    login(auth, ent.director)
    assert decide(client, reward, amount="150").status_code == 400
    assert decide(client, reward, bonus="50").status_code == 400
    assert decide(client, reward, amount="-1", reason="x").status_code == 400
    assert reread(Reward, reward.id).state == RewardState.PROPOSED
    assert decide(client, reward, amount="150", bonus="50", reason="夜班主动发现").status_code == 302
    reward = reread(Reward, reward.id)
    assert (reward.amount, reward.bonus) == (Decimal("150.00"), Decimal("50.00"))
    assert reward.total == Decimal("200.00")
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "reward.decided"))
    assert log.actor_id == ent.director.id and log.subject_id == reward.id
    assert log.detail["proposed_amount"] == "100.00" and log.detail["amount"] == "150.00"
    assert log.detail["changed"] is True and log.detail["reason"] == "夜班主动发现"


def test_the_reporter_follows_the_report_to_the_paid_reward(client, auth, ent):
    reward = accepted(client, auth, ent)
    hazard = db.session.get(Hazard, reward.hazard_id)
    hazard.state, hazard.closed_at = HazardState.CLOSED, NOW
    db.session.commit()
    login(auth, ent.director)
    decide(client, reward)
    login(auth, ent.safety_officer)
    client.post(f"/rewards/{reward.id}/pay")
    login(auth, ent.worker)
    page = client.get(f"/reports/{reward.report_id}").text
    for step in ("已受理", "验收销号", "奖励已核定", "奖励已发放", "100.00"):
        assert step in page, step
    assert client.get(f"/rewards/{reward.id}").status_code == 200
    login(auth, ent.worker2)
    assert client.get(f"/rewards/{reward.id}").status_code == 404


def test_the_scale_is_the_directors_and_is_logged(client, auth, ent):
    login(auth, ent.safety_officer)
    assert client.get("/rewards/scale").status_code == 403
    login(auth, ent.director)
    fields = {"general_amount": "200", "general_points": "20", "major_amount": "5000", "major_points": "300",
              "answer_hours": "8", "decision_working_days": "10"}
    assert client.post("/rewards/scale", data={**fields, "answer_hours": "0"}).status_code == 400
    assert count(ReportingSettings) == 0
    assert client.post("/rewards/scale", data=fields).status_code == 302
    row = only(ReportingSettings)
    assert (row.general_amount, row.major_points, row.answer_hours) == (Decimal("200.00"), 300, 8)
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "reporting_settings.saved"))
    assert log.detail["before"]["general_amount"] == "100.00"
    assert log.detail["after"]["general_amount"] == "200.00"
    reward = accepted(client, auth, ent)
    assert (reward.proposed_amount, reward.proposed_points) == (Decimal("200.00"), 20)
    assert reward.decide_by == date(2026, 10, 9)
    assert reread(Report, reward.report_id).answer_due_at == NOW + timedelta(hours=8)


def test_the_safety_staffs_home_counts_what_waits(client, auth, ent):
    reported(client, auth, ent)
    login(auth, ent.safety_officer)
    assert "1 条上报待受理" in client.get("/home").text
    login(auth, ent.worker)
    assert "待受理" not in client.get("/home").text


# --- the escalation ladder ------------------------------------------------------------------

def _told(subject_type, subject_id):
    from blueprints.notifications.models import Notification
    db.session.expire_all()
    return sorted(n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.subject_type == subject_type, Notification.subject_id == subject_id)))


def _run(moment):
    from blueprints.notifications import services as notifications
    with clock.frozen(moment):
        notifications.run_pass()


def test_a_report_unanswered_in_time_goes_to_the_safety_staff_once(client, auth, ent):
    report = reported(client, auth, ent)
    _run(NOW + timedelta(hours=23, minutes=59))
    assert _told("report", report.id) == []
    _run(NOW + timedelta(hours=24))
    _run(NOW + timedelta(hours=30))
    assert _told("report", report.id) == sorted([ent.safety_officer.id, ent.director.id])


def test_an_answered_report_is_not_escalated(client, auth, ent):
    report = reported(client, auth, ent)
    login(auth, ent.safety_officer)
    client.post(f"/reports/{report.id}/decline", data={"reason": "非本企业区域"})
    _run(NOW + timedelta(hours=25))
    assert _told("report", report.id) == []


def test_a_reward_not_decided_in_time_goes_to_the_director_and_the_principal(client, auth, ent):
    reward = accepted(client, auth, ent)
    _run(datetime(2026, 10, 16, 15, 59))   # the last day, 23:59 in Shanghai
    assert _told("reward", reward.id) == []
    _run(datetime(2026, 10, 16, 16, 0))    # the next day has begun
    _run(datetime(2026, 10, 19, 2, 0))
    assert _told("reward", reward.id) == sorted([ent.director.id, ent.principal.id])
    login(auth, ent.director)
    with clock.frozen(datetime(2026, 10, 19, 2, 0)):
        assert "核定超时" in client.get(f"/rewards/{reward.id}").text


# --- the reward ledger and the points of the month ----------------------------------------



def _paid_and_proposed(client, auth, ent):
    """Two rewards of the worker: one approved with a bonus and paid, one proposed; and one of
    worker2 approved as proposed."""
    paid = accepted(client, auth, ent)
    login(auth, ent.director)
    decide(client, paid, bonus="50", reason=factories.FORMULA)
    login(auth, ent.safety_officer)
    client.post(f"/rewards/{paid.id}/pay")
    for reporter in (ent.worker, ent.worker2):
        login(auth, reporter)
        send_report(client, ent.point, description=f"{reporter.name}发现的隐患")
    login(auth, ent.safety_officer)
    for report in db.session.scalars(select(Report).where(Report.state == ReportState.RECEIVED)):
        accept(client, report, ent.department, description=report.description)
    second = db.session.scalar(select(Reward).where(Reward.reporter_id == ent.worker2.id))
    login(auth, ent.director)
    decide(client, second, points="30", amount="100", reason="班组长推荐")
    return paid, second


def test_the_reward_ledger_lists_each_reward_and_the_months_totals(client, auth, ent):
    paid, _second = _paid_and_proposed(client, auth, ent)
    login(auth, ent.worker)
    assert client.get("/rewards/ledger").status_code == 403
    login(auth, ent.principal)
    page = client.get("/rewards/ledger?from=2026-09-01&to=2026-09-30")
    assert page.status_code == 200 and "灭火器压力不足，需更换" in page.text
    assert f'href="/rewards/{paid.id}"' in page.text
    book = factories.xlsx(client.get("/rewards/ledger?from=2026-09-01&to=2026-09-30&format=xlsx"))
    rewards, totals = book.worksheets
    assert rewards.title == "奖励" and totals.title == "月度汇总"
    rows = list(rewards.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 3
    first = rows[0]
    assert first[0] == 1 and first[1] == datetime(2026, 9, 25, 10, 0)
    assert first[2:7] == ("灭火器压力不足，需更换", ent.worker.name, ent.worker.employee_no,
                          ent.department.name, "一般隐患")
    assert first[7:12] == (100, 100, 50, 150, 10)
    assert first[12] == ent.director.name and first[14] == factories.FORMULA
    assert first[15] == ent.safety_officer.name
    assert first[17] == "已发放"
    assert rewards.cell(row=3, column=15).data_type == "s"  # the reason stays text, never a formula
    pending = next(row for row in rows if row[3] == ent.worker.name and row != first)
    assert pending[8] is None and pending[11] is None and pending[17] == "待安全总监核定"
    assert list(totals.iter_rows(min_row=3, values_only=True)) == [
        ("2026-09", ent.department.name, 3, 250, 150, 40)]
    # Another period has none of them.
    book = factories.xlsx(client.get("/rewards/ledger?from=2026-10-01&to=2026-10-31&format=xlsx"))
    assert list(book.worksheets[0].iter_rows(min_row=3, values_only=True)) == []


def test_the_points_of_the_month_rank_colleagues_for_everyone(client, auth, ent):
    _paid_and_proposed(client, auth, ent)
    login(auth, ent.worker)
    page = client.get("/rewards/leaderboard").text
    assert "2026-09 奖励积分榜" in page
    page = page[page.index('class="list leaderboard"'):]
    assert page.index(ent.worker2.name) < page.index(ent.worker.name)  # 30 points before 10
    assert "30 分" in page and "10 分" in page
    assert "本月还没有核定的奖励" in client.get("/rewards/leaderboard?month=2026-08").text
    assert client.get("/rewards/leaderboard?month=2026-13").status_code == 200  # bad: this month
