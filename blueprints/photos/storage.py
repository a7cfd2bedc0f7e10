"""Where photo bytes live. One small module, so that a group can swap the local
folder for object storage (S3/OSS/MinIO) without touching the callers."""
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config["PHOTO_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def put(key: str, data: bytes) -> None:
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def get(key: str) -> bytes:
    return (_root() / key).read_bytes()


def delete(key: str) -> None:
    (_root() / key).unlink(missing_ok=True)
