"""The outbox API that phones replay queued work to, and the list of pages they keep."""
import hashlib
import io
import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard
from blueprints.inspections.models import Inspection, Scan
from blueprints.org.models import Role
from blueprints.photos.models import Photo
from blueprints.risk_points import services as rp
from blueprints.sync.assets import compute_asset_version
from tests import factories
from tests.conftest import RequestClient, make_test_app
from tests.factories import count

NOW = datetime(2025, 3, 12, 2, 0)  # 10:00 in Shanghai, in the day shift


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)



def iso(moment: datetime) -> str:
    return moment.isoformat() + "Z"


def check_item(user, point, results=None, done_at=NOW - timedelta(hours=1), client_uuid=None,
               files=None, **extra):
    """A queued check as offline.js sends it: meta fields and the form's own fields."""
    items = point.checklist.items
    data = {"_kind": "check", "_user_id": str(user.id), "_done_at": iso(done_at),
            "_action": f"/points/{point.id}/check", "client_uuid": client_uuid or str(uuid.uuid4()),
            "level": "team", "freq": "shift", "version_id": str(point.checklist.id),
            "done_at": iso(done_at)}
    for index, item in enumerate(items):
        data[f"result-{item.id}"] = (results or {}).get(index, "ok")
    data.update(files or {})
    data.update(extra)
    return data


def post(client, data):
    return client.post("/api/v1/outbox", data=data, content_type="multipart/form-data")


