"""The app shell (the static files the service worker precaches) and the asset version:
those files and the page's code, hashed."""
import hashlib
import os
from pathlib import Path

from flask import request

# Vendored files carry their version in their name. This is the one place that names them:
# the templates include them from here (`vendored`), the service worker precaches SHELL.
VENDORED = {"htmx": "vendor/htmx-2.0.11.min.js", "jsqr": "vendor/jsQR-1.4.0.min.js",
            "leanqr": "vendor/lean-qr-2.7.4.min.mjs", "icons": "icons/tabler-3.52.0.svg"}

# The files under static/ that every page may need offline. A name missing on the server
# makes the worker's install fail, and with it offline support: tests/test_app_shell.py.
SHELL = ("css/app.css", VENDORED["htmx"], "js/photo-shrink.js", "js/offline-store.js", "js/offline.js",
         "js/scanner.js",
         VENDORED["jsqr"], VENDORED["icons"], "icons/icon-192.png", "icons/icon-512.png",
         "icons/icon-maskable-512.png", "manifest.webmanifest",
         # The leader's briefing screen: its code is drawn where the briefing has no signal.
         "js/briefing.js", "js/rotating-code.js", "css/briefing.css", VENDORED["leanqr"])

# What the service worker precaches and the page's code: a change to any of them is a
# new deploy, so the service worker gets a new version and the user is offered a refresh.
_VERSIONED = ("static", "templates/offline.html", "templates/scanner", "templates/_offline_ui.html",
              "templates/sw.js")


def compute_asset_version(root: Path) -> str:
    digest = hashlib.sha256("\n".join(SHELL).encode())
    for entry in _VERSIONED:
        base = root / entry
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if path.exists():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def set_asset_version(state):
    """Registered on the sync blueprint: once per app."""
    app = state.app
    # ASSET_VERSION from the environment pins it (a test simulates a deploy with it).
    app.config.setdefault("ASSET_VERSION", os.environ.get("ASSET_VERSION")
                          or compute_asset_version(Path(app.root_path)))

    @app.context_processor
    def asset_version():
        return {"asset_version": app.config["ASSET_VERSION"], "vendored": VENDORED}

    immutable = {f"/static/{name}" for name in VENDORED.values()}

    @app.after_request
    def vendored_files_kept(response):
        """A vendored file's name changes with its content, so a phone keeps it: one fetch
        for the icon sprite however many icons a page has (with no-cache, Chrome fetched it
        once per icon), none for htmx on the next page."""
        if request.path in immutable and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response

