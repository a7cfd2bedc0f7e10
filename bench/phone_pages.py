"""Measure the main screens as a cheap phone on a weak signal sees them.

Starts gunicorn on a fresh demo database, logs in as a demo worker and as the safety
director, and runs bench/phone_measure.py (slow profile, median of 3) on each screen.
Needs what `make test` installs (the test extras with playwright, Debian's chromium at
/usr/bin/chromium, the compiled translations); nothing outside the repository. About three
minutes on two cores. Run from the repository root:  .venv/bin/python bench/phone_pages.py
(BENCH_PORT picks the port, 8391 by default).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

from demo_server import demo_server
from playwright.sync_api import sync_playwright

MEASURE = Path(__file__).resolve().parent / "phone_measure.py"
PORT = int(os.environ.get("BENCH_PORT", "8391"))
BASE = f"http://127.0.0.1:{PORT}"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# (who, path, element that makes the screen usable)
SCREENS = [
    (None, "/login", "button[type=submit]"),
    ("W004", "/home", "main"),
    ("W004", "/points/1/check", "button[type=submit]"),
    ("W004", "/hazards/new", "button[type=submit]"),
    ("S001", "/points", "main"),
    ("S001", "/hazards", "main"),
    ("S001", "/hazards/queue", "main"),
]


def login_state(user: str, path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(BASE + "/login")
        page.fill("input[name=identifier]", user)
        page.fill("input[name=password]", "zicha2026")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        context.storage_state(path=str(path))
        browser.close()


def main() -> None:
    with demo_server(PORT) as work:
        states = {}
        print(f"{'screen':22} {'KB':>6} {'req':>4} {'usable ms':>9} {'load ms':>8} sideways")
        for user, path, selector in SCREENS:
            args = [sys.executable, str(MEASURE), BASE + path, "--throttle", "slow", "--runs", "3",
                    "--wait-selector", selector]
            if user:
                if user not in states:
                    states[user] = work / f"{user}.json"
                    login_state(user, states[user])
                args += ["--storage-state", str(states[user])]
            result = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
            print(f"{(user or '-') + ' ' + path:22} {result['transferred_kb']:6.1f} "
                  f"{result['requests']:4} {result['usable_ms_median']:9} "
                  f"{result['load_ms_median']:8} {result['horizontal_scroll']}")


if __name__ == "__main__":
    main()
