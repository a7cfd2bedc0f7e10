"""The briefing's records through HTTP: one briefing's record and its notes, the history,
the safety officer's templates, the enterprise's briefing settings, and the demo's week
of briefings."""
import html
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, BriefingNote, BriefingTemplate, Fitness, Presence
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.audit import AuditLog
from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.org.models import Enterprise, Role, Team
from blueprints.photos.services import save_photo
from tests.factories import count, jpeg_bytes, make_department, make_enterprise, make_team, make_user
from tests.test_org import settings_form

# 07:40 in Shanghai on 2026-11-30: the day shift (08:00–20:00) of 合成甲班 opens for its briefing.
BEFORE_DAY_SHIFT = datetime(2026, 11, 30, 7, 40) - timedelta(hours=8)


def _at(minutes: float) -> datetime:
    return BEFORE_DAY_SHIFT + timedelta(minutes=minutes)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _start(ent, moment=BEFORE_DAY_SHIFT) -> Briefing:
    with clock.frozen(moment):
        briefing = services.start(ent.team_leader, ent.team)
        db.session.commit()
    return briefing


def _close(ent, briefing, minutes, rolls=(), **texts) -> Briefing:
    with clock.frozen(_at(minutes)):
        services.close(briefing, ent.team_leader, services.CloseInput(rolls=list(rolls), **texts))
        db.session.commit()
    return briefing


def _scan(ent, briefing, user, minutes, received_minutes=None):
    scanned = _at(minutes)
    minute = codes.minute_of(scanned)
    with clock.frozen(_at(received_minutes if received_minutes is not None else minutes)):
        services.sign_in(user, briefing, minute, codes.code_for(briefing.secret, briefing.id, minute),
                         scanned, client_uuid=f"scan-{user.id}")
        db.session.commit()


@pytest.fixture
def held(ent):
    """合成甲班's briefing: W1 scanned at 07:42; W2 off work (fever), the leader standing in
    for him and confirming him by hand; closed at 07:47; the leader's own scan, made at
    07:45 offline, reached the server at 09:00."""
    briefing = _start(ent)
    _scan(ent, briefing, ent.worker, 2)
    _close(ent, briefing, 7, rolls=[
        services.Roll(ent.worker.id),
        services.Roll(ent.worker2.id, ppe_ok=False, fitness=Fitness.OFF_WORK, reason="发烧38度",
                      helper_id=ent.team_leader.id, confirm_note="手机没电")],
        tasks="清洗R-101换热器", lesson="受限空间先通风再检测", extra_points="今天有吊装作业")
    _scan(ent, db.session.get(Briefing, briefing.id), ent.team_leader, 5, received_minutes=80)
    return briefing


# --- one briefing's record ------------------------------------------------------------------

def test_the_record_shows_names_times_fitness_and_how_each_signed_in(client, auth, ent, held):
    """Does the closed record name everyone with their attendance, PPE and state, the
    substitute and the reason, and each sign-in with its time and how it was made?"""
    auth.login(ent.dept_head)
    response = client.get(f"/briefings/{held.id}")
    assert response.status_code == 200
    page = _text(response)
    for expected in (ent.worker.name, ent.worker2.name, ent.team_leader.name, "合成甲班", "合成车间", "白班",
                     "2026-11-30", "07:40", "07:47", "7 分 0 秒", "第 1 版",
                     "07:42 扫码签到",                              # W1 scanned
                     "不齐全", "不放心：本班停止上岗", f"替岗人：{ent.team_leader.name}", "发烧38度",
                     f"班组长确认<br><span class=\"muted\">{ent.team_leader.name}: 手机没电",
                     "收到时已结束，收到于 2026-11-30 09:00",        # the leader's offline scan
                     "到会 3/3 人 · 签到 3 · 停止上岗 1",
                     "清洗R-101换热器", "受限空间先通风再检测", "今天有吊装作业",
                     ent.enterprise.name, "班组长签字"):
        assert expected in page, expected
    assert "不足5分钟" not in page
    assert f'action="/briefings/{held.id}/notes"' in page     # the department head may add a note


