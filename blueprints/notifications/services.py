"""Notifications: claiming alerts, the escalation pass, the inbox, devices and robots.
Plain data in, rows out; the caller commits (except run_pass, the job itself, which
commits between its steps so that no lock is held while the network is slow)."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.hazards.models import HazardEvent
from blueprints.notifications import crypto, escalation
from blueprints.notifications.allowlist import url_allowed
from blueprints.notifications.channels import inbox, robot
from blueprints.notifications.channels.registry import all_channels, by_name
from blueprints.notifications.escalation import Alert
from blueprints.notifications.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    PushSubscription,
    RobotPlatform,
    RobotWebhook,
)
from blueprints.org.models import User

MAX_ATTEMPTS = 6
BACKOFF_MINUTES = (1, 5, 15, 60, 180)
# A send that started this long ago and never finished is not repeated (at most once).
STALE_SENDING = timedelta(minutes=15)


class NotificationError(Refused):
    """A subscription or robot refused, with a message for the user."""


# --- claiming ----------------------------------------------------------------

def claim(session: Session, alert: Alert) -> list[str]:
    """Writes the inbox rows and claims a delivery per channel and recipient under the
    unique keys, in the caller's transaction; returns what was newly claimed."""
    connection = session.connection()
    made = [f"inbox→user {uid}" for uid in inbox.record(connection, alert)]
    payload = {"title": alert.title, "body": alert.body, "url": alert.url,
               "urgency": alert.urgency, "mobiles": alert.mobiles}
    for channel in all_channels():
        for recipient_id in channel.recipient_ids(alert):
            if inbox.insert_ignore(connection, Delivery.__table__, dict(
                    enterprise_id=alert.enterprise_id, subject_type=alert.subject_type,
                    subject_id=alert.subject_id, rung=alert.rung, occurrence=alert.occurrence,
                    recipient_id=recipient_id, channel=channel.name, payload=payload,
                    next_attempt_at=clock.now())):
                made.append(f"{channel.name}→{recipient_id}")
    return made


def _on_flush(session: Session, _flush_context) -> None:
    """New hazard events become inbox rows and delivery claims in the same transaction,
    so the hazard code needs no knowledge of notifications and no event is missed."""
    events = [obj for obj in session.new if isinstance(obj, HazardEvent)]
    for hazard_event in events:
        for alert in escalation.alerts_for_event(session, hazard_event):
            claim(session, alert)


def listen() -> None:
    if not sa_event.contains(Session, "after_flush", _on_flush):
        sa_event.listen(Session, "after_flush", _on_flush)


# --- the pass ----------------------------------------------------------------

@dataclass
class PassReport:
    claimed: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run_pass(now: datetime | None = None) -> PassReport:
    """One escalation pass: claim every rung reached, then send what is due. Safe to run
    twice or in two processes at once: claims are unique and each delivery is taken by
    one runner with a conditional update before it is sent."""
    now = now or clock.now()
    report = PassReport()
    for alert in escalation.due_alerts(db.session, now):
        report.claimed.extend(f"{alert.rung} {alert.subject_type} {alert.subject_id}: {what}"
                              for what in claim(db.session, alert))
    db.session.commit()
    _give_up_stale(now)
    for delivery_id in db.session.scalars(select(Delivery.id).where(
            Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.RETRY]),
            Delivery.next_attempt_at <= now).order_by(Delivery.id)).all():
        _deliver(delivery_id, now, report)
    db.session.commit()
    return report


def _give_up_stale(now: datetime) -> None:
    db.session.execute(update(Delivery).where(
        Delivery.status == DeliveryStatus.SENDING,
        Delivery.next_attempt_at < now - STALE_SENDING).values(
        status=DeliveryStatus.FAILED, last_error="interrupted while sending; not repeated"))
    db.session.commit()


def _take(delivery_id: int, now: datetime) -> bool:
    taken = db.session.execute(update(Delivery).where(
        Delivery.id == delivery_id,
        Delivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.RETRY]))
        .values(status=DeliveryStatus.SENDING, attempts=Delivery.attempts + 1,
                next_attempt_at=now)).rowcount == 1
    db.session.commit()
    return taken


