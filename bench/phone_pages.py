"""Measure the main screens as a cheap phone on a weak signal sees them.

Starts gunicorn on a fresh demo database, logs in as a demo worker and as the safety
director, and runs bench/phone_measure.py (slow profile, median of 3) on each screen; then
the team leader T001 starts today's briefing from his home, and his briefing screen and the
sign-in page its QR code opens on a worker's phone (W001, same team) are measured too; then
the safety officer S002 gives the new-worker lesson to W002 and W003 in person, and the
principal P001's attendance screen, W002's home with the lesson first, the sign-in its code
opens and, signed in, the lesson with its quiz are measured; then T001's spot test of
W001 (five questions drawn) and W004's training record; last, the public report form its
poster's QR code opens, for a stranger (within 40 KB), and its status page.
Needs what `make test` installs (the test extras with playwright, Debian's chromium at
/usr/bin/chromium, the compiled translations); nothing outside the repository. About three
minutes on two cores. Run from the repository root:  .venv/bin/python bench/phone_pages.py
(BENCH_PORT picks the port, 8391 by default).
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from demo_server import demo_server
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from blueprints.summaries import periods
from blueprints.summaries.models import SummaryKind

MEASURE = Path(__file__).resolve().parent / "phone_measure.py"
PORT = int(os.environ.get("BENCH_PORT", "8391"))
BASE = f"http://127.0.0.1:{PORT}"
BUDGET_KB = 60
WIDTH = 48  # the sign-in page's path carries the QR code's fragment
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LAST_QUARTER, LAST_MONTH = (periods.of(kind, date.today()).before().key
                            for kind in (SummaryKind.QUARTER, SummaryKind.MONTH))
# (who, path, element that makes the screen usable)
SCREENS = [
    (None, "/login", "button[type=submit]"),
    ("W004", "/home", "main"),
    ("W004", "/points/1/check", "button[type=submit]"),
    ("W004", "/reports/new", "button[type=submit]"),
    ("W004", "/reports/new?point=1", "button[type=submit]"),
    ("W001", "/reports", "main"),
    ("W001", "/reports/1", "main"),
    # The electrician's lessons and certificates, and the switch room's check his certificate opens.
    ("W006", "/training/my", "main"),
    ("W006", "/points/4/check", "button[type=submit]"),
    ("S001", "/points", "main"),
    ("S001", "/hazards", "main"),
    ("S001", "/hazards/queue", "main"),
    ("S001", "/reports/review", "main"),
    ("S001", "/rewards", "main"),
    # The ledgers an inspector asks for (the first window of rows of each).
    ("S001", "/ledgers", "main"),
    ("S001", "/hazards/ledger", "main"),
    ("S001", "/hazards/ledger/major", "main"),
    ("S001", "/inspections/ledger", "main"),
    ("S001", "/points/register", "main"),
    ("S001", "/points/check-items", "main"),
    # The statistics (their budget is 80 KB), the principal's home with this month's figures.
    ("S001", "/statistics", ".chart svg"),
    ("D001", "/statistics", ".chart svg"),
    ("P001", "/home", ".home-month"),
    # The director's reports and notices, the last quarter's report, and last month's notice
    # as the workforce reads it from the home (the demo posts it).
    ("S001", "/summaries", "main"),
    ("S001", f"/summaries/quarter/{LAST_QUARTER}", "main"),
    ("W004", f"/summaries/month/{LAST_MONTH}", "main"),
]
# The briefing: its leader (and his team's name on his home), a worker of that team.
LEADER, TEAM, WORKER = "T001", "合成甲班", "W001"
# The first lesson: who gives it, who teaches it, who takes it (W002 is measured).
OFFICER, TEACHER, LEARNERS = "S002", "P001", ("杨春生", "黄小兵")
LESSON = "新员工三级安全教育·岗位级"


def log_in(p, user: str):
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    context = browser.new_context()
    page = context.new_page()
    page.goto(BASE + "/login")
    page.fill("input[name=identifier]", user)
    page.fill("input[name=password]", "zicha2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return browser, context, page


def login_state(user: str, path: Path) -> None:
    with sync_playwright() as p:
        browser, context, _page = log_in(p, user)
        context.storage_state(path=str(path))
        browser.close()


def start_briefing(database: Path, state: Path) -> tuple[str, str]:
    """The leader starts today's briefing from his home's 开始班前会 and keeps his login in
    state; returns his briefing screen and the sign-in page its QR code opens (the fragment
    stays in the browser). A briefing starts only within two hours of its shift: the team's
    白班 (08:00–20:00) becomes a whole day's shift, so that the bench runs at any hour."""
    with sqlite3.connect(database) as db:
        db.execute("UPDATE shift SET start = '00:00:00.000000', \"end\" = '00:00:00.000000' "
                   "WHERE team_id = (SELECT id FROM team WHERE name = ?)", (TEAM,))
    db.close()
    with sync_playwright() as p:
        browser, context, page = log_in(p, LEADER)
        page.goto(BASE + "/home")
        page.locator("section.brief-lead", has_text=TEAM).locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/briefings/\d+/run$"))
        minute = page.wait_for_selector("#briefing-qr[data-minute]").get_attribute("data-minute")
        code = page.text_content("#briefing-code").strip().lower()
        run = urlparse(page.url).path
        context.storage_state(path=str(state))
        browser.close()
    return run, f"/briefings/sign-in#{run.split('/')[2]}.{minute}.{code}"