def test_a_briefing_under_its_least_length_is_marked_in_the_record_and_the_history(client, auth, ent):
    briefing = _close(ent, _start(ent), 4.5)
    auth.login(ent.team_leader)
    assert "4 分 30 秒" in _text(client.get(f"/briefings/{briefing.id}"))
    for page in (_text(client.get(f"/briefings/{briefing.id}")), _text(client.get("/briefings/"))):
        assert "不足5分钟" in page


def test_a_running_briefing_names_its_leader_and_links_him_to_his_screen(client, auth, ent):
    briefing = _start(ent)
    auth.login(ent.team_leader)
    page = _text(client.get(f"/briefings/{briefing.id}"))
    assert f"进行中：07:40 开始，主持人 {ent.team_leader.name}" in page
    assert f'href="/briefings/{briefing.id}/run"' in page
    auth.logout()
    auth.login(ent.dept_head)
    page = _text(client.get(f"/briefings/{briefing.id}"))
    assert "07:40 开始" in page and f"/briefings/{briefing.id}/run" not in page


def test_a_briefing_is_404_across_enterprises_and_to_whoever_may_not_see_it(client, auth, ent, held):
    other = make_enterprise()
    outsider = make_user(other, Role.SAFETY_DIRECTOR, department=make_department(other))
    other_team = make_team(ent.department, "合成乙班")
    neighbour = make_user(ent.enterprise, Role.WORKER, team=other_team)
    db.session.commit()
    for user in (outsider, neighbour):
        auth.login(user, enterprise_code=user.enterprise.code)
        assert client.get(f"/briefings/{held.id}").status_code == 404
        assert client.post(f"/briefings/{held.id}/notes", data={"text": "x"}).status_code == 404
        auth.logout()
    auth.login(ent.worker, enterprise_code=ent.enterprise.code)
    assert client.get(f"/briefings/{held.id}").status_code == 200


def _record_fields(briefing_id):
    db.session.expire_all()
    b = db.session.get(Briefing, briefing_id)
    return (b.started_at, b.closed_at, b.tasks, b.lesson, b.safety_points, b.extra_points, b.template_id,
            [(a.user_id, a.presence, a.ppe_ok, a.fitness, a.reason, a.helper_id) for a in b.attendees],
            [(s.user_id, s.method, s.signed_at, s.note) for s in b.sign_ins])


def test_a_note_is_added_below_the_record_which_stays_as_it_was(client, auth, ent, held):
    before = _record_fields(held.id)
    auth.login(ent.dept_head)
    with clock.frozen(_at(200)):
        response = client.post(f"/briefings/{held.id}/notes", data={"text": "补记：王工8:05到岗"})
    assert response.status_code == 302 and response.headers["Location"] == f"/briefings/{held.id}"
    assert _record_fields(held.id) == before
    notes = db.session.scalars(select(BriefingNote)).all()
    assert [(n.text, n.author_id) for n in notes] == [("补记：王工8:05到岗", ent.dept_head.id)]
    page = _text(client.get(f"/briefings/{held.id}"))
    assert f"{ent.dept_head.name} · 2026-11-30 11:00" in page and "补记：王工8:05到岗" in page


@pytest.mark.parametrize("who, text, status, message", [
    ("dept_head", "   ", 400, "请写下备注。"),
    ("worker", "我也来补充", 403, "您无权进行此操作。"),
])
def test_a_refused_note_says_why_and_changes_nothing(client, auth, ent, held, who, text, status, message):
    auth.login(getattr(ent, who))
    response = client.post(f"/briefings/{held.id}/notes", data={"text": text})
    assert response.status_code == status and message in _text(response)
    assert count(BriefingNote) == 0


def test_no_note_on_a_running_briefing(client, auth, ent):
    briefing = _start(ent)
    auth.login(ent.team_leader)
    response = client.post(f"/briefings/{briefing.id}/notes", data={"text": "先记一笔"})
    assert response.status_code == 409 and "备注添加在已结束的班前会上" in _text(response)
    assert count(BriefingNote) == 0