def test_csrf_endpoint_gives_a_token_and_the_user(client, auth, ent):
    """Does the replay get a fresh token and learn whose queue may go under this login?"""
    auth.login(ent.worker)
    response = client.get("/api/v1/csrf")
    assert response.status_code == 200
    assert response.json["user_id"] == ent.worker.id and response.json["csrf_token"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_api_answers_401_in_json_when_logged_out(client, ent):
    """Does a phone whose login ended get a JSON 401 (to wait), not the login page?"""
    for response in (client.get("/api/v1/csrf"), client.get("/api/v1/offline-pages"),
                     post(client, check_item(ent.worker, ent.point))):
        assert response.status_code == 401
        assert response.json["retry"] is True and "登录" in response.json["error"]
    assert count(Inspection) == 0


def test_a_queued_check_is_stored_with_the_phones_time(client, auth, ent):
    """Is a check sent hours later stored once, with the time it was done on the phone?"""
    auth.login(ent.worker)
    done = NOW - timedelta(hours=3)
    photo = (io.BytesIO(factories.jpeg_bytes()), "p.jpg")
    data = check_item(ent.worker, ent.point, {0: "abnormal"}, done_at=done,
                      files={f"photo-{ent.point.checklist.items[0].id}": photo})
    response = post(client, data)
    assert response.status_code == 200, response.json
    inspection = db.session.get(Inspection, response.json["id"])
    assert inspection.done_at == done and inspection.received_at == NOW
    assert response.json["url"] == f"/inspections/{inspection.id}/done"
    assert response.json["replayed"] is False
    assert count(Photo) == 1 and count(Hazard) == 1


def test_a_replayed_check_returns_the_first_result_and_creates_nothing(client, auth, ent):
    """Is a check whose answer was lost and that is sent again not doubled?"""
    auth.login(ent.worker)
    data = check_item(ent.worker, ent.point, {0: "abnormal"}, note=None)
    data[f"note-{ent.point.checklist.items[0].id}"] = "压力<0.5MPa"
    first = post(client, dict(data))
    again = post(client, dict(data))
    assert first.status_code == again.status_code == 200
    assert again.json["id"] == first.json["id"] and again.json["replayed"] is True
    assert count(Inspection) == 1 and count(Hazard) == 1


def test_a_queued_whole_point_check_stores_every_group_once(client, auth, ent):
    """Does a check of several groups queued on the phone go through the form's own path:
    one inspection per group, the confirmation's address back, and a resend (replayed)
    storing nothing more; is one incomplete group refusing them all?"""
    point = factories.make_risk_point(ent.enterprise, ent.department, ent.team, items=[
        rp.ItemData("压力正常", frequency="hours", every_hours=2), rp.ItemData("液位正常"),
        rp.ItemData("喷淋备用", frequency="daily")])
    db.session.commit()
    auth.login(ent.worker)
    data = check_item(ent.worker, point, {2: "abnormal"}, level=None, freq=None,
                      unit=["team|hours:2", "team|shift", "team|daily"])
    data[f"note-{point.checklist.items[2].id}"] = "阀门关闭"
    del data["level"], data["freq"]
    incomplete = dict(data)
    del incomplete[f"result-{point.checklist.items[1].id}"]
    assert post(client, incomplete).status_code == 400 and count(Inspection) == 0
    first = post(client, dict(data))
    assert first.status_code == 200, first.json
    ids = db.session.scalars(select(Inspection.id).order_by(Inspection.id)).all()
    assert len(ids) == 3 and count(Hazard) == 1
    assert first.json["url"] == f"/inspections/{ids[0]}/done?i={ids[1]}&i={ids[2]}"
    again = post(client, dict(data))
    assert again.json["replayed"] is True and again.json["url"] == first.json["url"]
    assert count(Inspection) == 3


def test_an_invalid_check_is_refused_with_a_message_and_writes_nothing(client, auth, ent):
    """Does a check with an unanswered item come back 400 with the reason, storing nothing?"""
    auth.login(ent.worker)
    data = check_item(ent.worker, ent.point)
    del data[f"result-{ent.point.checklist.items[1].id}"]
    response = post(client, data)
    assert response.status_code == 400
    assert ent.point.checklist.items[1].text in response.json["error"]
    assert count(Inspection) == 0


def test_an_item_of_another_user_is_not_sent_under_this_login(client, auth, ent):
    """Is a record made by user A refused when B is logged in on the same phone?"""
    auth.login(ent.worker2)
    response = post(client, check_item(ent.worker, ent.point))
    assert response.status_code == 403
    assert count(Inspection) == 0


def test_a_check_at_another_teams_point_is_refused_with_the_reason(client, auth, ent):
    """Is a queued check at another team's point refused (403, nothing stored) with the
    same reason the check page gives, so the phone can tell the worker why?"""
    stranger = factories.make_user(ent.enterprise, Role.WORKER,
                                   team=factories.make_team(ent.department, "合成乙班"))
    db.session.commit()
    auth.login(stranger)
    response = post(client, check_item(stranger, ent.point))
    assert response.status_code == 403
    assert f"{ent.point.name}由合成甲班检查" in response.json["error"]
    assert count(Inspection) == 0


def test_a_check_for_a_changed_checklist_is_stored_and_the_user_told(client, auth, ent):
    """Is a check made against a checklist edited meanwhile still stored, with a notice?"""
    auth.login(ent.worker)
    data = check_item(ent.worker, ent.point)
    rp.save_checklist(ent.point, [rp.ItemData("新检查项")], ent.safety_officer.id)
    db.session.commit()
    response = post(client, data)
    assert response.status_code == 200
    assert "检查表已被修改" in response.json["notice"]
    assert db.session.get(Inspection, response.json["id"]).checklist_version_id == int(data["version_id"])


def test_a_clock_far_ahead_is_refused(client, auth, ent):
    """Is a record stamped an hour in the future (a wrong phone clock) refused with a reason?"""
    auth.login(ent.worker)
    response = post(client, check_item(ent.worker, ent.point, done_at=NOW + timedelta(hours=1)))
    assert response.status_code == 400 and "时间" in response.json["error"]
    assert count(Inspection) == 0


def test_an_action_of_another_form_is_refused(client, auth, ent):
    """Can a queued check not be aimed at some other endpoint?"""
    auth.login(ent.worker)
    response = post(client, check_item(ent.worker, ent.point, _action="/logout"))
    assert response.status_code == 400
    assert count(Inspection) == 0


def labelled_long_ago(point):
    """The point's label was printed a month ago (the factories make it 'now')."""
    point.current_token.created_at = NOW - timedelta(days=30)
    db.session.commit()


def scan_item(user, token, scanned_at, client_uuid=None):
    return {"_kind": "scan", "_user_id": str(user.id), "_done_at": iso(scanned_at),
            "client_uuid": client_uuid or str(uuid.uuid4()), "token": token}


def test_an_offline_scan_counts_for_the_check_sent_after_it(client, auth, ent):
    """Does a scan made offline, sent before the check, make the check count as scanned?"""
    labelled_long_ago(ent.point)
    auth.login(ent.worker)
    scanned = NOW - timedelta(hours=1, minutes=5)
    scan_uuid = str(uuid.uuid4())
    scan = scan_item(ent.worker, ent.point.current_token.token, scanned, scan_uuid)
    assert post(client, dict(scan)).status_code == 200
    assert post(client, dict(scan)).json["replayed"] is True
    check = check_item(ent.worker, ent.point, scan_token=ent.point.current_token.token,
                       scanned_at=iso(scanned), scan_uuid=scan_uuid)
    response = post(client, check)
    inspection = db.session.get(Inspection, response.json["id"])
    assert count(Scan) == 1
    stored = db.session.scalar(select(Scan))
    assert stored.scanned_at == scanned and stored.source == "offline"
    assert inspection.scan_id == stored.id and not inspection.no_scan


def test_an_offline_scan_of_an_unknown_token_is_refused(client, auth, ent):
    """Is no scan invented from a token that is not this enterprise's?"""
    auth.login(ent.worker)
    other = factories.standard_enterprise()
    response = post(client, scan_item(ent.worker, other.point.current_token.token, NOW))
    assert response.status_code == 400
    assert count(Scan) == 0


def test_offline_pages_are_the_teams_points_and_last_weeks_checks(client, auth, ent):
    """Does the phone keep the team's check pages (with their tokens' digests) and not the
    scan links?"""
    other_team = factories.make_team(ent.department, "合成乙班")
    elsewhere = factories.make_risk_point(ent.enterprise, ent.department, other_team, name="别组")
    unrelated = factories.make_risk_point(ent.enterprise, ent.department, other_team, name="无关")
    db.session.add(Inspection(
        enterprise_id=ent.enterprise.id, risk_point_id=elsewhere.id,
        checklist_version_id=elsewhere.checklist.id, level="team", frequency_key="shift",
        user_id=ent.worker.id, done_at=NOW - timedelta(days=2)))
    db.session.commit()
    auth.login(ent.worker)
    listing = client.get("/api/v1/offline-pages").json
    assert listing["user_id"] == ent.worker.id
    urls = {p["url"]: p["token_sha256"] for p in listing["points"]}
    assert urls == {f"/points/{ent.point.id}/check": sha256(ent.point.current_token.token),
                    f"/points/{elsewhere.id}/check": sha256(elsewhere.current_token.token)}
    assert f"/points/{unrelated.id}/check" not in listing["pages"]
    assert "/scan" in listing["pages"] and "/home" in listing["pages"]
    assert not any(page.startswith("/q/") for page in listing["pages"])


def test_csrf_is_enforced_and_the_fresh_token_passes(tmp_path):
    """With CSRF on, is a replay without a token refused (403 JSON) and one with the
    token from /api/v1/csrf accepted, also after the session cookie is gone (remember-me)?"""
    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        clock.freeze(NOW)
        ent = factories.standard_enterprise()
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        client.post("/login", data={"identifier": ent.worker.employee_no,
                                    "password": factories.PASSWORD, "remember": "y",
                                    "csrf_token": token})
        refused = post(client, check_item(ent.worker, ent.point))
        assert refused.status_code == 403 and refused.json["retry"] is True
        # The browser closed: the session cookie is gone, the remember-me cookie is not.
        client.delete_cookie("session")
        fresh = client.get("/api/v1/csrf")
        assert fresh.status_code == 200
        accepted = client.post("/api/v1/outbox", data=check_item(ent.worker, ent.point),
                               headers={"X-CSRFToken": fresh.json["csrf_token"]},
                               content_type="multipart/form-data")
        assert accepted.status_code == 200, accepted.json
        assert count(Inspection) == 1
        db.session.remove()


def test_the_scanner_and_offline_pages_render(client, auth, ent):
    """Do 扫一扫 (logged in) and the offline page (for anyone) render in Chinese?"""
    offline = client.get("/offline")
    assert offline.status_code == 200 and "无网络连接" in offline.get_data(as_text=True)
    auth.login(ent.worker)
    scanner = client.get("/scan").get_data(as_text=True)
    assert "扫描风险点二维码" in scanner and "jsQR-1.4.0.min.js" in scanner


def test_every_page_carries_the_offline_parts(client, auth, ent):
    """Does each page link the manifest, name its user and asset version, and carry the
    "待同步" count for offline.js?"""
    auth.login(ent.worker)
    html = client.get("/home").get_data(as_text=True)
    assert 'rel="manifest"' in html and f'data-user-id="{ent.worker.id}"' in html
    assert "data-asset-version=" in html and "待同步" in html and "offline.js" in html


def test_the_asset_version_changes_with_the_static_files(tmp_path):
    """Does a change to a static file make a new asset version (a new deploy)?"""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.css").write_text("a{}")
    before = compute_asset_version(tmp_path)
    (tmp_path / "static" / "app.css").write_text("a{color:red}")
    assert compute_asset_version(tmp_path) != before


def test_manifest_meets_the_install_criteria(client):
    """Does the manifest name the app in Chinese, start inside its scope, stand alone and
    offer 192, 512 and maskable icons?"""
    response = client.get("/static/manifest.webmanifest")
    manifest = response.get_json(force=True)
    response.close()
    assert manifest["name"] == "安全自查" and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith(manifest["scope"])
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"


def hazard_item(user, action, client_uuid=None, **fields):
    return {"_kind": fields.pop("_kind"), "_user_id": str(user.id), "_done_at": iso(NOW),
            "_action": action, "client_uuid": client_uuid or str(uuid.uuid4()), **fields}


def test_a_queued_hazard_report_is_stored_once(client, auth, ent):
    """Does a hazard report made offline (with its photo) reach the same service, once?"""
    auth.login(ent.worker)
    data = hazard_item(ent.worker, "/hazards/new", _kind="hazard_report",
                       description="消防通道堵塞", department_id=str(ent.department.id),
                       category="onsite")
    first = post(client, {**data, "photo": (io.BytesIO(factories.jpeg_bytes()), "p.jpg")})
    again = post(client, {**data, "photo": (io.BytesIO(factories.jpeg_bytes()), "p.jpg")})
    assert first.status_code == again.status_code == 200, first.json
    assert again.json["id"] == first.json["id"] and again.json["replayed"] is True
    assert count(Hazard) == 1 and count(Photo) == 1
    hazard = db.session.get(Hazard, first.json["id"])
    assert hazard.reported_by_id == ent.worker.id and hazard.description == "消防通道堵塞"


def test_a_hazard_reported_offline_keeps_the_phones_time(client, auth, ent):
    """Is a queued report dated when it was made on the phone, not when it arrived?"""
    auth.login(ent.worker)
    found = NOW - timedelta(hours=3)
    data = hazard_item(ent.worker, "/hazards/new", _kind="hazard_report",
                       description="灭火器失压", department_id=str(ent.department.id),
                       category="onsite")
    response = post(client, {**data, "_done_at": iso(found)})
    assert response.status_code == 200, response.json
    hazard = db.session.get(Hazard, response.json["id"])
    assert hazard.found_at == found and hazard.received_at == NOW


def test_an_invalid_hazard_report_is_refused_with_the_reason(client, auth, ent):
    """Is a report without a description refused (400) with a message and nothing stored?"""
    auth.login(ent.worker)
    response = post(client, hazard_item(ent.worker, "/hazards/new", _kind="hazard_report",
                                        description=" ", department_id=str(ent.department.id),
                                        category="onsite"))
    assert response.status_code == 400 and response.json["error"]
    assert count(Hazard) == 0


def test_a_queued_rectification_is_recorded_once(client, auth, ent):
    """Does a rectification made offline record once, even when sent twice?"""
    hazard = factories.make_hazard(ent, state="assigned", assignee=ent.worker)
    db.session.commit()
    auth.login(ent.worker)
    data = hazard_item(ent.worker, f"/hazards/{hazard.id}/rectify", _kind="rectification",
                       measure="更换压力表")
    first = post(client, {**data, "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")})
    again = post(client, {**data, "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")})
    assert first.status_code == again.status_code == 200, first.json
    assert again.json["replayed"] is True and count(Photo) == 1
    db.session.refresh(hazard)
    assert hazard.state == "rectified" and hazard.rectified_by_id == ent.worker.id


