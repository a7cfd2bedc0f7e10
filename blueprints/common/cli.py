"""`flask bootstrap`: the instance secrets `make run` makes before gunicorn starts."""
import base64
import os
import secrets
from pathlib import Path

import click
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app


def _write_once(path: Path, content: str) -> bool:
    """Creates the file only if absent; a concurrent second writer loses cleanly."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(content)
    return True


def make_vapid_keys() -> tuple[str, str]:
    """(private key PEM, public key as the browser wants it: base64url of the raw point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    raw = key.public_key().public_bytes(serialization.Encoding.X962,
                                        serialization.PublicFormat.UncompressedPoint)
    return pem, base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def bootstrap_instance(instance: Path) -> list[str]:
    instance.mkdir(parents=True, exist_ok=True)
    made = []
    if not os.environ.get("SECRET_KEY") and _write_once(instance / "secret_key", secrets.token_hex(32)):
        made.append("secret_key")
    if not os.environ.get("VAPID_PRIVATE_KEY") and not (instance / "vapid_private.pem").exists():
        pem, public = make_vapid_keys()
        if _write_once(instance / "vapid_private.pem", pem):
            _write_once(instance / "vapid_public.txt", public)
            made.append("vapid keys")
    return made


def register(app: Flask) -> None:
    @app.cli.command("bootstrap")
    def bootstrap():
        """Create the secret key and VAPID keys in the instance folder if missing."""
        made = bootstrap_instance(Path(current_app.instance_path))
        click.echo(f"created: {', '.join(made)}" if made else "instance secrets present")
