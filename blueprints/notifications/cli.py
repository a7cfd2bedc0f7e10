"""`flask escalate`: one escalation pass, for cron, a systemd timer or `make run`."""
import click
from flask import Flask

from blueprints.notifications import services


def register(app: Flask) -> None:
    @app.cli.command("escalate")
    def escalate():
        """Send every escalation that is due (safe to run twice or in parallel)."""
        report = services.run_pass()
        for line in report.claimed:
            click.echo(f"claimed {line}")
        for line in report.sent:
            click.echo(f"sent {line}")
        for line in report.failed:
            click.echo(f"FAILED {line}")
        click.echo(f"escalation pass: {len(report.claimed)} claimed, {len(report.sent)} sent, "
                   f"{len(report.failed)} failed")
