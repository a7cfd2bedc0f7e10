"""The morning briefing's rules, through its services and read back through a fresh
session: the rotating code, the close, the short mark, the roll call."""
from datetime import datetime, timedelta

import pytest

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, Fitness, Presence, SignIn, SignInMethod
from blueprints.common import clock
from blueprints.common import rotating_code as codes
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import Role
from tests.factories import make_hazard, make_user

# 07:40 in Shanghai: the day shift (08:00–20:00) of 合成甲班 opens for its briefing.
BEFORE_DAY_SHIFT = datetime(2026, 11, 30, 7, 40) - timedelta(hours=8)


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


@pytest.fixture
def briefing(ent):
    with clock.frozen(BEFORE_DAY_SHIFT):
        started = services.start(ent.team_leader, ent.team)
        db.session.commit()
    return started


def _code_at(briefing, moment):
    minute = codes.minute_of(moment)
    return minute, codes.code_for(briefing.secret, briefing.id, minute)


def test_the_leader_starts_the_day_shift_briefing_with_the_roster(ent, briefing):
    row = _fresh(Briefing, briefing.id)
    assert row.shift_start == datetime(2026, 11, 30, 0, 0)          # 08:00 local
    assert row.shift_name == "白班" and row.leader_id == ent.team_leader.id
    assert {a.user_id for a in row.attendees} == {ent.worker.id, ent.worker2.id, ent.team_leader.id}
    assert row.min_minutes == 5 and row.template.number == 1


def test_starting_twice_gives_the_running_briefing(ent, briefing):
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=3)):
        again = services.start(ent.team_leader, ent.team)
    assert again.id == briefing.id


def test_a_worker_may_not_start_the_briefing(ent):
    with clock.frozen(BEFORE_DAY_SHIFT), pytest.raises(Refused) as refused:
        services.start(ent.worker, ent.team)
    assert refused.value.status == 403


def test_the_safety_points_name_the_teams_open_hazards(ent):
    hazard = make_hazard(ent, description="法兰渗漏")
    db.session.commit()
    with clock.frozen(BEFORE_DAY_SHIFT):
        started = services.start(ent.team_leader, ent.team)
        db.session.commit()
    assert f"#{hazard.id}" in _fresh(Briefing, started.id).safety_points


def test_a_sign_in_inside_the_minute_counts_once(ent, briefing):
    scanned = BEFORE_DAY_SHIFT + timedelta(minutes=2, seconds=10)
    minute, code = _code_at(briefing, scanned)
    with clock.frozen(scanned + timedelta(seconds=5)):
        services.sign_in(ent.worker, briefing, minute, code, scanned, client_uuid="u-1")
        services.sign_in(ent.worker, briefing, minute, code, scanned, client_uuid="u-1")
        db.session.commit()
    rows = _fresh(Briefing, briefing.id).sign_ins
    assert [(s.user_id, s.method, s.signed_at) for s in rows] == [(ent.worker.id, SignInMethod.CODE, scanned)]


def test_an_offline_sign_in_made_before_the_close_counts_after_it(ent, briefing):
    scanned = BEFORE_DAY_SHIFT + timedelta(minutes=4)
    minute, code = _code_at(briefing, scanned)
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=8)):
        services.close(briefing, ent.team_leader, services.CloseInput())
        db.session.commit()
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(hours=3)):       # the phone found signal
        services.sign_in(ent.worker, _fresh(Briefing, briefing.id), minute, code, scanned, "u-2")
        db.session.commit()
    assert _fresh(Briefing, briefing.id).sign_in_of(ent.worker.id).signed_at == scanned


@pytest.mark.parametrize("case", ["stale", "wrong", "other_briefing", "after_close", "before_start"])
def test_codes_that_do_not_prove_presence_are_refused(ent, briefing, case):
    scanned = BEFORE_DAY_SHIFT + timedelta(minutes=3)
    minute, code = _code_at(briefing, scanned)
    target = briefing
    if case == "stale":            # a photo of the code, used later
        scanned += timedelta(minutes=5)
    elif case == "wrong":
        code = "0" * codes.CODE_LENGTH if code != "0" * codes.CODE_LENGTH else "1" * codes.CODE_LENGTH
    elif case == "other_briefing":
        other_team = ent.team.__class__(enterprise_id=ent.enterprise.id, department_id=ent.department.id,
                                        name="合成乙班")
        db.session.add(other_team)
        db.session.flush()
        other_leader = make_user(ent.enterprise, Role.TEAM_LEADER, team=other_team)
        make_user(ent.enterprise, Role.WORKER, team=other_team)
        with clock.frozen(BEFORE_DAY_SHIFT):
            other = services.start(other_leader, other_team)
        minute, code = _code_at(other, scanned)   # the code on another team's screen
    elif case == "after_close":
        with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=6)):
            services.close(briefing, ent.team_leader, services.CloseInput())
        scanned = BEFORE_DAY_SHIFT + timedelta(minutes=9)
        minute, code = _code_at(briefing, scanned)
    elif case == "before_start":
        scanned = BEFORE_DAY_SHIFT - timedelta(minutes=5)
        minute, code = _code_at(briefing, scanned)
    db.session.commit()
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=20)), pytest.raises(Refused) as refused:
        services.sign_in(ent.worker, target, minute, code, scanned, "u-3")
    expected = {"stale": codes.STALE, "wrong": codes.WRONG, "other_briefing": codes.WRONG,
                "after_close": codes.NOT_RUNNING, "before_start": codes.NOT_RUNNING}[case]
    assert refused.value.field == "code" and refused.value.message is expected
    db.session.rollback()
    assert db.session.query(SignIn).count() == 0


