"""Scans, the check form and its submission, the record page and who may see it."""
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard, HazardSource
from blueprints.inspections import services
from blueprints.inspections.models import Inspection, InspectionAnswer, Scan
from blueprints.org.models import Role
from blueprints.photos.models import Photo
from blueprints.risk_points import services as rp
from tests import factories
from tests.factories import count
from tests.factories_briefings import keep_off_work
from tests.test_sync import check_item
from tests.test_sync import post as post_outbox

# 10:00 in Shanghai, inside the day shift (08–20).
NOW = datetime(2025, 3, 12, 2, 0)



def form_for(point, results, **extra):
    """The check form's fields: results maps item position (0-based) to a result."""
    items = point.checklist.items
    data = {"level": "team", "freq": "shift", "version_id": str(point.checklist.id)}
    for index, result in results.items():
        data[f"result-{items[index].id}"] = result
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


def test_scan_link_records_who_when_token_and_browser(client, auth, ent):
    """Does opening the QR link record the scan and lead to the point's check?"""
    auth.login(ent.worker)
    token = ent.point.current_token
    response = client.get(f"/q/{token.token}", headers={"User-Agent": "TestPhone/1.0"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/points/{ent.point.id}/check")
    scan = db.session.scalar(select(Scan))
    assert (scan.user_id, scan.token_id, scan.risk_point_id) == (ent.worker.id, token.id, ent.point.id)
    assert scan.scanned_at == NOW and scan.user_agent == "TestPhone/1.0" and scan.source == "link"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert ent.point.name in html and "压力表读数正常" in html and "正常" in html and "不适用" in html


def test_full_check_with_one_abnormal_item_and_photo(client, auth, ent):
    """Does a check with one abnormal item and a photo make one inspection, an answer per
    item and one hazard linked to the point, version, item and photo?"""
    auth.login(ent.worker)
    client.get(f"/q/{ent.point.current_token.token}")
    data = form_for(ent.point, {0: "ok", 1: "abnormal"}, client_uuid="u-1")
    item = ent.point.checklist.items[1]
    data[f"note-{item.id}"] = "法兰渗漏"
    data[f"photo-{item.id}"] = (io.BytesIO(factories.jpeg_bytes()), "leak.jpg")
    response = client.post(f"/points/{ent.point.id}/check", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    inspection = db.session.scalar(select(Inspection))
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}/done")
    assert (count(Inspection), count(InspectionAnswer), count(Hazard), count(Photo)) == (1, 2, 1, 1)
    assert inspection.checklist_version_id == ent.point.checklist.id and not inspection.no_scan
    assert inspection.client_uuid == "u-1" and inspection.done_at == NOW
    hazard = db.session.scalar(select(Hazard))
    photo = db.session.scalar(select(Photo))
    assert (hazard.risk_point_id, hazard.inspection_id, hazard.checklist_item_id, hazard.photo_id,
            hazard.department_id, hazard.team_id, hazard.found_at) == (
        ent.point.id, inspection.id, item.id, photo.id, ent.department.id, ent.team.id, NOW)
    assert hazard.source == HazardSource.CHECK
    assert hazard.description == "异常：无泄漏。说明：法兰渗漏" and hazard.client_uuid == f"u-1:{item.id}"
    html = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert f"/photos/{photo.id}.jpg" in html and f"/hazards/{hazard.id}" in html
    assert "法兰渗漏" in html and "未扫码" not in html


def test_same_client_uuid_twice_returns_the_first_result(client, auth, ent):
    """Does sending the same submission again lead to the same record and write nothing?"""
    auth.login(ent.worker)
    item = ent.point.checklist.items[1]
    data = form_for(ent.point, {0: "ok", 1: "abnormal"}, client_uuid="same")
    data[f"note-{item.id}"] = "压力表损坏"
    first = client.post(f"/points/{ent.point.id}/check", data=dict(data))
    second = client.post(f"/points/{ent.point.id}/check", data=dict(data))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert (count(Inspection), count(InspectionAnswer), count(Hazard)) == (1, 2, 1)


@pytest.mark.parametrize("minutes_before, flagged", [(31, True), (29, False)])
def test_no_scan_flag_depends_on_a_scan_within_30_minutes(ent, minutes_before, flagged):
    """Is a check flagged "no scan" when the maker's last scan is older than 30 minutes?"""
    services.record_scan(ent.worker, ent.point.current_token, "ua",
                         scanned_at=NOW - timedelta(minutes=minutes_before))
    result = services.submit_check(ent.worker, ent.point, "team", "shift",
                                   [services.Answer(i.id, "ok") for i in ent.point.checklist.items])
    assert result.inspection.no_scan is flagged
    assert (result.inspection.scan_id is None) is flagged


def test_another_users_scan_does_not_count(ent):
    """Does a colleague's scan leave my check flagged "no scan"?"""
    services.record_scan(ent.worker2, ent.point.current_token, "ua", scanned_at=NOW - timedelta(minutes=5))
    result = services.submit_check(ent.worker, ent.point, "team", "shift",
                                   [services.Answer(i.id, "ok") for i in ent.point.checklist.items])
    assert result.inspection.no_scan


def test_record_page_shows_the_no_scan_badge(client, auth, ent):
    """Does the record of a check made without a scan say 未扫码?"""
    auth.login(ent.worker)
    client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "na"}))
    html = client.get(f"/inspections/{db.session.scalar(select(Inspection.id))}").get_data(as_text=True)
    assert "未扫码" in html


