"""The worker's sign-in on their own phone: the page the leader's QR code opens, its form
sent without a script, and the outbox kind that brings a sign-in queued offline."""
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from blueprints.briefings.models import SignIn, SignInMethod
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.extensions import db
from blueprints.org.models import Role, Team
from tests import factories
from tests.factories import count
from tests.factories_briefings import hold_briefing, start_briefing

# 07:40 in Shanghai: the day shift (08:00–20:00) of 合成甲班 opens for its briefing.
STARTED = datetime(2026, 11, 30, 7, 40) - timedelta(hours=8)
SCANNED = STARTED + timedelta(minutes=2, seconds=10)


def _fields(briefing, scanned=SCANNED, code_minute=None, client_uuid=None):
    """What sign-in.js puts in the form: the fragment's parts and the phone's time of the scan."""
    minute = codes.minute_of(scanned if code_minute is None else code_minute)
    return {"briefing_id": str(briefing.id), "minute": str(minute),
            "code": codes.code_for(briefing.secret, briefing.id, minute),
            "scanned_at": scanned.isoformat() + "+00:00", "client_uuid": client_uuid or str(uuid.uuid4())}


def _outbox_item(user, fields, done_at=SCANNED):
    """The queued form as offline.js sends it to the outbox."""
    return {"_kind": "briefing_sign_in", "_user_id": str(user.id), "_done_at": done_at.isoformat() + "Z",
            "_action": "/briefings/sign-in", **fields}


def _outbox(client, data):
    return client.post("/api/v1/outbox", data=data, content_type="multipart/form-data")


def _sign_ins():
    db.session.expire_all()
    return db.session.scalars(select(SignIn)).all()


def _of_another_team(ent, role):
    """A user of 合成乙班, the other team of the same department."""
    team = Team(enterprise_id=ent.enterprise.id, department_id=ent.department.id, name="合成乙班")
    db.session.add(team)
    db.session.flush()
    return factories.make_user(ent.enterprise, role, team=team)


@pytest.fixture
def briefing(ent):
    return start_briefing(ent.team_leader, ent.team, STARTED)


def test_the_sign_in_page_renders_for_a_worker_and_is_kept_offline(client, auth, ent):
    auth.login(ent.worker)
    page = client.get("/briefings/sign-in")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-outbox="briefing_sign_in"' in html and "/static/js/sign-in.js" in html
    assert "确认签到" in html and 'href="/scan"' in html
    assert "/static/vendor/htmx" not in html      # a worker screen: no 18 KB it does not use
    assert "/briefings/sign-in" in client.get("/api/v1/offline-pages").json["pages"]


def test_a_user_on_no_team_keeps_no_sign_in_page(client, auth, ent):
    auth.login(ent.safety_officer)
    assert "/briefings/sign-in" not in client.get("/api/v1/offline-pages").json["pages"]


def test_the_form_without_a_script_signs_in_once(client, auth, ent, briefing):
    auth.login(ent.worker)
    fields = _fields(briefing)
    with clock.frozen(SCANNED + timedelta(seconds=20)):
        first = client.post("/briefings/sign-in", data=fields)
        again = client.post("/briefings/sign-in", data=fields)
    rows = _sign_ins()
    assert [(s.user_id, s.briefing_id, s.method, s.signed_at) for s in rows] == [
        (ent.worker.id, briefing.id, SignInMethod.CODE, SCANNED)]
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"] == f"/briefings/sign-in/{rows[0].id}"
    shown = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "已签到" in shown and "合成甲班 白班 班前会 07:42，扫码签到" in shown


def test_a_refused_form_shows_why_and_stores_nothing(client, auth, ent, briefing):
    auth.login(ent.worker)
    with clock.frozen(SCANNED + timedelta(minutes=10)):
        response = client.post("/briefings/sign-in",
                               data=_fields(briefing, code_minute=SCANNED - timedelta(minutes=5)))
    assert response.status_code == 409
    assert "这个二维码已经换过了" in response.get_data(as_text=True)
    assert _sign_ins() == []


def test_an_offline_sign_in_sent_after_the_close_counts(client, auth, ent):
    briefing = hold_briefing(ent.team_leader, ent.team, STARTED, minutes=8)
    auth.login(ent.worker)
    with clock.frozen(STARTED + timedelta(hours=4)):       # the phone found signal
        response = _outbox(client, _outbox_item(ent.worker, _fields(briefing)))
    assert response.status_code == 200, response.json
    row = db.session.get(SignIn, response.json["id"])
    assert (row.user_id, row.briefing_id, row.signed_at) == (ent.worker.id, briefing.id, SCANNED)
    assert response.json["url"] == f"/briefings/sign-in/{row.id}"


