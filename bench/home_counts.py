"""Time each role's home and each of its counts: on the demo enterprise, then with about a
million check answers behind it.

Builds a scratch SQLite database: the demo enterprise (`flask seed-demo`), then copies of its
risk points (a bigger plant) and months of past checks of every unit at every level, bulk
inserted, until the answers reach --answers. Each home is fetched as its user through the
app (median of --runs), counting SQL statements; each count is timed on its own. Needs only
the repository's venv. Run from the repository root:

    .venv/bin/python bench/home_counts.py                 # 1,000,000 answers
    .venv/bin/python bench/home_counts.py --answers 200000
"""
import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.dashboard import queue as work_queue
from blueprints.demo import enterprise as demo
from blueprints.demo.history import _periods
from blueprints.hazards import queries
from blueprints.inspections import due
from blueprints.inspections.models import Inspection, InspectionAnswer
from blueprints.org.models import Enterprise, User
from blueprints.risk_points import services as rp
from blueprints.risk_points.models import RiskPoint

HOMES = ["W001", "T001", "D001", "S002", "S001", "P001"]
BATCH = 20_000


class Statements:
    """Counts the SQL statements of each run."""
    def __init__(self):
        self.last = 0

    def listen(self, engine):
        self.last = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def stop(self, engine):
        event.remove(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.last += 1


def timed(app, fn, runs):
    """Median milliseconds of fn, each run in its own app context (a fresh session, as a
    request has), and the statements of the last run."""
    times, statements = [], Statements()
    for _ in range(runs + 1):  # the first run warms templates and caches
        with app.app_context():
            statements.listen(db.engine)
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
            statements.stop(db.engine)
    return statistics.median(times[1:]), statements.last


def copy_points(enterprise: Enterprise, copies: int) -> None:
    """The demo's points again, `copies` times over (codes FX-001-2 …): a bigger plant with
    the same teams, shifts and checklists."""
    points = db.session.scalars(select(RiskPoint).where(RiskPoint.enterprise_id == enterprise.id)).all()
    for n in range(2, copies + 1):
        for point in points:
            items = [rp.ItemData(i.text, i.standard, i.frequency, i.every_hours, i.level)
                     for i in point.checklist.items]
            copy = rp.create_risk_point(enterprise, rp.RiskPointData(
                code=f"{point.code}-{n}", name=f"{point.name}（{n}）", location=point.location,
                department_id=point.department_id, team_id=point.team_id,
                responsible_user_id=point.responsible_user_id, control_level=point.control_level,
                hazard_factors=point.hazard_factors, accident_types=point.accident_types,
                control_measures=point.control_measures, lec=(point.lec_l, point.lec_e, point.lec_c),
                items=items), actor_id=point.responsible_user_id)
            for row in (copy, *copy.checklist_versions):
                row.created_at = point.created_at
    db.session.commit()


def add_history(enterprise: Enterprise, answers_wanted: int) -> int:
    """Past checks of every unit of every point, bulk inserted day by day backwards from the
    demo's own history until the answers reach the number wanted; returns the answers made."""
    rng = random.Random(10)
    tz_name = enterprise.timezone
    people = db.session.scalars(select(User.id).where(User.enterprise_id == enterprise.id)).all()
    points = due.active_points(enterprise.id)
    units = [(point, level, key, items) for point in points for level, key, items in due.point_units(point)]
    inspection_id = (db.session.scalar(select(func.max(Inspection.id))) or 0) + 1
    made = db.session.scalar(select(func.count()).select_from(InspectionAnswer))
    end = clock.now() - timedelta(days=demo.demo_history.DAYS)
    while made < answers_wanted:
        start = end - timedelta(days=7)
        inspections, answer_rows = [], []
        for point, level, key, items in units:
            for period in _periods(key, point.team, start, end, tz_name):
                done_at = period.start + (period.end - period.start) * rng.uniform(0.05, 0.45)
                inspections.append({
                    "id": inspection_id, "enterprise_id": enterprise.id, "risk_point_id": point.id,
                    "checklist_version_id": point.checklist.id, "level": level, "frequency_key": key,
                    "user_id": rng.choice(people), "done_at": done_at.replace(microsecond=0),
                    "received_at": done_at.replace(microsecond=0), "no_scan": rng.random() < 0.04,
                    "note": ""})
                answer_rows += [{"enterprise_id": enterprise.id, "inspection_id": inspection_id,
                                 "item_id": item.id, "result": "ok", "note": ""} for item in items]
                inspection_id += 1
        for rows, table in ((inspections, Inspection.__table__), (answer_rows, InspectionAnswer.__table__)):
            for at in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[at:at + BATCH])
        db.session.commit()
        made += len(answer_rows)
        end = start
    return made


def measure(app, runs: int, title: str) -> None:
    with app.app_context():
        enterprise_id = db.session.scalar(select(Enterprise.id))
        sizes = [db.session.scalar(select(func.count()).select_from(model))
                 for model in (RiskPoint, Inspection, InspectionAnswer)]
    print(f"\n== {title}: {sizes[0]} risk points, {sizes[1]:,} inspections, {sizes[2]:,} answers")
    print(f"{'home':42} {'ms':>8} {'stmts':>6}")
    for number in HOMES:
        client = app.test_client()
        client.post("/login", data={"identifier": number, "password": demo.DEMO_PASSWORD})

        def fetch(client=client):
            response = client.get("/home")
            assert response.status_code == 200 and b"/logout" in response.data, response.data[:300]
        print(f"{number:42} {'{:8.1f} {:6d}'.format(*timed(app, fetch, runs))}")

    def user(number):
        return db.session.scalar(select(User).where(User.employee_no == number))

    def overdue_one_by_one():
        enterprise = db.session.get(Enterprise, enterprise_id)
        return [u for p in due.active_points(enterprise_id)
                for u in due.units_of_point(p, enterprise.timezone) if u.state == due.DueState.OVERDUE]
    counts = [
        ("hazard counts (all 5, one statement)", lambda: queries.counts(user("S001"))),
        ("checks overdue (enterprise)", lambda: due.overdue_units(enterprise_id)),
        ("checks overdue, point by point (before)", overdue_one_by_one),
        ("checks without a scan (7 days)", lambda: work_queue.unscanned_count(user("S001"))),
        ("W001 today's checks", lambda: due.units_for(user("W001"))),
        ("W001 hazards to rectify", lambda: queries.assigned_to(user("W001"))),
        ("D001 team checks not done", lambda: due.department_team_units_undone(user("D001"))),
        ("S001 work queue", lambda: work_queue.work_queue(user("S001"))),
    ]
    print(f"{'count (each includes loading its user: 1 statement)':42} {'ms':>8} {'stmts':>6}")
    for name, fn in counts:
        with app.test_request_context():
            print(f"{name:42} {'{:8.1f} {:6d}'.format(*timed(app, fn, runs))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--copies", type=int, default=10, help="copies of the demo's points")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", type=Path, help="measure a database built before (its path)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zicha-home-bench-"))
    database = args.database or work / "bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "PHOTO_DIR": str(work / "photos")})
    if not args.database:
        with app.app_context():
            db.create_all()
            demo.load()
            db.session.commit()
        measure(app, args.runs, "demo")
        started = time.perf_counter()
        with app.app_context():
            enterprise = db.session.scalar(select(Enterprise))
            copy_points(enterprise, args.copies)
            made = add_history(enterprise, args.answers)
        print(f"\n(built {made:,} answers in {time.perf_counter() - started:.0f} s; {database})")
    measure(app, args.runs, f"{database.name}: the demo plant x{args.copies} with history")


if __name__ == "__main__":
    main()