@pytest.mark.parametrize("state, grade, reason", [
    ("closed", "general", "须已交办"),      # someone else closed it while the phone was offline
    ("assigned", "major", "五定"),           # assigned, but its plan is not approved yet
])
def test_a_rectification_the_table_refuses_is_refused_and_explained(client, auth, ent, state,
                                                                     grade, reason):
    """Does the outbox ask the permission table (not a state check of its own) and tell the
    user why (409, in Chinese), storing no photo?"""
    hazard = factories.make_hazard(ent, state=state, grade=grade, assignee=ent.worker)
    db.session.commit()
    auth.login(ent.worker)
    response = post(client, {**hazard_item(ent.worker, f"/hazards/{hazard.id}/rectify",
                                           _kind="rectification", measure="更换压力表"),
                             "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")})
    assert response.status_code == 409
    assert "整改记录未保存" in response.json["error"] and reason in response.json["error"]
    assert count(Photo) == 0


def test_a_rectification_by_someone_not_assigned_is_forbidden(client, auth, ent):
    """Can a worker not assigned to the hazard not rectify it through the outbox?"""
    hazard = factories.make_hazard(ent, state="assigned", assignee=ent.worker)
    db.session.commit()
    auth.login(ent.worker2)
    response = post(client, {**hazard_item(ent.worker2, f"/hazards/{hazard.id}/rectify",
                                           _kind="rectification", measure="x"),
                             "photo": (io.BytesIO(factories.jpeg_bytes()), "a.jpg")})
    assert response.status_code == 403
    assert count(Photo) == 0


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_the_phone_learns_no_qr_token_without_scanning_the_label(client, auth, ent):
    """Does the list of kept pages hold only one-way digests, so that nobody can record a
    scan from a desk?"""
    auth.login(ent.worker)
    body = client.get("/api/v1/offline-pages").get_data(as_text=True)
    assert ent.point.current_token.token not in body
    assert sha256(ent.point.current_token.token) in body


