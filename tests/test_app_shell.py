"""The app shell: one list (blueprints/sync/assets.py) of the static files the service
worker precaches, the vendored ones named there once, and the pages including them from
it. A name in the list with no file makes the worker's install fail, and offline support
silently disappears with it."""
import json
import re
from pathlib import Path

from blueprints.sync import assets

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"


def static_files_named(html: str) -> set[str]:
    return set(re.findall(r'(?:src|href|data-decoder)="/static/([^"?#]+)', html))


def test_every_file_of_the_shell_exists():
    assert [name for name in assets.SHELL if not (STATIC / name).is_file()] == []


def test_every_vendored_file_is_named_once_in_the_list():
    """An upgraded vendored file is renamed in the list, not left to the templates."""
    on_disk = ({f"vendor/{path.name}" for path in (STATIC / "vendor").glob("*.*js")}
               | {f"icons/{path.name}" for path in (STATIC / "icons").glob("tabler-*.svg")})
    assert on_disk == set(assets.VENDORED.values())
    assert set(assets.VENDORED.values()) <= set(assets.SHELL)
    for template in (ROOT / "templates").rglob("*"):
        if template.is_file():
            assert "vendor/" not in template.read_text(encoding="utf-8"), template


def test_the_worker_precaches_the_list(client):
    """Served from the root, never cached stale, with its own policy."""
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"
    assert worker.headers["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in worker.headers["Content-Security-Policy"]
    listed = re.search(r"const SHELL_URLS = (\[.*?\]);", worker.get_data(as_text=True))
    assert json.loads(listed.group(1)) == [f"/static/{name}" for name in assets.SHELL]


def test_the_pages_include_what_the_worker_precaches(client, auth, ent):
    """Every static file the shell's pages (any page, the scanner, the offline page) name
    is precached, the vendored ones under the names in the list."""
    offline = client.get("/offline").get_data(as_text=True)
    auth.login(ent.worker)
    home = client.get("/home").get_data(as_text=True)
    scanner = client.get("/scan").get_data(as_text=True)
    hazards = client.get("/hazards").get_data(as_text=True)
    assert assets.VENDORED["htmx"] in static_files_named(hazards)
    assert assets.VENDORED["jsqr"] in static_files_named(scanner)
    for page in (offline, home, scanner, hazards):
        assert static_files_named(page) <= set(assets.SHELL)


def test_vendored_files_are_kept_by_the_phone(client):
    """Their names change with their content: fetched once, not once per icon on a page."""
    def cache_control(name):
        response = client.get(f"/static/{name}")
        response.close()
        return response.headers["Cache-Control"]

    assert all("immutable" in cache_control(name) for name in assets.VENDORED.values())
    assert "immutable" not in cache_control("css/app.css")


def test_htmx_only_where_the_page_uses_it(client, auth, ent):
    """18 KB of a worker's first visit: not on his home nor on the check form, which use
    none of it; on the pages whose content has hx- attributes."""
    auth.login(ent.worker)
    for path in ("/home", f"/points/{ent.point.id}/check"):
        page = client.get(path).get_data(as_text=True)
        assert "hx-" not in page.split("<main", 1)[1].split("</main>", 1)[0]
        assert assets.VENDORED["htmx"] not in static_files_named(page)
    hazards = client.get("/hazards").get_data(as_text=True)
    assert "hx-" in hazards.split("<main", 1)[1] and assets.VENDORED["htmx"] in static_files_named(hazards)
