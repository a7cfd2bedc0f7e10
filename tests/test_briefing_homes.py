"""Today's briefing on the homes: the team leader starts, continues or sees what was held;
a worker kept off work is told so instead of his checks, one at a running briefing is
offered to sign in; the department head and the safety staff see every team's briefing
at a glance, missing first, and who is kept off work, on the home and on /briefings/today."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from blueprints.briefings import services
from blueprints.briefings.models import Fitness
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.extensions import db
from blueprints.org.models import Role
from tests import factories
from tests.factories_briefings import hold_briefing, keep_off_work, start_briefing

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    """A Shanghai wall-clock time (10 March 2026) as the naive UTC the database holds."""
    return clock.to_utc(datetime(2026, 3, 10, *args, tzinfo=SHANGHAI))


def page(client, auth, user, url="/home", status=200):
    auth.login(user, enterprise_code=user.enterprise.code)
    response = client.get(url)
    auth.logout()
    assert response.status_code == status
    return response.get_data(as_text=True)


@pytest.fixture
def second_team(ent):
    """合成乙班, in the same department, day shift only, with one worker."""
    team = factories.make_team(ent.department, "合成乙班", shifts=[("白班", time(8), time(20))])
    factories.make_user(ent.enterprise, Role.WORKER, team=team)
    db.session.commit()
    return team


def test_the_leader_starts_continues_and_sees_what_was_held(client, auth, ent):
    clock.freeze(local(7, 40))
    home = page(client, auth, ent.team_leader)
    assert '<form method="post" action="/briefings/start">' in home and "开始班前会" in home
    assert f'name="team_id" value="{ent.team.id}"' in home and "brief-not_yet" in home
    clock.freeze(local(8, 31))
    home = page(client, auth, ent.team_leader)
    assert "开始班前会" in home and "brief-missing state-overdue" in home and "08:30 前未召开" in home
    briefing = start_briefing(ent.team_leader, ent.team, local(8, 35))
    clock.freeze(local(8, 36))
    home = page(client, auth, ent.team_leader)
    assert f'href="/briefings/{briefing.id}/run"' in home and "继续班前会" in home
    assert "开始班前会" not in home
    rolls = [services.Roll(ent.worker.id, fitness=Fitness.OFF_WORK, reason="发烧", helper_id=ent.worker2.id),
             services.Roll(ent.worker2.id, confirm_note="手机没电")]
    with clock.frozen(local(8, 45)):
        services.close(briefing, ent.team_leader, services.CloseInput(rolls=rolls))
        db.session.commit()
    clock.freeze(local(9, 0))
    home = page(client, auth, ent.team_leader)
    # W2 confirmed, and the leader, who chaired
    assert f'href="/briefings/{briefing.id}"' in home and "已召开 08:35–08:45，2/3 签到" in home
    assert f"不上岗：{ent.worker.name}" in home and "继续班前会" not in home


def test_a_worker_kept_off_work_sees_why_and_no_checks(client, auth, ent):
    keep_off_work(ent, ent.worker, ent.worker2, local(7, 40))
    clock.freeze(local(10, 0))
    home = page(client, auth, ent.worker)
    assert f"本班不上岗（不安全不上岗）：发烧，由 {ent.worker2.name} 顶岗。" in home
    assert "今日待查" not in home and ent.point.name not in home
    other = page(client, auth, ent.worker2)
    assert "本班不上岗" not in other and "今日待查" in other and ent.point.name in other


def test_a_worker_at_a_running_briefing_is_offered_to_sign_in_until_he_has(client, auth, ent):
    briefing = start_briefing(ent.team_leader, ent.team, local(7, 40))
    clock.freeze(local(7, 42))
    home = page(client, auth, ent.worker)
    assert 'href="/scan"' in home and "合成甲班 班前会正在进行" in home
    assert "班前会正在进行" not in page(client, auth, ent.team_leader)   # he runs it
    minute = codes.minute_of(local(7, 42))
    services.sign_in(ent.worker, briefing, minute, codes.code_for(briefing.secret, briefing.id, minute),
                     local(7, 42))
    db.session.commit()
    assert "班前会正在进行" not in page(client, auth, ent.worker)


def test_the_department_head_sees_a_missing_team_first_and_who_is_off_work(client, auth, ent, second_team):
    keep_off_work(ent, ent.worker, ent.worker2, local(7, 40))
    clock.freeze(local(9, 0))
    home = page(client, auth, ent.dept_head)
    assert "今日班前会" in home and '<span class="badge state-overdue">1 个未召开</span>' in home
    section = home[home.index("今日班前会"):]
    assert section.index("合成乙班") < section.index("合成甲班")
    assert "brief-missing state-overdue" in section and "brief-held" in section
    assert f"不上岗：{ent.worker.name}" in section
    assert f'href="/briefings/today#team-{second_team.id}"' in section


def test_today_shows_a_department_heads_teams_and_everyone_elses_to_the_safety_staff(
        client, auth, ent, second_team):
    elsewhere = factories.make_team(factories.make_department(ent.enterprise, "罐区储运部"), "罐区班")
    factories.make_user(ent.enterprise, Role.WORKER, team=elsewhere)
    db.session.commit()
    briefing = hold_briefing(ent.team_leader, ent.team, local(7, 40), minutes=4)
    clock.freeze(local(9, 0))
    head = page(client, auth, ent.dept_head, "/briefings/today")
    assert "合成甲班" in head and "合成乙班" in head and "罐区班" not in head
    assert f'href="/briefings/{briefing.id}"' in head and "到会 3/3 · 签到 1" in head  # the leader chaired
    assert "brief-short" in head            # held in four minutes
    for user in (ent.safety_officer, ent.director, ent.principal):
        assert "罐区班" in page(client, auth, user, "/briefings/today")
    page(client, auth, ent.worker, "/briefings/today", status=403)


def test_another_enterprises_briefings_never_show(client, auth, ent):
    other = factories.standard_enterprise()
    keep_off_work(other, other.worker, other.worker2, local(7, 40))
    clock.freeze(local(9, 0))
    for user in (ent.director, ent.dept_head):
        for url in ("/home", "/briefings/today"):
            text = page(client, auth, user, url)
            assert other.worker.name not in text and f"team-{other.team.id}" not in text
            assert f"team-{ent.team.id}" in text


def test_the_glance_reads_the_teams_briefings_at_once(client, auth, ent, second_team):
    """The director's home and /briefings/today ask as many queries for four teams as for two."""
    def statements():
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        page(client, auth, ent.director)
        page(client, auth, ent.director, "/briefings/today")
        event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    clock.freeze(local(9, 0))
    hold_briefing(ent.team_leader, ent.team, local(7, 40))
    clock.freeze(local(9, 0))
    two = statements()
    for name in ("合成丙班", "合成丁班"):
        team = factories.make_team(ent.department, name, shifts=[("白班", time(8), time(20))])
        leader = factories.make_user(ent.enterprise, Role.TEAM_LEADER, team=team)
        factories.make_user(ent.enterprise, Role.WORKER, team=team)
        db.session.commit()
        hold_briefing(leader, team, local(7, 40))
    clock.freeze(local(9, 0))
    assert statements() == two
    assert "合成丁班" in page(client, auth, ent.director)
