"""The asset version: what the service worker precaches and the page's code, hashed."""
import hashlib
import os
from pathlib import Path

# What the service worker precaches and the page's code: a change to any of them is a
# new deploy, so the service worker gets a new version and the user is offered a refresh.
_VERSIONED = ("static", "templates/offline.html", "templates/scanner", "templates/_offline_ui.html")


def compute_asset_version(root: Path) -> str:
    digest = hashlib.sha256()
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
        return {"asset_version": app.config["ASSET_VERSION"]}