def give_lesson(teacher_state: Path) -> tuple[str, str]:
    """S002 gives the new-worker lesson, in person, to LEARNERS today; P001 opens its
    attendance and keeps his login in teacher_state. Returns the teacher's screen and the
    sign-in page its QR code opens (with the fragment)."""
    with sync_playwright() as p:
        browser, _context, page = log_in(p, OFFICER)
        page.goto(BASE + "/training/sessions/new")
        lesson = page.locator("select[name=lesson_id] option", has_text=LESSON).get_attribute("value")
        page.select_option("select[name=lesson_id]", value=lesson)
        page.check("input[name=audience][value=people]")
        page.click("summary:has-text('指定人员')")
        for name in LEARNERS:
            page.locator("label.check", has_text=name).locator("input").check()
        page.click("#session-form button.primary")
        page.wait_for_url(re.compile(r".*/training/sessions/\d+$"))
        session_id = int(urlparse(page.url).path.rsplit("/", 1)[1])
        browser.close()
        browser, context, page = log_in(p, TEACHER)
        run = f"/training/sessions/{session_id}/run"
        page.goto(BASE + run)
        page.click("button:has-text('开放签到')")
        minute = page.wait_for_selector("#lesson-qr[data-minute]").get_attribute("data-minute")
        code = page.text_content("#lesson-code").strip().lower()
        context.storage_state(path=str(teacher_state))
        browser.close()
    return run, f"/training/attend#{session_id}.{minute}.{code}"


def attend(sign_in: str, state: Path) -> str:
    """The learner signs in from the page the teacher's code opened; returns his lesson,
    which the sign-in opens (with its quiz, now that he attended)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(storage_state=str(state)).new_page()
        page.goto(BASE + sign_in)
        page.click("#sign-in-button")
        page.wait_for_url(re.compile(r".*/training/my/\d+$"))
        lesson = urlparse(page.url).path
        browser.close()
    return lesson


def measure(user: str | None, path: str, selector: str, state: Path | None) -> None:
    """One row of the table, and below it the console's errors and, over the budget, the
    requests by size."""
    args = [sys.executable, str(MEASURE), BASE + path, "--throttle", "slow", "--runs", "3",
            "--wait-selector", selector, "--top", "30"]
    if state:
        args += ["--storage-state", str(state)]
    result = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    print(f"{(user or '-') + ' ' + path:{WIDTH}} {result['transferred_kb']:6.1f} "
          f"{result['requests']:4} {result['usable_ms_median']:9} "
          f"{result['load_ms_median']:8} {result['horizontal_scroll']}")
    for error in result["console_errors"]:
        print(f"    console: {error}")
    # Over the 60 KB a worker's first visit may weigh: where the bytes go.
    if result["transferred_kb"] > BUDGET_KB:
        for request in result["last_run"]["largest"]:
            print(f"    {request['transferred_kb']:6.1f} KB ({request['decoded_kb']:.1f} unpacked, "
                  f"{request['encoding'] or 'plain'}) {urlparse(request['url']).path}")


def main() -> None:
    with demo_server(PORT) as work:
        states = {}
        print(f"{'screen':{WIDTH}} {'KB':>6} {'req':>4} {'usable ms':>9} {'load ms':>8} sideways")
        for user, path, selector in SCREENS:
            if user and user not in states:
                states[user] = work / f"{user}.json"
                login_state(user, states[user])
            measure(user, path, selector, states.get(user))
        # After the main screens, which the whole day's shift would change.
        leader, worker = work / f"{LEADER}.json", work / f"{WORKER}.json"
        run, sign_in = start_briefing(work / "bench.db", leader)
        measure(LEADER, run, "#briefing-qr[data-minute]", leader)
        login_state(WORKER, worker)
        measure(WORKER, sign_in, "#sign-in-button", worker)
        measure_lesson(work)
        measure_spot_test(work, states)
        measure_public(work)


def measure_public(work: Path) -> None:
    """The public report form the poster's QR code opens: a stranger, nothing cached, no
    login (its budget is 40 KB); and the page that follows a report by its receipt code."""
    with sqlite3.connect(work / "bench.db") as db:
        code = db.execute("SELECT public_code FROM reporting_settings").fetchone()[0]
    db.close()
    measure(None, f"/p/{code}", "button[type=submit]", None)
    measure(None, f"/p/{code}/status", "button[type=submit]", None)


def measure_lesson(work: Path) -> None:
    """The first lesson's screens, on the server that serves `work`'s database."""
    teacher, learner = work / f"{TEACHER}.json", work / "W002.json"
    run, sign_in = give_lesson(teacher)
    measure(TEACHER, run, "#lesson-qr[data-minute]", teacher)
    login_state("W002", learner)
    measure("W002", "/home", ".lesson-due", learner)
    measure("W002", sign_in, "#sign-in-button", learner)
    measure("W002", attend(sign_in, learner), "#quiz button[type=submit]", learner)



def linked(state: Path, path: str, selector: str, attribute: str) -> str:
    """An attribute of the first element matching selector on a page, as the user sees it."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_context(storage_state=str(state)).new_page()
        page.goto(BASE + path)
        value = page.get_attribute(selector, attribute)
        browser.close()
    return value


def measure_spot_test(work: Path, states: dict) -> None:
    """逢查必考: the leader's phone with five questions drawn for his worker, and a worker's
    training record reached from his lessons."""
    leader, worker = work / f"{LEADER}.json", states["W004"]
    person = linked(leader, "/training/spot-tests/new", f"#user_id option:has-text('{WORKER}')", "value")
    measure(LEADER, f"/training/spot-tests/take?user_id={person}&count=5&pass_percent=80",
            "#spot-test button[type=submit]", leader)
    measure("W004", linked(worker, "/training/my", "a[href^='/training/people/']", "href"), "main", worker)


if __name__ == "__main__":
    main()