def test_an_offline_scan_counts_only_within_the_window(client, auth, ent):
    """Is a scan kept on the phone longer than OFFLINE_SCAN_MAX_AGE_HOURS refused (409, with
    the reason), and one just inside it stored?"""
    labelled_long_ago(ent.point)
    auth.login(ent.worker)
    token = ent.point.current_token.token
    too_old = post(client, scan_item(ent.worker, token, NOW - timedelta(hours=73)))
    assert too_old.status_code == 409 and "72" in too_old.json["error"]
    assert count(Scan) == 0
    assert post(client, scan_item(ent.worker, token, NOW - timedelta(hours=71))).status_code == 200
    assert count(Scan) == 1


def test_the_window_is_a_setting(tmp_path):
    """Does OFFLINE_SCAN_MAX_AGE_HOURS change the window?"""
    app = make_test_app(tmp_path, OFFLINE_SCAN_MAX_AGE_HOURS=2)
    with app.app_context():
        db.create_all()
        clock.freeze(NOW)
        ent = factories.standard_enterprise()
        labelled_long_ago(ent.point)
        client = app.test_client()
        client.post("/login", data={"identifier": ent.worker.employee_no,
                                    "password": factories.PASSWORD})
        response = post(client, scan_item(ent.worker, ent.point.current_token.token,
                                          NOW - timedelta(hours=3)))
        assert response.status_code == 409 and "2" in response.json["error"]
        clock.freeze(None)


