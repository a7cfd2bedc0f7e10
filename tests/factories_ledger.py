"""The hazard ledger's known data set, shared by the ledger's and the statistics' tests."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.hazards.models import Hazard, HazardCategory, HazardGrade
from blueprints.hazards.queries import end_of_local_day
from blueprints.inspections import services as inspections
from blueprints.photos.services import save_photo
from tests import factories

TZ = "Asia/Shanghai"


def at(day: str, hour: int = 9) -> datetime:
    """A local time in Shanghai, as the naive UTC the clock keeps."""
    return datetime.fromisoformat(f"{day}T{hour:02d}:00") - (datetime(2026, 1, 1, 8) - datetime(2026, 1, 1))


def deadline(day: str) -> datetime:
    return end_of_local_day(date.fromisoformat(day), TZ)


def found(ent, when, description, **kw) -> Hazard:
    clock.freeze(at(when))
    reporter = kw.pop("reporter", ent.worker)
    place = {"department_id": ent.department.id, "team_id": ent.team.id, "risk_point_id": ent.point.id}
    if "department_id" in kw:   # another department's: of none of the standard team's points
        place = {"team_id": None, "risk_point_id": None}
    return transitions.report_hazard(reporter, transitions.HazardReport(
        description=description, location="东侧平台", **place, **kw))


def known_hazards(ent) -> dict:
    """The ledger's known set: late (extended twice, sent back once), on time, open past its
    deadline, major with its report and plan, and one of last year; the clock left on 2026-06-10."""
    officer, director, worker = ent.safety_officer, ent.director, ent.worker
    late = found(ent, "2026-03-02", "反应釜法兰渗漏")
    transitions.assign(late, officer, worker, deadline("2026-03-10"))
    for asked, moved in (("2026-03-09", "2026-03-20"), ("2026-03-19", "2026-03-31")):
        clock.freeze(at(asked))
        transitions.request_extension(late, worker, deadline(moved), "备件未到")
        transitions.decide_extension(late, director, True)
    clock.freeze(at("2026-04-03"))
    transitions.rectify(late, worker, "更换垫片", photo_id=photo(ent), funds=Decimal("350"))
    transitions.reject(late, officer, "仍有渗漏")
    clock.freeze(at("2026-04-04"))
    transitions.rectify(late, worker, "重新紧固并试压", photo_id=photo(ent), funds=Decimal("420.50"))
    clock.freeze(at("2026-04-05", 15))
    transitions.verify(late, officer, "复查合格")

    on_time = found(ent, "2026-05-06", factories.FORMULA, reporter=officer,
                    category=HazardCategory.MANAGEMENT)
    transitions.assign(on_time, officer, worker, deadline("2026-05-20"))
    clock.freeze(at("2026-05-10"))
    transitions.rectify(on_time, worker, "补齐台账", photo_id=photo(ent))
    clock.freeze(at("2026-05-11"))
    transitions.verify(on_time, officer)

    overdue = found(ent, "2026-06-01", "安全阀铅封脱落")
    transitions.assign(overdue, officer, worker, deadline("2026-06-05"))

    major = found(ent, "2026-06-02", "液氨储罐区可燃气体报警器失效", grade=HazardGrade.MAJOR,
                  major_criteria=["national_standard"], major_basis="涉氨制冷重点部位", reporter=officer)
    clock.freeze(at("2026-06-02", 11))
    transitions.record_regulator_report(major, officer, at("2026-06-02", 10), "省平台直报", "已报县应急局")
    transitions.submit_plan(major, officer, transitions.PlanData(
        "更换报警器并联锁", ent.dept_head.id, Decimal("50000"), deadline("2026-07-01"),
        "专人值守，备用检测仪"))
    transitions.decide_plan(major, director, True)

    found(ent, "2025-11-20", "去年的隐患")
    db.session.commit()
    clock.freeze(at("2026-06-10"))
    return {"late": late, "on_time": on_time, "overdue": overdue, "major": major}


def photo(ent) -> int:
    return save_photo(factories.jpeg_bytes(), ent.enterprise.id, ent.worker.id).id


def utc(*args) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the clock keeps."""
    return clock.to_utc(datetime(*args, tzinfo=ZoneInfo(TZ)))


def check_done(user, point, moment, times=1):
    """The point's shift check done by the user at that moment (scanned), times over."""
    for _ in range(times):
        with clock.frozen(moment):
            inspections.record_scan(user, point.current_token, "ua")
            inspections.submit_check(user, point, "team", "shift",
                                     [inspections.Answer(i.id, "ok") for i in point.checklist.items])
    db.session.commit()


def shift_checked():
    """The standard enterprise made at 08:00 on 12 March 2025 (Shanghai), its point's shift
    check (day 08–20, night 20–08) done on the 12th's day shift, twice in its night shift,
    and in the 13th's night shift; the 13th's day shift missed; now the 14th at 09:00."""
    with clock.frozen(utc(2025, 3, 12, 8)):
        ent = factories.standard_enterprise()
    check_done(ent.worker, ent.point, utc(2025, 3, 12, 9))
    check_done(ent.worker, ent.point, utc(2025, 3, 12, 22), times=2)
    check_done(ent.worker2, ent.point, utc(2025, 3, 13, 23))
    clock.freeze(utc(2025, 3, 14, 9))
    return ent
