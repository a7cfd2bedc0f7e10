"""The leader's briefing screen through its URLs: start, the screen and its poll, the close
from the page and from the phone's outbox; read back through a fresh session."""
import re
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, Fitness, Presence, SignInMethod
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.extensions import db
from blueprints.org.models import Role
from tests.factories import make_department, make_team, make_user, standard_enterprise

# 07:40 in Shanghai: the day shift (08:00–20:00) of 合成甲班 opens for its briefing.
STARTED = datetime(2026, 11, 30, 7, 40) - timedelta(hours=8)
LATER = STARTED + timedelta(minutes=7)
ROOT = Path(__file__).resolve().parents[1]
CLOSED = "已结束的班前会不能修改，请添加备注。"       # the pages speak zh-CN first


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(STARTED)


@pytest.fixture
def briefing(ent):
    started = services.start(ent.team_leader, ent.team)
    db.session.commit()
    return started


def _fresh(briefing_id) -> Briefing:
    db.session.expire_all()
    return db.session.get(Briefing, briefing_id)


def _roll_fields(ent, **extra):
    """The page's fields as the leader leaves them: everyone present and fit, PPE ticked."""
    fields = {}
    for user in (ent.worker, ent.worker2, ent.team_leader):
        fields.update({f"presence-{user.id}": "present", f"ppe-{user.id}": "1", f"fitness-{user.id}": "fit"})
    fields.update(extra)
    return fields


def _one_unfit(ent):
    return _roll_fields(ent, **{f"fitness-{ent.worker.id}": "off_work", f"reason-{ent.worker.id}": "发烧",
                                f"helper-{ent.worker.id}": str(ent.worker2.id), f"ppe-{ent.worker2.id}": "",
                                f"confirm-{ent.worker2.id}": "手机没带，我看到了",
                                "tasks": "清理3号罐", "lesson": "受限空间先通风"})


def test_the_leader_starts_from_a_form_and_lands_on_his_screen(client, auth, ent):
    auth.login(ent.team_leader)
    answer = client.post("/briefings/start", data={"team_id": ent.team.id})
    assert answer.status_code == 302
    briefing = db.session.query(Briefing).one()
    assert answer.headers["Location"] == f"/briefings/{briefing.id}/run"
    again = client.post("/briefings/start", data={"team_id": ent.team.id})    # a second press
    assert again.headers["Location"] == answer.headers["Location"] and db.session.query(Briefing).count() == 1
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'data-secret="{briefing.secret}"' in page and 'data-outbox="briefing_close"' in page
    assert ent.worker.name in page and "js/briefing.js" in page


def test_a_start_refused_says_why(client, auth, ent):
    days = make_team(ent.department, shifts=[("白班", time(8), time(17))])
    leader = make_user(ent.enterprise, Role.TEAM_LEADER, team=days)
    db.session.commit()
    auth.login(leader)
    clock.freeze(STARTED + timedelta(hours=12))     # 19:40: the shift is over, none begins soon
    answer = client.post("/briefings/start", data={"team_id": days.id}, follow_redirects=True)
    assert "本班组未来两小时内没有班次开始" in answer.get_data(as_text=True)
    assert db.session.query(Briefing).count() == 0
    auth.logout()
    auth.login(ent.worker)
    clock.freeze(STARTED)
    refused = client.post("/briefings/start", data={"team_id": ent.team.id})
    assert refused.status_code == 302 and db.session.query(Briefing).count() == 0


def test_only_the_leader_gets_the_screen_and_its_secret(client, auth, ent, briefing):
    for user in (ent.dept_head, ent.worker, ent.safety_officer):
        auth.login(user)
        answer = client.get(f"/briefings/{briefing.id}/run")
        assert answer.status_code == 403 and briefing.secret not in answer.get_data(as_text=True)
        auth.logout()


def test_another_enterprises_briefing_is_not_known(client, auth, ent, briefing):
    other = standard_enterprise()
    auth.login(other.team_leader, enterprise_code=other.enterprise.code)
    assert client.get(f"/briefings/{briefing.id}/run").status_code == 404
    assert client.post(f"/briefings/{briefing.id}/close", data=_roll_fields(ent)).status_code == 404
    assert client.post("/briefings/start", data={"team_id": ent.team.id}).status_code == 404
    assert _fresh(briefing.id).closed_at is None


