"""A strict Content-Security-Policy on every page and the service worker, and templates that live with it:
no inline script, no on*="" handler, no inline style, no eval."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/login", "/hazards", "/points", "/nowhere", "/sw.js"])
def test_every_response_has_the_policy(client, auth, ent, path):
    """Does every page (404 included) and the service worker forbid inline and foreign
    scripts, plugins, framing and foreign form targets, and keep nosniff and frame denial?"""
    auth.login(ent.director)
    response = client.get(path)
    response.close()
    rules = policy(response)
    assert rules["default-src"] == "default-src 'self'"
    assert rules["script-src"] == "script-src 'self'"
    assert rules["style-src"] == "style-src 'self'"
    assert rules["object-src"] == "object-src 'none'"
    assert rules["frame-ancestors"] == "frame-ancestors 'none'"
    assert rules["base-uri"] == "base-uri 'self'" and rules["form-action"] == "form-action 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if path != "/sw.js":
        assert response.headers["X-Frame-Options"] == "DENY"


def test_static_files_carry_nosniff_but_not_the_page_headers(client):
    """Do scripts and styles keep nosniff without the page-only headers, which would add
    some 300 bytes to each of a first visit's requests on a weak signal?"""
    response = client.get("/static/js/offline.js")
    response.close()
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers
    assert "X-Frame-Options" not in response.headers


def test_htmx_injects_no_style_and_evaluates_nothing(client, auth, ent):
    """Is htmx told not to add its inline <style> and not to eval (hx-vars, js:)?"""
    auth.login(ent.worker)
    page = client.get("/hazards").get_data(as_text=True)
    config = """content='{"includeIndicatorStyles": false, "allowEval": false}'"""
    assert f'<meta name="htmx-config" {config}>' in page


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_code(template):
    """Has no template an inline <script> (JSON data blocks aside), an on*="" handler, a
    style="" attribute, a <style> block, hx-on or a javascript: URL?"""
    text = template.read_text()
    scripts = re.findall(r"<script\b([^>]*)>", text)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"""\son[a-z]+\s*=\s*["']""", text)
    assert not re.search(r"""\sstyle\s*=|<style\b|hx-on|javascript:""", text)
