"""`flask sweep-photos`, which `make run` runs every minute beside `flask escalate`."""
import click
from flask import Flask

from blueprints.photos import services as photos


def register(app: Flask) -> None:
    @app.cli.command("sweep-photos")
    def sweep_photos():
        """Settle photo files a crash left behind (safe to run any time, and again)."""
        done = photos.sweep()
        click.echo(f"photos made final: {done['published']}, removed: {done['removed']}")
