"""Time and peak memory of the ledgers' Excel downloads and first pages, of the statistics
and of the director's reports, with five years of records: 50,000 hazards and about a
million check answers.

Builds a scratch SQLite database: the demo enterprise, copies of its risk points and weeks
of past checks until the answers reach --answers (bench/home_counts.py does the same), then
--hazards hazards spread over five years, most of them rectified, verified and closed (one
in six late), each with its events, bulk inserted. Each download is then fetched through the
app in a process of its own, which reports the time and how far its memory grew (peak RSS
less the RSS before the request). Needs only the repository's venv. From the root:

    .venv/bin/python bench/ledger_export.py                      # 1,000,000 answers, 50,000 hazards
    .venv/bin/python bench/ledger_export.py --database /tmp/x.db # measure one built before
"""
import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from home_counts import BATCH, add_history, copy_points

from app import create_app
from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.hazards.models import Hazard, HazardEvent
from blueprints.inspections.models import InspectionAnswer
from blueprints.org.models import Enterprise, User
from blueprints.risk_points.models import RiskPoint
from blueprints.summaries import periods
from blueprints.summaries.models import SummaryKind

ROOT = Path(__file__).resolve().parent.parent
YEARS = 5
WORDS = ["法兰渗漏", "安全阀铅封脱落", "消防通道堵塞", "静电接地线松动", "护栏缺失", "警示标识褪色",
         "压力表超期未校验", "配电箱门未关闭", "叉车超速", "有限空间作业无监护"]


def add_hazards(enterprise: Enterprise, wanted: int) -> int:
    """`wanted` hazards found over the last YEARS years at the enterprise's points, each with
    its events; all but the last months' closed, one in six after its deadline."""
    rng = random.Random(14)
    people = db.session.scalars(select(User.id).where(User.enterprise_id == enterprise.id)).all()
    points = db.session.execute(
        select(RiskPoint.id, RiskPoint.department_id, RiskPoint.team_id, RiskPoint.location)
        .where(RiskPoint.enterprise_id == enterprise.id)).all()
    now = clock.now()
    first = now - timedelta(days=365 * YEARS)
    step = (now - first) / wanted
    hazard_id = (db.session.scalar(select(func.max(Hazard.id))) or 0) + 1
    hazards, events = [], []

    def flush():
        for rows, table in ((hazards, Hazard.__table__), (events, HazardEvent.__table__)):
            for at in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[at:at + BATCH])
            rows.clear()
        db.session.commit()

    for n in range(wanted):
        point_id, department_id, team_id, location = rng.choice(points)
        found = (first + step * n).replace(microsecond=0)
        deadline = found + timedelta(days=rng.choice((3, 7, 15, 30)))
        reporter, assignee, verifier = rng.choice(people), rng.choice(people), rng.choice(people)
        closed = found < now - timedelta(days=60) or rng.random() < 0.5
        fixed_at = deadline + timedelta(days=rng.randint(1, 9)) if n % 6 == 0 else \
            found + (deadline - found) * rng.uniform(0.2, 0.9)
        hazards.append({
            "id": hazard_id, "enterprise_id": enterprise.id, "risk_point_id": point_id,
            "department_id": department_id, "team_id": team_id,
            "description": f"{WORDS[n % len(WORDS)]}（第{n + 1}条）", "location": location,
            "grade": "major" if n % 400 == 0 else "general",  # one in 400, judged so when found
            "category": "management" if n % 5 == 4 else "onsite",
            "state": "closed" if closed else "assigned", "source": "check" if n % 3 else "report",
            "reported_by_id": reporter, "found_at": found, "received_at": found, "assignee_id": assignee,
            "deadline": deadline, "original_deadline": deadline, "funds": rng.randint(0, 5000),
            "rectified_by_id": assignee if closed else None, "closed_at": fixed_at if closed else None,
            **({"judged_major_at": found, "judged_major_by_id": reporter,
                "major_criteria": ["national_standard"], "major_basis": "涉氨制冷"} if n % 400 == 0
               else {"judged_major_at": None, "judged_major_by_id": None, "major_criteria": [],
                     "major_basis": ""})})   # every row the same keys, as one multi-row insert needs
        steps = [("reported", reporter, found, ""), ("assigned", verifier, found, "")]
        if closed:
            steps += [("rectified", assignee, fixed_at, "已整改"),
                      ("verified", verifier, fixed_at, "复查合格")]
        events += [{"enterprise_id": enterprise.id, "hazard_id": hazard_id, "kind": kind,
                    "actor_id": actor, "at": at, "note": note, "data": {}} for kind, actor, at, note in steps]
        hazard_id += 1
        if len(hazards) >= BATCH:
            flush()
    flush()
    return wanted