def test_the_team_photo_is_shown_to_whoever_sees_the_record(client, auth, ent):
    briefing = _start(ent)
    photo = save_photo(jpeg_bytes(), ent.enterprise.id, ent.team_leader.id)
    with clock.frozen(_at(6)):
        services.close(briefing, ent.team_leader, services.CloseInput(), photo_id=photo.id)
        db.session.commit()
    neighbour = make_user(ent.enterprise, Role.WORKER, team=make_team(ent.department))
    db.session.commit()
    for user, status in ((ent.dept_head, 200), (ent.worker, 200), (neighbour, 404)):
        auth.login(user)
        if status == 200:
            assert f'src="/photos/{photo.id}.jpg"' in _text(client.get(f"/briefings/{briefing.id}"))
        assert client.get(f"/photos/{photo.id}.jpg").status_code == status, user.role
        auth.logout()


# --- the history ------------------------------------------------------------------------------

def test_the_history_lists_each_briefing_with_its_counts_by_team_and_day(client, auth, ent, held):
    other_team = make_team(ent.department, "合成乙班", shifts=[("白班", time(8), time(20))])
    other_leader = make_user(ent.enterprise, Role.TEAM_LEADER, team=other_team)
    make_user(ent.enterprise, Role.WORKER, team=other_team)
    db.session.commit()
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(days=1)):
        services.start(other_leader, other_team)
        db.session.commit()
    auth.login(ent.dept_head)
    page = _text(client.get("/briefings/"))
    assert "2 次班前会" in page and "合成乙班" in page
    assert f'href="/briefings/{held.id}"' in page
    assert "07:40–07:47" in page and "7 分 0 秒" in page
    assert "到会 3/3 · 签到 3" in page and "1 人停止上岗" in page
    only_ours = _text(client.get(f"/briefings/?team={ent.team.id}"))
    assert "1 次班前会" in only_ours and f'href="/briefings/{held.id}"' in only_ours
    assert "1 次班前会" in _text(client.get("/briefings/?date=2026-12-01"))
    assert "0 次班前会" in _text(client.get("/briefings/?date=2026-12-02"))
    assert "2 次班前会" in _text(client.get("/briefings/?date=99999-1&team=abc"))   # unreadable: no filter
    partial = client.get(f"/briefings/?team={ent.team.id}", headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True) and "1 次班前会" in _text(partial)
    auth.logout()
    auth.login(ent.worker)                                   # a worker sees his own team's only
    page = _text(client.get("/briefings/"))
    assert "1 次班前会" in page and "合成乙班" not in page


# --- the templates ----------------------------------------------------------------------------

def _template_form(**overrides):
    return {"min_minutes": "8", "roll_call": "点名", "state": "穿戴\n劳保用品\n精神状态",
            "tasks": "分工", "lesson": "案例", "safety_points": "隐患", "record": "签到", **overrides}


def test_the_safety_officer_saves_a_new_version_and_an_old_briefing_keeps_its_own(client, auth, ent, held):
    auth.login(ent.safety_officer)
    assert f"/briefings/templates/{ent.team.id}" in _text(client.get("/briefings/templates"))
    form = _text(client.get(f"/briefings/templates/{ent.team.id}"))
    assert "第 1 版" in form and "精神状态：未饮酒、不疲劳、情绪稳定" in form     # the 班前三查, prefilled
    response = client.post(f"/briefings/templates/{ent.team.id}", data=_template_form())
    assert response.status_code == 302
    latest = services.template_of(db.session.get(Team, ent.team.id))
    assert (latest.number, latest.min_minutes) == (2, 8)
    state = [item.text for item in latest.items_of(services.BriefingStep.STATE)]
    assert state == ["穿戴", "劳保用品", "精神状态"]
    assert "第 1 版" in _text(client.get(f"/briefings/{held.id}"))
    auth.logout()
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(days=1)):
        tomorrow = services.start(ent.team_leader, db.session.get(Team, ent.team.id))
        db.session.commit()
    assert (tomorrow.template.number, tomorrow.min_minutes) == (2, 8)


def test_a_template_without_the_three_checks_or_under_five_minutes_is_refused(client, auth, ent):
    auth.login(ent.director)
    response = client.post(f"/briefings/templates/{ent.team.id}",
                           data=_template_form(min_minutes="3", state="  \n"))
    assert response.status_code == 400
    page = _text(response)
    assert "请填写 5 到 60 之间的整分钟数" in page and "班前三查" in page
    assert count(BriefingTemplate) == 0