def test_the_poll_answers_who_has_signed_in(client, auth, ent, briefing):
    minute = codes.minute_of(STARTED + timedelta(minutes=1))
    services.sign_in(ent.worker, briefing, minute, codes.code_for(briefing.secret, briefing.id, minute),
                     STARTED + timedelta(minutes=1, seconds=5), "s-1")
    db.session.commit()
    auth.login(ent.team_leader)
    poll = client.get(f"/briefings/{briefing.id}/run", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert poll.lstrip().startswith("<section") and 'id="sign-ins"' in poll and "<form" not in poll
    assert re.search(ent.worker.name + r"\s*<span[^>]*>07:41 扫码签到</span>", poll)
    assert re.search(ent.worker2.name + r"\s*<span[^>]*>尚未签到</span>", poll)
    assert briefing.secret not in poll


def test_closing_through_the_page_writes_the_roll_call(client, auth, ent, briefing):
    auth.login(ent.team_leader)
    clock.freeze(LATER)
    answer = client.post(f"/briefings/{briefing.id}/close", data=_one_unfit(ent))
    assert answer.status_code == 302 and answer.headers["Location"] == f"/briefings/{briefing.id}"
    row = _fresh(briefing.id)
    lines = {line.user_id: line for line in row.attendees}
    assert row.closed_at == LATER and not row.is_short
    assert (lines[ent.worker.id].fitness, lines[ent.worker.id].reason, lines[ent.worker.id].helper_id) == (
        Fitness.OFF_WORK, "发烧", ent.worker2.id)
    assert lines[ent.worker2.id].ppe_ok is False and lines[ent.worker2.id].presence == Presence.PRESENT
    assert lines[ent.team_leader.id].fitness == Fitness.FIT and lines[ent.team_leader.id].ppe_ok
    assert (row.tasks, row.lesson) == ("清理3号罐", "受限空间先通风")
    confirmed = row.sign_in_of(ent.worker2.id)
    assert (confirmed.method, confirmed.note) == (SignInMethod.LEADER, "手机没带，我看到了")
    # Closed, the screen is the record.
    assert client.get(f"/briefings/{briefing.id}/run").headers["Location"] == f"/briefings/{briefing.id}"
    poll = client.get(f"/briefings/{briefing.id}/run", headers={"HX-Request": "true"})
    assert poll.headers["HX-Redirect"] == f"/briefings/{briefing.id}"


def _outbox(user, briefing, fields, done_at, client_uuid):
    return {"_kind": "briefing_close", "_user_id": str(user.id), "_done_at": done_at.isoformat() + "Z",
            "_action": f"/briefings/{briefing.id}/close", "client_uuid": client_uuid, **fields}


def test_a_close_from_the_outbox_counts_once_at_the_phones_time(client, auth, ent, briefing):
    auth.login(ent.team_leader)
    pressed = STARTED + timedelta(minutes=6)
    clock.freeze(STARTED + timedelta(minutes=40))      # the leader's phone found signal later
    item = _outbox(ent.team_leader, briefing, _one_unfit(ent), pressed, str(uuid.uuid4()))
    first = client.post("/api/v1/outbox", data=item, content_type="multipart/form-data")
    again = client.post("/api/v1/outbox", data=item, content_type="multipart/form-data")
    assert first.status_code == again.status_code == 200, first.json
    assert first.json["url"] == f"/briefings/{briefing.id}" and again.json["replayed"] is True
    row = _fresh(briefing.id)
    assert row.closed_at == pressed and row.close_uuid == item["client_uuid"]
    assert next(a for a in row.attendees if a.user_id == ent.worker.id).fitness == Fitness.OFF_WORK
    assert len(row.sign_ins) == 1


def test_a_refused_close_changes_nothing_and_says_so_next_to_the_person(client, auth, ent, briefing):
    auth.login(ent.team_leader)
    clock.freeze(LATER)
    fields = _one_unfit(ent)
    fields[f"reason-{ent.worker.id}"] = " "
    answer = client.post(f"/briefings/{briefing.id}/close", data=fields)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    person = page.split(f'id="roll-{ent.worker.id}"', 1)[1].split("</fieldset>", 1)[0]
    assert "请说明对此人不放心的原因。" in person
    assert f'value="{ent.worker2.id}" selected' in person and 'value="off_work" checked' in person
    assert "清理3号罐" in page                                   # what he wrote is kept
    row = _fresh(briefing.id)
    assert row.closed_at is None and row.tasks == "" and row.sign_ins == []
    queued = client.post("/api/v1/outbox", content_type="multipart/form-data",
                         data=_outbox(ent.team_leader, briefing, fields, LATER, "u-refused"))
    assert queued.status_code == 400 and f"roll-{ent.worker.id}-reason" in queued.json["errors"]
    # The phone shows the first message alone: it names the person.
    assert queued.json["error"] == f"{ent.worker.name}：请说明对此人不放心的原因。"


def test_a_closed_briefing_is_not_closed_again(client, auth, ent, briefing):
    auth.login(ent.team_leader)
    clock.freeze(LATER)
    url = f"/briefings/{briefing.id}/close"
    assert client.post(url, data=_roll_fields(ent, tasks="一")).status_code == 302
    again = client.post(url, data=_roll_fields(ent, tasks="二"))
    assert again.status_code == 409 and CLOSED in again.get_data(as_text=True)
    assert _fresh(briefing.id).tasks == "一"


def test_the_department_head_may_not_close_the_leaders_briefing(client, auth, ent, briefing):
    auth.login(ent.dept_head)
    assert client.post(f"/briefings/{briefing.id}/close", data=_roll_fields(ent)).status_code == 403
    assert _fresh(briefing.id).closed_at is None


def test_the_helper_list_is_the_teams_and_departments_people(client, auth, ent, briefing):
    elsewhere = make_user(ent.enterprise, Role.WORKER, team=make_team(make_department(ent.enterprise)))
    db.session.commit()
    auth.login(ent.team_leader)
    page = client.get(f"/briefings/{briefing.id}/run").get_data(as_text=True)
    assert f'<option value="{ent.dept_head.id}"' in page and f'<option value="{elsewhere.id}"' not in page
