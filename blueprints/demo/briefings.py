"""A week of past morning briefings for the demo enterprise, held through the same services
as the leader's screen and the workers' phones, on a frozen clock: one too short, one
with a worker kept off work, and one day 罐区班 held none."""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.briefings import queries, schedule, services
from blueprints.briefings.models import Fitness
from blueprints.common import clock, rotating_code
from blueprints.common.extensions import db
from blueprints.org.models import Enterprise, Role, Team, User

DAYS = 7
# (team, days ago[, shift]): the exceptions the records and the lists show.
SHORT = ("合成乙班", 3)
OFF_WORK = ("罐区班", 2, "白班")
NONE_HELD = ("罐区班", 4)
TASKS = ["巡检反应釜及冷却水系统，记录温度压力", "配合设备动力部更换P-102机封", "清理围堰积水，检查排水阀",
         "成品装车，叉车作业注意人车分流", "配电室例行巡视，检查绝缘用具"]
LESSONS = ["有限空间作业：先通风、再检测、后作业", "动火作业票未批准不得动火", "劳保用品正确佩戴示范",
           "某化工厂液氨泄漏事故案例", "高处作业安全带高挂低用"]


def load_briefings(enterprise: Enterprise) -> int:
    """The briefings of the last DAYS whole days, each team's every shift; returns how many."""
    rng = random.Random(11)
    today = clock.to_local(clock.now(), enterprise.timezone).replace(hour=0, minute=0, second=0,
                                                                      microsecond=0)
    made = 0
    for team in queries.briefing_teams(enterprise.id):
        chair = _chair(team)
        for ago in range(DAYS, 0, -1):
            if (team.name, ago) == NONE_HELD:
                continue
            since = clock.to_utc(today - timedelta(days=ago))
            for slot in schedule.slots_between(team, enterprise, since, since + timedelta(days=1)):
                _hold(rng, team, chair, slot, (team.name, ago, slot.name))
                made += 1
    return made


def _chair(team: Team) -> User:
    """The team's leader; for a team without one, the head of its department."""
    leader = db.session.scalar(select(User).where(User.team_id == team.id, User.role == Role.TEAM_LEADER))
    return leader or db.session.scalar(select(User).where(
        User.department_id == team.department_id, User.role == Role.DEPT_HEAD))


def _hold(rng, team: Team, chair: User, slot: schedule.Slot, which: tuple) -> None:
    started = slot.start - timedelta(minutes=rng.randint(15, 25), seconds=rng.randint(0, 59))
    with clock.frozen(started):
        briefing = services.start(chair, team, started)
    rolls = []
    for offset, line in enumerate(briefing.attendees):
        if line.user_id == chair.id:  # he chairs: not signed in to his own briefing
            rolls.append(services.Roll(line.user_id))
            continue
        scanned = started + timedelta(minutes=1 + offset, seconds=rng.randint(5, 50))
        minute = rotating_code.minute_of(scanned)
        code = rotating_code.code_for(briefing.secret, briefing.id, minute)
        with clock.frozen(scanned + timedelta(seconds=2)):
            services.sign_in(line.user, briefing, minute, code, scanned,
                             user_agent="Mozilla/5.0 (Linux; Android 12) demo")
        roll = services.Roll(line.user_id)
        if which == OFF_WORK and line.user.role == Role.WORKER and not any(
                r.fitness == Fitness.OFF_WORK for r in rolls):
            roll = services.Roll(line.user_id, fitness=Fitness.OFF_WORK, reason="昨夜发烧，精神不佳",
                                 helper_id=chair.id)
        rolls.append(roll)
    length = timedelta(minutes=4, seconds=10) if which[:2] == SHORT else timedelta(
        minutes=rng.randint(7, 12), seconds=rng.randint(0, 59))
    closed: datetime = started + length
    with clock.frozen(closed):
        services.close(briefing, chair, services.CloseInput(
            rolls=rolls, tasks=rng.choice(TASKS), lesson=rng.choice(LESSONS)), closed)