def test_a_replaced_label_cannot_be_scanned_by_dating_the_scan_back(client, auth, ent):
    """Is a scan of a replaced label refused when the phone dates it after the replacement,
    before the window, or before the label was even printed, and stored only when it
    falls inside the window while the label was still on the point?"""
    labelled_long_ago(ent.point)
    old = ent.point.current_token
    clock.freeze(NOW - timedelta(hours=10))
    rp.rotate_token(ent.point, ent.safety_officer.id)
    db.session.commit()
    clock.freeze(NOW)
    auth.login(ent.worker)
    for claimed in (NOW - timedelta(hours=1), NOW - timedelta(days=5), NOW - timedelta(days=40)):
        response = post(client, scan_item(ent.worker, old.token, claimed))
        assert response.status_code == 409, claimed
    assert count(Scan) == 0
    assert post(client, scan_item(ent.worker, old.token, NOW - timedelta(hours=11))).status_code == 200
    assert count(Scan) == 1


def test_a_scan_sent_with_a_check_counts_only_within_the_window(client, auth, ent):
    """Is a check carrying an offline scan older than the window stored, but as not scanned?"""
    labelled_long_ago(ent.point)
    auth.login(ent.worker)
    token = ent.point.current_token.token
    done = NOW - timedelta(hours=80)
    response = post(client, check_item(ent.worker, ent.point, done_at=done, scan_token=token,
                                       scanned_at=iso(done - timedelta(minutes=5)),
                                       scan_uuid=str(uuid.uuid4())))
    assert response.status_code == 200
    assert count(Scan) == 0 and db.session.get(Inspection, response.json["id"]).no_scan


