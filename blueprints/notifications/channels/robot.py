"""Group robots of WeCom, DingTalk and Feishu: one post per robot, mentioning the people
the alert is for. Each platform's format and signature is its own small module."""
import requests
from flask import current_app
from sqlalchemy import or_, select

from blueprints.common.extensions import db
from blueprints.notifications import crypto
from blueprints.notifications.allowlist import url_allowed
from blueprints.notifications.channels import dingtalk, feishu, wecom
from blueprints.notifications.channels.base import Result, Target
from blueprints.notifications.escalation import Alert
from blueprints.notifications.models import Delivery, RobotWebhook

PLATFORMS = {"wecom": wecom, "dingtalk": dingtalk, "feishu": feishu}


def target(robot: RobotWebhook) -> Target:
    secret = crypto.decrypt(robot.secret_encrypted) if robot.secret_encrypted else None
    return Target(robot.id, robot.name or robot.platform,
                  {"platform": robot.platform, "url": robot.url, "secret": secret,
                   "unreadable": bool(robot.secret_encrypted) and secret is None})


def post(payload: dict, target: Target) -> Result:
    """Posts {title, body, url, mobiles} to one robot."""
    data = target.data
    if not url_allowed(data["url"], current_app.config["ROBOT_HOST_ALLOWLIST"]):
        return Result(ok=False, error="webhook host not allowed")
    if data["unreadable"]:
        return Result(ok=False, error="secret unreadable (SECRET_KEY changed): enter it again")
    platform = PLATFORMS[data["platform"]]
    link = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + payload["url"]
    url, body = platform.build(data["url"], data["secret"], {
        "title": payload["title"], "body": payload["body"], "link": link,
        "mobiles": payload.get("mobiles", [])})
    try:
        response = requests.post(url, json=body, allow_redirects=False,
                                 timeout=current_app.config["PUSH_TIMEOUT_SECONDS"])
    except requests.RequestException as exc:
        return Result(ok=False, retry=True, error=type(exc).__name__)
    if response.status_code == 429 or response.status_code >= 500:
        return Result(ok=False, retry=True, error=f"HTTP {response.status_code}")
    try:
        error = platform.accepted(response.json())
    except ValueError:
        error = f"HTTP {response.status_code}"
    return Result(ok=not error, error=error)


class RobotChannel:
    name = "robot"

    def recipient_ids(self, alert: Alert) -> list[int]:
        """The enterprise's robots and those of the hazard's department."""
        return list(db.session.scalars(select(RobotWebhook.id).where(
            RobotWebhook.enterprise_id == alert.enterprise_id, RobotWebhook.active.is_(True),
            or_(RobotWebhook.department_id.is_(None),
                RobotWebhook.department_id == alert.department_id))))

    def targets(self, delivery: Delivery) -> list[Target]:
        robot = db.session.get(RobotWebhook, delivery.recipient_id)
        return [target(robot)] if robot is not None and robot.active else []

    def send(self, payload: dict, target: Target) -> Result:
        return post(payload, target)

    def settle(self, target: Target, result: Result) -> None:
        """Nothing to keep: the delivery row is the log."""


CHANNEL = RobotChannel()
