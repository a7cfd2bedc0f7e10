"""Real-browser tests: Debian's chromium driven by Playwright against gunicorn."""
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright
from pyzbar.pyzbar import decode

from blueprints.common.extensions import db
from tests import factories
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
PHONE = {"viewport": {"width": 360, "height": 640}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """gunicorn in its own process on a test database; stop() and start() let a
    test cut the server off in the middle of a sync."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = f"sqlite:///{tmp_path / 'live.db'}"
        self.photo_dir = tmp_path / "photos"
        self.app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=self.database_url,
                                 PHOTO_DIR=str(self.photo_dir))
        self.log = tmp_path / "server.log"
        self.process = None
        with self.app.app_context():
            db.create_all()

    def start(self):
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": "browser-test",
               "PHOTO_DIR": str(self.photo_dir), **getattr(self, "extra_env", {})}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "4",
                 "--bind", f"127.0.0.1:{self.port}", "app:create_app()"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/login", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser):
    """A fresh 360×640 phone-sized context."""
    context = browser.new_context(**PHONE)
    yield context
    context.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def printed(page, name: str, pages_shown: int | None = None) -> list[tuple[float, float, str]]:
    """The page printed to PDF as the browser prints it: each sheet's width and height (in
    points) and its text; the first `pages_shown` sheets (all by default) rendered to
    screenshots named name-1.png, name-2.png… to look at."""
    document = pypdfium2.PdfDocument(page.pdf(prefer_css_page_size=True, print_background=True))
    sheets = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for number in range(len(document)):
        sheet = document[number]
        text = sheet.get_textpage()
        sheets.append((*sheet.get_size(), text.get_text_range()))
        if pages_shown is None or number < pages_shown:
            sheet.render(scale=1.5).to_pil().save(SCREENSHOTS / f"{name}-{number + 1}.png")
        text.close()
        sheet.close()
    document.close()
    return sheets


def assert_no_sideways_scroll(page):
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def login(page, base_url, user, password):
    page.goto(base_url + "/login")
    page.fill("input[name=identifier]", user.employee_no)
    page.fill("input[name=password]", password)
    # Waiting for the load state alone could return at once, on the login page itself.
    with page.expect_navigation():
        page.click("button[type=submit]")


def phone_of(context, live, employee_no: str):
    """A new page of `context` logged in as this demo or factory user."""
    page = context.new_page()
    login(page, live.url, type("U", (), {"employee_no": employee_no}), factories.PASSWORD)
    return page


def read_rotating_code(page, canvas_id: str) -> str:
    """What another phone's camera reads off a gathering's rotating code, once drawn."""
    page.wait_for_function(f"() => document.getElementById('{canvas_id}').dataset.minute")
    found = decode(Image.open(io.BytesIO(page.locator(f"#{canvas_id}").screenshot())))
    assert len(found) == 1
    return found[0].data.decode()
