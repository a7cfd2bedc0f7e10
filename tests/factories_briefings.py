"""Briefings for tests, made through the services as a leader would, at the given moments."""
from datetime import datetime, timedelta

from blueprints.briefings import services
from blueprints.briefings.models import Briefing, Fitness
from blueprints.common import clock
from blueprints.common.extensions import db


def start_briefing(leader, team, started: datetime) -> Briefing:
    """Started at `started` (naive UTC); the clock is unfrozen after."""
    with clock.frozen(started):
        briefing = services.start(leader, team)
        db.session.commit()
    return briefing


def hold_briefing(leader, team, started: datetime, minutes: int = 8, rolls=()) -> Briefing:
    """Started at `started` and closed `minutes` later with the roll call given (anyone
    not in it present and fit); the clock is unfrozen after."""
    briefing = start_briefing(leader, team, started)
    with clock.frozen(started + timedelta(minutes=minutes)):
        services.close(briefing, leader, services.CloseInput(rolls=list(rolls)))
        db.session.commit()
    return briefing


def keep_off_work(ent, worker, helper, started: datetime, reason: str = "发烧") -> Briefing:
    """The standard enterprise's team briefing at which `worker` is kept off work (不安全不上岗)
    and `helper` takes the post."""
    roll = services.Roll(worker.id, fitness=Fitness.OFF_WORK, reason=reason, helper_id=helper.id)
    return hold_briefing(ent.team_leader, ent.team, started, rolls=[roll])
