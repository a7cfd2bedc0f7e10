"""Twelve photo uploads at once, and what a colleague clicking meanwhile notices.

Starts gunicorn (2 workers x 4 threads, as `make run`) on a fresh demo database. Twelve
workers' phones send a hazard report with the same photo at the same moment while the
safety director keeps opening /home; for each photo it prints the answers to the uploads,
how long the twelve took, and the director's slowest page. Run from the repository root:
.venv/bin/python bench/photo_uploads.py
"""
import io
import os
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from demo_server import demo_server
from PIL import Image

PORT = int(os.environ.get("BENCH_PORT", "8392"))
BASE = f"http://127.0.0.1:{PORT}"
UPLOADS = 12


def photos() -> dict[str, bytes]:
    def encoded(image, fmt, **options):
        out = io.BytesIO()
        image.save(out, fmt, **options)
        return out.getvalue()
    # The bomb: a few KB that claim 40 megapixels.
    bomb = encoded(Image.new("1", (7296, 5472), 1), "PNG", optimize=True)
    # Smooth like a photo, so that it compresses like one.
    scene = Image.effect_noise((400, 300), 60).convert("RGB")
    phone = encoded(scene.resize((4000, 3000), Image.BICUBIC), "JPEG", quality=90)
    big = encoded(scene.resize((8160, 6120), Image.BICUBIC), "JPEG", quality=85)
    return {f"40 MP PNG ({len(bomb) // 1024} KB)": bomb,
            f"12 MP JPEG ({len(phone) // 1024} KB)": phone,
            f"50 MP JPEG ({len(big) // 1024} KB)": big}


def session(user: str) -> tuple[requests.Session, str, str]:
    """A logged-in session, the report form's CSRF token and a department id."""
    s = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', s.get(BASE + "/login").text)[1]
    s.post(BASE + "/login", data={"identifier": user, "password": "zicha2026",
                                  "csrf_token": token}, allow_redirects=False)
    page = s.get(BASE + "/hazards/new").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    department = re.search(r'name="department_id".*?<option[^>]*value="(\d+)"', page, re.S)[1]
    return s, token, department


def upload(worker, data: bytes) -> int:
    s, token, department = worker
    response = s.post(BASE + "/hazards/new", allow_redirects=False, data={
        "csrf_token": token, "description": "法兰渗漏", "location": "", "risk_point_id": "",
        "department_id": department, "category": "onsite", "client_uuid": ""},
        files={"photo": ("photo", data)})
    return response.status_code


def main() -> None:
    with demo_server(PORT):
        workers = [session(user) for user in ("W001", "W003", "W004") * (UPLOADS // 3)]
        director = session("S001")[0]
        print(f"{'photo':24} {'answers':22} {'12 uploads':>10} {'/home max':>9} {'median':>6}")
        for name, data in photos().items():
            done, waits = threading.Event(), []

            def click(done=done, waits=waits):
                while not done.is_set():
                    started = time.monotonic()
                    director.get(BASE + "/home")
                    waits.append(time.monotonic() - started)

            clicker = threading.Thread(target=click)
            clicker.start()
            started = time.monotonic()
            with ThreadPoolExecutor(UPLOADS) as pool:
                statuses = list(pool.map(upload, workers, [data] * len(workers)))
            took = time.monotonic() - started
            done.set()
            clicker.join()
            answers = ", ".join(f"{statuses.count(s)}x{s}" for s in sorted(set(statuses)))
            print(f"{name:24} {answers:22} {took:9.2f}s {max(waits):8.2f}s "
                  f"{statistics.median(waits):5.2f}s")


if __name__ == "__main__":
    main()
