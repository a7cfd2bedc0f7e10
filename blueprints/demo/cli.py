"""`flask seed-demo`, which `make run` runs before gunicorn starts."""
import click
from flask import Flask
from sqlalchemy import func, select

from blueprints.common.extensions import db
from blueprints.demo import enterprise as demo
from blueprints.org.models import Enterprise


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo enterprise into an empty database (does nothing otherwise)."""
        if db.session.scalar(select(func.count(Enterprise.id))):
            click.echo("database has data: demo not loaded")
        else:
            demo.load()
            db.session.commit()
            click.echo("demo enterprise loaded")
        click.echo(demo.logins_text())
