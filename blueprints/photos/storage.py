"""Where photo bytes live. One small module, so that a group can swap the local
folder for object storage (S3/OSS/MinIO) without touching the callers.

A photo is written under a pending name and becomes final only after the row that
names it is committed, so a server killed in between leaves a pending file (which
`flask sweep-photos` settles), never a final file that no row knows about."""
import time
from collections.abc import Iterator
from pathlib import Path

from flask import current_app

PENDING = ".pending"


def _root() -> Path:
    root = Path(current_app.config["PHOTO_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def put_pending(key: str, data: bytes) -> None:
    path = _root() / (key + PENDING)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def publish(key: str) -> None:
    """Makes a pending photo final (after its row is committed); repeating it is harmless."""
    pending = _root() / (key + PENDING)
    if pending.exists():
        pending.replace(_root() / key)


def get(key: str) -> bytes:
    path = _root() / key
    if not path.exists():  # committed, but the process died before publishing it
        path = _root() / (key + PENDING)
    return path.read_bytes()


def discard(key: str) -> None:
    """Drops a photo, pending or final."""
    for name in (key, key + PENDING):
        (_root() / name).unlink(missing_ok=True)


def older_than(seconds: float) -> Iterator[tuple[str, bool]]:
    """(key, is_pending) of every stored photo last written more than `seconds` ago."""
    root, cutoff = _root(), time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_mtime < cutoff:
            name = path.relative_to(root).as_posix()
            pending = name.endswith(PENDING)
            yield (name.removesuffix(PENDING) if pending else name), pending