def test_an_outbox_replay_creates_nothing(client, auth, ent, briefing):
    auth.login(ent.worker)
    data = _outbox_item(ent.worker, _fields(briefing))
    with clock.frozen(SCANNED + timedelta(minutes=1)):
        first = _outbox(client, dict(data))
        again = _outbox(client, dict(data))
    assert again.json["id"] == first.json["id"] and again.json["replayed"] is True
    assert len(_sign_ins()) == 1


def test_a_code_scanned_outside_its_minute_is_refused(client, auth, ent, briefing):
    """A photo of the code sent home: scanned five minutes after its minute."""
    auth.login(ent.worker)
    with clock.frozen(SCANNED + timedelta(hours=1)):
        response = _outbox(client, _outbox_item(ent.worker, _fields(
            briefing, scanned=SCANNED + timedelta(minutes=5), code_minute=SCANNED)))
    assert response.status_code == 409
    assert "这个二维码已经换过了" in response.json["error"] and response.json["field"] == "code"
    assert _sign_ins() == []


def test_another_briefings_code_is_refused(client, auth, ent, briefing):
    other_leader = _of_another_team(ent, Role.TEAM_LEADER)
    other = start_briefing(other_leader, other_leader.team, STARTED)
    fields = _fields(other)
    fields["briefing_id"] = str(briefing.id)       # the other team's screen, read as ours
    auth.login(ent.worker)
    with clock.frozen(SCANNED + timedelta(minutes=1)):
        response = _outbox(client, _outbox_item(ent.worker, fields))
    assert response.status_code == 400 and "这不是本次班前会的二维码" in response.json["error"]
    assert _sign_ins() == []


def test_a_worker_of_another_team_is_refused(client, auth, ent, briefing):
    stranger = _of_another_team(ent, Role.WORKER)
    db.session.commit()
    auth.login(stranger)
    with clock.frozen(SCANNED + timedelta(minutes=1)):
        response = _outbox(client, _outbox_item(stranger, _fields(briefing)))
    assert response.status_code == 403 and "不在这次班前会的名单上" in response.json["error"]
    assert _sign_ins() == []


def test_another_enterprises_briefing_is_not_known(client, auth, ent):
    elsewhere = factories.standard_enterprise()
    theirs = start_briefing(elsewhere.team_leader, elsewhere.team, STARTED)
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)   # two enterprises: the login names one
    with clock.frozen(SCANNED + timedelta(minutes=1)):
        response = _outbox(client, _outbox_item(ent.worker, _fields(theirs)))
        page = client.post("/briefings/sign-in", data=_fields(theirs))
    assert response.status_code == 404 and "找不到这次班前会" in response.json["error"]
    assert page.status_code == 404 and "找不到这次班前会" in page.get_data(as_text=True)
    assert _sign_ins() == []


def test_a_sign_in_is_shown_to_its_worker_and_the_briefings_viewers_only(client, auth, ent, briefing):
    auth.login(ent.worker)
    with clock.frozen(SCANNED + timedelta(seconds=20)):
        url = client.post("/briefings/sign-in", data=_fields(briefing)).headers["Location"]
    stranger = _of_another_team(ent, Role.WORKER)
    db.session.commit()
    for user, status in ((ent.team_leader, 200), (ent.director, 200), (stranger, 404)):
        auth.logout()
        auth.login(user)
        assert client.get(url).status_code == status, user.role
    assert count(SignIn) == 1


@pytest.mark.parametrize("field, value, status", [
    ("minute", "9" * 30, 400), ("minute", "-5", 400), ("code", "<b>", 400),
    ("scanned_at", "2026-11-30T07:42:10", 400), ("scanned_at", "gestern", 400),
    ("briefing_id", "9" * 30, 404), ("briefing_id", "", 404)])
def test_unreadable_fields_are_refused_and_store_nothing(client, auth, ent, briefing, field, value, status):
    """The fields a phone sends as they are; a time without its offset cannot be placed."""
    auth.login(ent.worker)
    with clock.frozen(SCANNED + timedelta(minutes=1)):
        response = client.post("/briefings/sign-in", data={**_fields(briefing), field: value})
    assert response.status_code == status
    assert _sign_ins() == []