def test_offline_scan_sent_with_the_check_is_recorded_and_linked(ent):
    """Does a scan made offline and sent with the check count as the check's scan?"""
    ent.point.current_token.created_at = NOW - timedelta(days=30)   # the label was up before
    scanned = NOW - timedelta(minutes=10)
    info = services.ScanInfo(token=ent.point.current_token.token, scanned_at=scanned, client_uuid="s-1")
    result = services.submit_check(ent.worker, ent.point, "team", "shift",
                                   [services.Answer(i.id, "ok") for i in ent.point.checklist.items],
                                   done_at=NOW - timedelta(minutes=2), scan=info)
    scan = result.inspection.scan
    assert scan is not None and scan.client_uuid == "s-1" and scan.source == "offline"
    assert scan.scanned_at == scanned and not result.inspection.no_scan


def test_abnormal_without_note_or_photo_is_refused(client, auth, ent):
    """Is an abnormal item without a note or photo refused with a message and nothing written?"""
    auth.login(ent.worker)
    response = client.post(f"/points/{ent.point.id}/check",
                           data=form_for(ent.point, {0: "ok", 1: "abnormal"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "请填写说明或拍照" in html
    assert 'value="abnormal" checked' in html  # the answers given are kept
    assert (count(Inspection), count(InspectionAnswer), count(Hazard)) == (0, 0, 0)


def test_missing_item_is_refused(client, auth, ent):
    """Is a check with an unanswered item refused in Chinese with nothing written?"""
    auth.login(ent.worker)
    response = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok"}))
    assert response.status_code == 400
    assert "请逐项填写" in response.get_data(as_text=True)
    assert count(Inspection) == 0


def test_rejected_photo_leaves_no_rows(app, client, auth, ent):
    """Does a file that is not a photo re-show the form (400) and leave no photo, no photo
    file on disk, and no check?"""
    auth.login(ent.worker)
    item = ent.point.checklist.items[1]
    data = form_for(ent.point, {0: "abnormal", 1: "abnormal"})
    data[f"note-{ent.point.checklist.items[0].id}"] = "有异响"
    data[f"photo-{ent.point.checklist.items[0].id}"] = (io.BytesIO(factories.jpeg_bytes()), "ok.jpg")
    data[f"photo-{item.id}"] = (io.BytesIO(b"not an image at all"), "x.jpg")
    response = client.post(f"/points/{ent.point.id}/check", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "无法识别该文件为照片" in response.get_data(as_text=True)
    assert (count(Photo), count(Inspection), count(Hazard)) == (0, 0, 0)
    photo_dir = Path(app.config["PHOTO_DIR"])
    assert not photo_dir.exists() or not [p for p in photo_dir.rglob("*") if p.is_file()]


def test_checklist_edited_between_loading_and_submitting(client, auth, ent):
    """When the checklist changes while the worker checks, is the check stored against the
    version they saw, and are they told?"""
    auth.login(ent.worker)
    form = form_for(ent.point, {0: "ok", 1: "ok"})
    old_version = ent.point.checklist.id
    rp.save_checklist(ent.point, [rp.ItemData("新检查项")], ent.safety_officer.id)
    db.session.commit()
    response = client.post(f"/points/{ent.point.id}/check", data=form, follow_redirects=True)
    assert response.status_code == 200
    assert "检查表已被修改" in response.get_data(as_text=True)
    inspection = db.session.scalar(select(Inspection))
    assert inspection.checklist_version_id == old_version != ent.point.checklist.id


@pytest.mark.parametrize("done_at, message", [
    (NOW + timedelta(minutes=6), "晚于当前时间"),
    (NOW - timedelta(days=7, minutes=1), "超过 7 天"),
])
def test_phone_times_in_the_future_or_too_old_are_refused(client, auth, ent, done_at, message):
    """Is a check whose phone time is more than 5 minutes ahead or 7 days old refused?"""
    auth.login(ent.worker)
    response = client.post(f"/points/{ent.point.id}/check", data=form_for(
        ent.point, {0: "ok", 1: "ok"}, done_at=done_at.isoformat() + "Z"))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(Inspection) == 0


def test_phone_time_is_kept_as_the_check_time(client, auth, ent):
    """Is the phone's time (sent in UTC) stored as the check's time, apart from the received time?"""
    auth.login(ent.worker)
    client.post(f"/points/{ent.point.id}/check", data=form_for(
        ent.point, {0: "ok", 1: "ok"}, done_at="2025-03-12T01:40:00.000Z"))
    inspection = db.session.scalar(select(Inspection))
    assert inspection.done_at == datetime(2025, 3, 12, 1, 40) and inspection.received_at == NOW


def _checked_by(user, point):
    return services.submit_check(user, point, "team", "shift",
                                 [services.Answer(i.id, "ok") for i in point.checklist.items]).inspection


def test_who_sees_an_inspection(client, auth, ent):
    """Do workers see only their own checks, the team leader the team's, and the safety
    director all, while another enterprise gets a 404?"""
    inspection = _checked_by(ent.worker, ent.point)
    db.session.commit()
    other = factories.standard_enterprise()
    expected = {ent.worker: 200, ent.worker2: 404, ent.team_leader: 200, ent.dept_head: 200,
                ent.director: 200, ent.principal: 200, other.director: 404}
    for user, status in expected.items():
        auth.login(user, enterprise_code=user.enterprise.code)
        assert client.get(f"/inspections/{inspection.id}").status_code == status, user.role
        auth.logout()


def test_workers_may_not_do_workshop_checks(client, auth, ent):
    """Is a worker refused a workshop-level check that falls to the department head?"""
    point = factories.make_risk_point(ent.enterprise, ent.department, ent.team,
                                      items=[rp.ItemData("围堰完好", frequency="weekly", level="workshop")])
    db.session.commit()
    auth.login(ent.worker)
    assert client.get(f"/points/{point.id}/check").status_code == 403
    auth.logout()
    auth.login(ent.dept_head)
    assert client.get(f"/points/{point.id}/check").status_code == 200


def test_who_may_do_a_team_check(ent):
    """Does a team check fall to the point's team, its department head and the safety staff,
    and not to another team, another department's head or the administrator?"""
    other_team = factories.make_team(ent.department, "合成乙班")
    other_department = factories.make_department(ent.enterprise, "罐区储运部")
    expected = {ent.worker: True, ent.team_leader: True, ent.dept_head: True,
                ent.safety_officer: True, ent.director: True, ent.principal: True,
                ent.admin: False,
                factories.make_user(ent.enterprise, Role.WORKER, team=other_team): False,
                factories.make_user(ent.enterprise, Role.TEAM_LEADER, team=other_team): False,
                factories.make_user(ent.enterprise, Role.DEPT_HEAD, department=other_department): False}
    assert {user: services.may_check(user, ent.point, "team") for user in expected} == expected


def test_another_teams_worker_is_refused_and_offered_a_hazard_report(client, auth, ent):
    """Is a worker who scans another team's point told why he may not check it and offered
    to report a hazard there instead, and is a check he sends anyway refused unwritten?"""
    stranger = factories.make_user(ent.enterprise, Role.WORKER,
                                   team=factories.make_team(ent.department, "合成乙班"))
    db.session.commit()
    auth.login(stranger)
    response = client.get(f"/q/{ent.point.current_token.token}", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert f"{ent.point.name}由合成甲班检查" in html and "上报隐患" in html
    assert f'href="/reports/new?point={ent.point.id}"' in html
    report = client.get(f"/reports/new?point={ent.point.id}").get_data(as_text=True)
    assert f'<input type="hidden" name="risk_point_id" value="{ent.point.id}">' in report
    assert ent.point.name in report
    response = client.post(f"/points/{ent.point.id}/check",
                           data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert response.status_code == 403 and "由合成甲班检查" in response.get_data(as_text=True)
    assert count(Inspection) == 0


def test_a_point_without_check_items_offers_a_hazard_report(client, auth, ent):
    """Does a point with no check items yet say so and offer a hazard report instead?"""
    point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, items=[])
    db.session.commit()
    auth.login(ent.worker)
    html = client.get(f"/points/{point.id}/check").get_data(as_text=True)
    assert "尚无检查项" in html and f'href="/reports/new?point={point.id}"' in html


def test_home_lists_todays_checks_with_their_state(client, auth, ent):
    """Does the worker's home list the team's point as due, and as done after the check?"""
    auth.login(ent.worker)
    html = client.get("/home").get_data(as_text=True)
    assert "今日待查" in html and ent.point.name in html and "state-due" in html
    _checked_by(ent.worker, ent.point)
    db.session.commit()
    html = client.get("/home").get_data(as_text=True)
    assert "state-done" in html and "state-due" not in html


def test_other_enterprises_point_is_not_found(client, auth, ent):
    """Does a check of another enterprise's point give a 404?"""
    other = factories.standard_enterprise()
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)
    assert client.get(f"/points/{other.point.id}/check").status_code == 404
    assert client.post(f"/points/{other.point.id}/check",
                       data=form_for(other.point, {0: "ok", 1: "ok"})).status_code == 404
    assert count(Inspection) == 0


def test_principal_has_no_checks_of_their_own(ent):
    """Does the home list stay empty for roles no check falls to?"""
    from blueprints.inspections import due
    assert due.units_for(ent.principal) == []
    assert ent.principal.has_role(Role.PRINCIPAL)


def test_demo_history_fills_three_weeks_of_finished_periods(ent):
    """Does the demo history check most past shifts of the team's point, leave the current
    shift due, and flag the few checks made without a scan?"""
    from blueprints.demo import history as demo_history
    from blueprints.inspections import due
    clock.freeze(None)  # the history runs up to the real now
    made = demo_history.load_history(ent.enterprise)
    db.session.commit()
    # two shifts a day for 21 days, a few missed
    assert 36 <= made <= 42 and count(Inspection) == made
    assert count(InspectionAnswer) == 2 * made
    assert all(i.done_at < clock.now() for i in db.session.scalars(select(Inspection)))
    assert due.units_for(ent.worker)[0].state != due.DueState.DONE


def test_a_worker_kept_off_work_may_not_submit_and_is_told_why(client, auth, ent):
    """不安全不上岗: is a worker the briefing kept off work refused the check on the page, on
    its submission and through the outbox, told it is by the briefing, with nothing
    stored, while his teammate's check is taken?"""
    keep_off_work(ent, ent.worker, ent.worker2, NOW - timedelta(hours=2, minutes=20))  # 07:40
    clock.freeze(NOW)
    auth.login(ent.worker)
    page = client.get(f"/points/{ent.point.id}/check")
    assert page.status_code == 403 and "班前会确定你本班不上岗" in page.get_data(as_text=True)
    response = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert response.status_code == 403 and "班前会确定你本班不上岗" in response.get_data(as_text=True)
    queued = post_outbox(client, check_item(ent.worker, ent.point))
    assert queued.status_code == 403 and "班前会确定你本班不上岗" in queued.json["error"]
    assert count(Inspection) == 0
    auth.logout()
    auth.login(ent.worker2)
    response = client.post(f"/points/{ent.point.id}/check", data=form_for(ent.point, {0: "ok", 1: "ok"}))
    assert response.status_code == 302 and count(Inspection) == 1