def test_a_briefing_closed_under_five_minutes_is_marked_short(ent, briefing):
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=4)):
        services.close(briefing, ent.team_leader, services.CloseInput(tasks="清罐"))
        db.session.commit()
    assert _fresh(Briefing, briefing.id).is_short


def test_a_closed_briefing_cannot_be_changed(ent, briefing):
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=6)):
        services.close(briefing, ent.team_leader, services.CloseInput(tasks="清罐"))
        db.session.commit()
        with pytest.raises(Refused) as refused:
            services.close(_fresh(Briefing, briefing.id), ent.team_leader,
                           services.CloseInput(tasks="改过的"))
    assert refused.value.status == 409
    db.session.rollback()
    row = _fresh(Briefing, briefing.id)
    assert row.tasks == "清罐" and not row.is_short
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=30)):
        services.add_note(row, ent.team_leader, "补记：王工迟到5分钟")
        db.session.commit()
    assert [n.text for n in _fresh(Briefing, briefing.id).notes] == ["补记：王工迟到5分钟"]


def test_not_easy_about_needs_a_reason_and_a_named_helper(ent, briefing):
    roll = services.Roll(ent.worker.id, fitness=Fitness.OFF_WORK)
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=6)), pytest.raises(Refused) as refused:
        services.close(briefing, ent.team_leader, services.CloseInput(rolls=[roll]))
    assert {f for f, _m in refused.value.errors} == {f"roll-{ent.worker.id}-reason",
                                                     f"roll-{ent.worker.id}-helper_id"}
    db.session.rollback()
    assert _fresh(Briefing, briefing.id).closed_at is None


def test_the_roll_call_and_the_leaders_confirmation_are_kept(ent, briefing):
    rolls = [services.Roll(ent.worker.id, fitness=Fitness.OFF_WORK, reason="发烧", helper_id=ent.worker2.id),
             services.Roll(ent.worker2.id, confirm_note="手机没电"),
             services.Roll(ent.team_leader.id, presence=Presence.LEAVE)]
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=7)):
        services.close(briefing, ent.team_leader, services.CloseInput(rolls=rolls))
        db.session.commit()
    row = _fresh(Briefing, briefing.id)
    lines = {a.user_id: a for a in row.attendees}
    worker = lines[ent.worker.id]
    assert (worker.fitness, worker.helper_id) == (Fitness.OFF_WORK, ent.worker2.id)
    assert lines[ent.team_leader.id].presence == Presence.LEAVE
    confirmed = row.sign_in_of(ent.worker2.id)
    assert confirmed.method == SignInMethod.LEADER and confirmed.note == "手机没电"
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(hours=2)):
        assert services.off_work(ent.worker).briefing_id == row.id
        assert services.off_work(ent.worker2) is None
    with clock.frozen(row.shift_end + timedelta(minutes=1)):
        assert services.off_work(ent.worker) is None


def test_the_team_leader_takes_over_a_briefing_the_department_head_started(ent):
    with clock.frozen(BEFORE_DAY_SHIFT):
        started = services.start(ent.dept_head, ent.team)
        db.session.commit()
    with clock.frozen(BEFORE_DAY_SHIFT + timedelta(minutes=6)):
        services.close(started, ent.team_leader, services.CloseInput(tasks="接手"))
        db.session.commit()
    assert _fresh(Briefing, started.id).tasks == "接手"


def test_a_sign_in_uuid_sent_by_someone_else_is_refused(ent, briefing):
    scanned = BEFORE_DAY_SHIFT + timedelta(minutes=2)
    minute, code = _code_at(briefing, scanned)
    with clock.frozen(scanned):
        services.sign_in(ent.worker, briefing, minute, code, scanned, client_uuid="same")
        db.session.commit()
        with pytest.raises(Refused) as refused:
            services.sign_in(ent.worker2, briefing, minute, code, scanned, client_uuid="same")
    assert refused.value.status == 409
    db.session.rollback()
    assert [s.user_id for s in _fresh(Briefing, briefing.id).sign_ins] == [ent.worker.id]
