"""A summary as Excel sheets (common/excel.py), from the same figures its page shows: the
figures, the major hazards, the rewards paid, the training held, and the comments."""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from blueprints.common.excel import Column, Sheet
from blueprints.summaries.figures import label
from blueprints.summaries.models import Summary

ITEM_COLUMNS = [Column(_l("Item"), 36), Column(_l("Number"), 12), Column(_l("Of which closed or done"), 16)]
MAJOR_COLUMNS = [Column(_l("No."), 6), Column(_l("Found on"), 11), Column(_l("Hazard place"), 20),
                 Column(_l("Responsible department"), 14), Column(_l("Description"), 36),
                 Column(_l("State"), 14),
                 Column(_l("Deadline"), 11), Column(_l("Reported to the regulator on"), 12),
                 Column(_l("Closed on"), 11)]
REWARD_COLUMNS = [Column(_l("No."), 6), Column(_l("Paid on"), 11), Column(_l("Reporter"), 14),
                  Column(_l("Department"), 14), Column(_l("Hazard"), 36), Column(_l("Hazard grade"), 10),
                  Column(_l("Total (yuan)"), 10)]
TRAINING_COLUMNS = [Column(_l("No."), 6), Column(_l("Day"), 11), Column(_l("Lesson"), 34),
                    Column(_l("Occasion"), 16), Column(_l("Assigned"), 8), Column(_l("Passed"), 8)]
PUBLIC = _l("Public report (anonymous)")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def item_rows(f: dict) -> list[list]:
    """The figures, a row each: what, how many, and of them closed (hazards) or done."""
    h, c, b, t = f["hazards"], f["checks"], f["briefings"], f["training"]
    rows = [[_l("Risk points: %(grade)s", grade=label("risk_points", g)), n, None]
            for g, n in f["risk_points"].items()]
    rows += [[_l("Hazards found"), h["found"], h["closed"]], [_l("Closed late"), h["closed_late"], None],
             [_l("Still open"), h["open"], None], [_l("Past deadline"), h["overdue"], None],
             [_l("Days to close, on average"), h["days_to_close"], None]]
    rows += [[_l("Hazards: %(kind)s", kind=label(key, value)), found, closed]
             for key in ("grades", "categories") for value, (found, closed) in h[key].items()]
    rows += [[_l("Hazards: %(kind)s", kind=label("sources", value)), n, None]
             for value, n in h["sources"].items()]
    rows += [[_l("Checks due"), c["counted"], c["done"]], [_l("Checks without a scan"), c["unscanned"], None]]
    rows += [[_l("Checks: %(level)s", level=label("levels", level)), counted, done]
             for level, (counted, done) in c["levels"].items()]
    rows += [[_l("Briefings due"), b["due"], b["held"]], [_l("Briefings started late"), b["late"], None],
             [_l("Rewards paid"), f["rewards"]["count"], None],
             [_l("Rewards paid (yuan)"), Decimal(f["rewards"]["total"]), None],
             [_l("Lessons held"), t["sessions"], None], [_l("People taught"), t["people"], t["passed"]],
             [_l("Spot tests"), t["spot_tests"], t["spot_tests_passed"]]]
    return rows


def sheets(summary: Summary, f: dict, heading) -> list[Sheet]:
    majors = [[n, _day(m["found_on"]), m["place"], m["department"], m["description"],
               label("state", m["state"]), _day(m["deadline"]), _day(m["reported_on"]), _day(m["closed_on"])]
              for n, m in enumerate(f["majors"], 1)]
    rewards = [[n, _day(r["paid_on"]), r["reporter"] or PUBLIC, r["department"], r["hazard"],
                label("grades", r["grade"]), Decimal(r["amount"])]
               for n, r in enumerate(f["rewards"]["rows"], 1)]
    training = [[n, _day(r["held_on"]), r["title"], label("occasion", r["occasion"]), r["people"],
                 r["passed"]] for n, r in enumerate(f["training"]["rows"], 1)]
    return [Sheet(_l("Figures"), heading, ITEM_COLUMNS, item_rows(f)),
            Sheet(_l("Major hazards"), heading, MAJOR_COLUMNS, majors),
            Sheet(_l("Rewards paid"), heading, REWARD_COLUMNS, rewards),
            Sheet(_l("Training"), heading, TRAINING_COLUMNS, training),
            Sheet(_l("Comments"), heading, [Column(_l("Comments"), 100)], [[summary.comments]])]