def test_only_the_keepers_edit_templates_and_only_their_own_enterprises(client, auth, ent):
    auth.login(ent.team_leader)
    assert client.get("/briefings/templates").status_code == 403
    assert client.post(f"/briefings/templates/{ent.team.id}", data=_template_form()).status_code == 403
    auth.logout()
    other = make_enterprise()
    foreign = make_team(make_department(other))
    db.session.commit()
    auth.login(ent.safety_officer, enterprise_code=ent.enterprise.code)
    assert client.get(f"/briefings/templates/{foreign.id}").status_code == 404
    assert count(BriefingTemplate) == 0


# --- the enterprise's settings ----------------------------------------------------------------

def _enterprise_columns(enterprise_id):
    db.session.expire_all()
    enterprise = db.session.get(Enterprise, enterprise_id)
    return {column.key: getattr(enterprise, column.key) for column in Enterprise.__table__.columns}


def test_the_briefing_settings_change_and_nothing_else(client, auth, ent):
    before = _enterprise_columns(ent.enterprise.id)
    auth.login(ent.director)
    form = settings_form(name=ent.enterprise.name, briefing_late_minutes="45", workday_start="07:30")
    page = _text(client.get("/org/settings"))
    assert "班前会未召开判定：班次开始后 N 分钟" in page and "无班次班组的上班时间" in page
    assert client.post("/org/settings", data=form).status_code == 302
    after = _enterprise_columns(ent.enterprise.id)
    assert (after.pop("briefing_late_minutes"), after.pop("workday_start")) == (45, time(7, 30))
    del before["briefing_late_minutes"], before["workday_start"]
    assert after == before
    log = db.session.scalar(select(AuditLog).where(AuditLog.action == "enterprise.settings_updated"))
    assert log.detail["workday_start"] == "07:30" and log.detail["before"]["workday_start"] == "08:00"


@pytest.mark.parametrize("overrides, message", [
    ({"briefing_late_minutes": "241"}, "请填写 0 到 240 之间的整分钟数"),
    ({"briefing_late_minutes": "-1"}, "请填写 0 到 240 之间的整分钟数"),
    ({"briefing_late_minutes": ""}, "请填写此项"),
    ({"workday_start": "25:00"}, "不是有效的时间值"),
    ({"workday_start": ""}, "请填写此项"),
])
def test_bad_briefing_settings_are_refused_with_a_message(client, auth, ent, overrides, message):
    before = _enterprise_columns(ent.enterprise.id)
    auth.login(ent.admin)
    response = client.post("/org/settings", data=settings_form(name="改名", **overrides))
    assert response.status_code == 400 and message in _text(response)
    assert _enterprise_columns(ent.enterprise.id) == before


# --- the demo ---------------------------------------------------------------------------------

def test_the_demo_has_a_week_of_briefings(app):
    """Held through the services: one short, one with a worker off work, and a day
    without a briefing for 罐区班."""
    demo.load()
    db.session.flush()
    briefings = db.session.scalars(select(Briefing)).all()
    assert briefings and all(b.is_closed for b in briefings)
    assert sum(b.is_short for b in briefings) == 1
    assert sum(a.fitness == Fitness.OFF_WORK and a.presence == Presence.PRESENT
               for b in briefings for a in b.attendees) == 1
    by_team = {}
    for b in briefings:
        by_team.setdefault(b.team.name, set()).add(b.work_day)
    days = set().union(*by_team.values())
    assert len(days) == 7 and set(by_team) == {"合成甲班", "合成乙班", "罐区班", "电气维修班"}
    assert len(days - by_team["罐区班"]) == 1
    assert all(b.sign_ins for b in briefings)


def test_the_way_to_the_history_is_beside_the_risk_points_for_those_who_oversee_teams(client, auth, ent):
    for user, shown in ((ent.dept_head, True), (ent.principal, True), (ent.worker, False)):
        auth.login(user)
        assert ('href="/briefings/"' in _text(client.get("/points"))) is shown, user.role
        auth.logout()
    auth.login(ent.safety_officer)
    assert 'href="/briefings/templates"' in _text(client.get("/briefings/"))