def test_every_outbox_answer_names_the_records_uuid(client, auth, ent):
    """Does the outbox's answer (stored, replayed, refused) name the record's UUID, which the
    phone needs before it lets go of the record?"""
    auth.login(ent.worker)
    data = check_item(ent.worker, ent.point, client_uuid="11111111-2222-3333-4444-555555555555")
    for _ in range(2):
        assert post(client, dict(data)).json["client_uuid"] == data["client_uuid"]
    refused = check_item(ent.worker, ent.point, client_uuid="66666666-2222-3333-4444-555555555555")
    del refused[f"result-{ent.point.checklist.items[1].id}"]
    response = post(client, refused)
    assert response.status_code == 400 and response.json["client_uuid"] == refused["client_uuid"]


def test_a_logged_in_users_pages_are_kept_by_no_other_cache(client, auth, ent):
    """Are a logged-in user's pages and JSON sent as private, no-store, while static files,
    sw.js and photos keep their own rule?"""
    auth.login(ent.director)
    hazard = factories.make_hazard(ent)
    db.session.commit()
    for url in ("/home", f"/hazards/{hazard.id}", "/api/v1/offline-pages"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    for url in ("/static/css/app.css", "/sw.js"):
        with client.get(url) as response:
            assert response.headers["Cache-Control"] == "no-cache", url


def test_a_refused_photo_is_named_so_the_phone_asks_for_it_again(client, auth, ent):
    """Is a check whose photo cannot be read refused (400) with the photo named among the
    errors, so that the phone reopens it with the photo to be taken again?"""
    auth.login(ent.worker)
    unreadable = (io.BytesIO(b"not a photo"), "p.jpg")
    data = check_item(ent.worker, ent.point, {0: "abnormal"},
                      files={f"photo-{ent.point.checklist.items[0].id}": unreadable})
    response = post(client, data)
    assert response.status_code == 400 and response.json["errors"]["photo"]
    assert response.json["client_uuid"] == data["client_uuid"]
    assert count(Inspection) == 0 and count(Photo) == 0