def _deliver(delivery_id: int, now: datetime, report: PassReport) -> None:
    if not _take(delivery_id, now):
        return  # another runner has it
    delivery = db.session.get(Delivery, delivery_id)
    channel = by_name(delivery.channel)
    targets = [t for t in channel.targets(delivery) if t.id not in delivery.done_targets]
    payload = dict(delivery.payload)
    attempts, already_done = delivery.attempts, list(delivery.done_targets)
    db.session.commit()  # nothing locked while the far side answers
    results = [(target, channel.send(payload, target)) for target in targets]
    delivery = db.session.get(Delivery, delivery_id)
    for target, result in results:
        channel.settle(target, result)
    done = already_done + [t.id for t, r in results if r.ok]
    errors = [f"{t.label}: {r.error}" for t, r in results if not r.ok]
    delivery.done_targets = done
    delivery.last_error = "; ".join(errors)
    label = (f"{delivery.channel}→{delivery.recipient_id} {delivery.rung} "
             f"{delivery.subject_type} {delivery.subject_id}")
    if not done and not targets:
        delivery.status = DeliveryStatus.SKIPPED
    elif not errors:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, clock.now()
        report.sent.append(label)
    elif any(r.retry for _t, r in results if not r.ok) and attempts < MAX_ATTEMPTS:
        waits = [r.retry_after for _t, r in results if r.retry_after]
        backoff = timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])
        delivery.status = DeliveryStatus.RETRY
        delivery.next_attempt_at = now + max([backoff, *(timedelta(seconds=w) for w in waits)])
        report.failed.append(f"{label} (will retry): {delivery.last_error}")
    else:
        delivery.status = DeliveryStatus.FAILED
        report.failed.append(f"{label}: {delivery.last_error}")
    db.session.commit()


def deliveries(enterprise_id: int, limit: int = 100) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.enterprise_id == enterprise_id)
                                   .order_by(Delivery.id.desc()).limit(limit)))


# --- inbox -------------------------------------------------------------------

def inbox_for(user: User, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = clock.now()


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=clock.now()))


# --- push subscriptions --------------------------------------------------------

def subscribe(user: User, data: dict, device: str) -> PushSubscription:
    """Stores a browser's PushSubscription.toJSON(); only push services on the allow-list.
    The same endpoint again (a re-subscribe) updates the row and moves it to this user."""
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not isinstance(keys, dict):
        raise NotificationError(_("This browser sent an unusable subscription."))
    if not url_allowed(endpoint, current_app.config["PUSH_ENDPOINT_ALLOWLIST"]):
        raise NotificationError(_("This browser's push service is not accepted."))
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not (isinstance(p256dh, str) and isinstance(auth, str) and 20 < len(p256dh) <= 200
            and 10 < len(auth) <= 100):
        raise NotificationError(_("This browser sent an unusable subscription."))
    row = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        row = PushSubscription(endpoint=endpoint)
        db.session.add(row)
    row.enterprise_id, row.user_id = user.enterprise_id, user.id
    row.p256dh, row.auth, row.device = p256dh, auth, device[:200]
    db.session.flush()
    return row


def devices(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(select(PushSubscription)
                                   .where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.id)))


def device_name(user_agent: str) -> str:
    """A short name the user recognises in their list of devices."""
    ua = user_agent or ""
    system = next((name for key, name in (("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Android", "Android"), ("Windows", "Windows"),
                                          ("Mac OS", "Mac"), ("Linux", "Linux")) if key in ua), "")
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"),
                                           ("Chrome/", "Chrome"), ("Safari/", "Safari")) if key in ua), "")
    return " · ".join(p for p in (system, browser) if p) or _("Unknown browser")


# --- robots ------------------------------------------------------------------

@dataclass
class RobotData:
    platform: str
    url: str
    name: str = ""
    department_id: int | None = None
    secret: str = ""


def add_robot(enterprise_id: int, data: RobotData) -> RobotWebhook:
    platform = RobotPlatform.lookup(data.platform)
    if platform is None:
        raise NotificationError(_("Choose WeCom, DingTalk or Feishu."))
    url = data.url.strip()
    if len(url) > 500 or not url_allowed(url, current_app.config["ROBOT_HOST_ALLOWLIST"]):
        raise NotificationError(_("Paste the webhook address the group robot shows "
                                  "(https://qyapi.weixin.qq.com/…, https://oapi.dingtalk.com/…, "
                                  "https://open.feishu.cn/…)."))
    secret = data.secret.strip()
    if len(secret) > 200:
        raise NotificationError(_("The signing secret is too long."))
    row = RobotWebhook(enterprise_id=enterprise_id, platform=platform, url=url,
                       name=data.name.strip()[:100], department_id=data.department_id,
                       secret_encrypted=crypto.encrypt(secret) if secret else None)
    db.session.add(row)
    db.session.flush()
    return row


def robots(enterprise_id: int) -> list[RobotWebhook]:
    return list(db.session.scalars(select(RobotWebhook).where(
        RobotWebhook.enterprise_id == enterprise_id, RobotWebhook.active.is_(True))
        .order_by(RobotWebhook.id)))


def test_robot(row: RobotWebhook, user: User) -> str:
    """Posts a test message at once; returns '' or the platform's error."""
    payload = {"title": _("Zicha test message"),
               "body": _("Sent by %(name)s. Escalated hazards will be posted in this group.",
                         name=user.name),
               "url": "/", "mobiles": [user.mobile] if user.mobile else []}
    result = robot.post(payload, robot.target(row))
    return "" if result.ok else result.error