def build(database: Path, answers: int, hazards: int, copies: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "PHOTO_DIR": str(database.parent / "photos")})
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        demo.load()
        db.session.commit()
        enterprise = db.session.scalar(select(Enterprise))
        copy_points(enterprise, copies)
        made = add_history(enterprise, answers)
        add_hazards(enterprise, hazards)
    print(f"built {made:,} answers and {hazards:,} hazards in {time.perf_counter() - started:.0f} s: "
          f"{database}")


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fetch(database: Path, url: str, user: str) -> None:
    """In its own process: log in as the user (employee no.), fetch url, print a JSON line."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "PHOTO_DIR": str(database.parent / "photos")})
    client = app.test_client()
    client.post("/login", data={"identifier": user, "password": demo.DEMO_PASSWORD})
    client.get("/home")   # templates and caches warm
    before = rss_kb()
    started = time.perf_counter()
    response = client.get(url)
    body = response.get_data()
    seconds = time.perf_counter() - started
    response.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rows = None
    if response.mimetype.endswith("sheet"):
        from openpyxl import load_workbook
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as saved:
            saved.write(body)
            saved.flush()
            book = load_workbook(saved.name, read_only=True)
            # Below each sheet's title and header rows (a streamed sheet records no size).
            rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(min_row=3, values_only=True))
            book.close()
    print(json.dumps({"status": response.status_code, "seconds": seconds, "bytes": len(body),
                      "grew_kb": peak - before, "rows": rows}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--hazards", type=int, default=50_000)
    parser.add_argument("--copies", type=int, default=10, help="copies of the demo's points")
    parser.add_argument("--database", type=Path, help="measure a database built before (its path)")
    parser.add_argument("--fetch", help=argparse.SUPPRESS)
    parser.add_argument("--user", default="S001", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fetch:
        fetch(args.database, args.fetch, args.user)
        return
    database = args.database or Path(tempfile.mkdtemp(prefix="zicha-ledger-bench-")) / "bench.db"
    if not args.database:
        build(database, args.answers, args.hazards, args.copies)
    today = clock.today("Asia/Shanghai")
    five_years = f"from={today.replace(year=today.year - YEARS)}&to={today}"
    year = f"from={today.replace(year=today.year - 1)}&to={today}"
    quarter, month = (periods.of(kind, today).before().key
                      for kind in (SummaryKind.QUARTER, SummaryKind.MONTH))
    with create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}).app_context():
        sizes = [db.session.scalar(select(func.count()).select_from(m)) for m in (Hazard, InspectionAnswer)]
    print(f"{sizes[0]:,} hazards, {sizes[1]:,} check answers")
    print(f"{'download':58} {'s':>7} {'MB out':>7} {'rows':>9} {'RSS +MB':>8}")
    for name, url, user in [
        ("hazard ledger, 5 years, Excel", f"/hazards/ledger?{five_years}&format=xlsx", "S001"),
        ("hazard ledger, 5 years, first page (500 rows)", f"/hazards/ledger?{five_years}", "S001"),
        ("major hazard ledger, 5 years, Excel", f"/hazards/ledger/major?{five_years}&format=xlsx", "S001"),
        ("check records, last year, Excel", f"/inspections/ledger?{year}&format=xlsx", "S001"),
        ("check records, last year, first page (500 rows)", f"/inspections/ledger?{year}", "S001"),
        ("statistics, this month", f"/statistics?from={today.replace(day=1)}&to={today}", "S001"),
        ("statistics, this year so far", "/statistics", "S001"),
        ("statistics, last 12 months", f"/statistics?{year}", "S001"),
        ("statistics, 5 years", f"/statistics?{five_years}", "S001"),
        ("statistics, a department head's, this year", "/statistics", "D001"),
        ("missed checks, this year (first 100)", "/statistics/missed", "S001"),
        ("principal's home (this month's figures)", "/home", "P001"),
        ("quarterly report, last quarter (a draft: worked out)", f"/summaries/quarter/{quarter}", "S001"),
        ("quarterly report, last quarter, Excel", f"/summaries/quarter/{quarter}?format=xlsx", "S001"),
        ("monthly notice, last month (a draft: worked out)", f"/summaries/month/{month}", "S001"),
    ]:
        out = subprocess.run([sys.executable, __file__, "--database", str(database), "--fetch", url,
                              "--user", user], capture_output=True, text=True, check=True, cwd=ROOT)
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["status"] == 200, result
        rows = f"{result['rows']:,}" if result["rows"] is not None else "-"
        print(f"{name:58} {result['seconds']:7.1f} {result['bytes'] / 1e6:7.1f} {rows:>9} "
              f"{result['grew_kb'] / 1024:8.0f}")


if __name__ == "__main__":
    main()
