"""Web Push with VAPID (pywebpush, aes128gcm): one delivery is one person, sent to each
of their devices."""
import json

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from requests import RequestException
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.notifications.channels.base import Result, Target
from blueprints.notifications.escalation import Alert
from blueprints.notifications.models import Delivery, PushSubscription

# A push service must accept 4,096 bytes of body; aes128gcm adds 103 bytes of overhead.
MAX_PAYLOAD = 3000
GONE = {404, 410}


def vapid() -> Vapid | None:
    private = current_app.config.get("VAPID_PRIVATE_KEY")
    if not private:
        return None
    if "BEGIN" in private:
        return Vapid(serialization.load_pem_private_key(private.encode(), password=None))
    return Vapid.from_string(private)


def encode(payload: dict) -> bytes:
    """{title, body, url} as JSON, the body shortened until it surely fits."""
    data = {"title": payload["title"][:100], "body": payload["body"], "url": payload["url"]}
    encoded = json.dumps(data, ensure_ascii=False).encode()
    while len(encoded) > MAX_PAYLOAD:
        data["body"] = data["body"][: len(data["body"]) * 3 // 4]
        encoded = json.dumps(data, ensure_ascii=False).encode()
    return encoded


class WebPushChannel:
    name = "webpush"

    def recipient_ids(self, alert: Alert) -> list[int]:
        return [user.id for user in alert.recipients]

    def targets(self, delivery: Delivery) -> list[Target]:
        return [Target(s.id, s.device or f"#{s.id}",
                       {"endpoint": s.endpoint, "keys": {"p256dh": s.p256dh, "auth": s.auth}})
                for s in db.session.scalars(select(PushSubscription)
                                            .where(PushSubscription.user_id == delivery.recipient_id)
                                            .order_by(PushSubscription.id))]

    def send(self, payload: dict, target: Target) -> Result:
        config = current_app.config
        key = vapid()
        if key is None:
            return Result(ok=False, error="no VAPID key configured")
        try:
            webpush(target.data, data=encode(payload), vapid_private_key=key,
                    vapid_claims={"sub": config["VAPID_SUBJECT"]},
                    # pywebpush's default TTL of 0 drops the message when the phone is off.
                    ttl=config["PUSH_TTL_SECONDS"],
                    headers={"Urgency": payload.get("urgency", "normal")},
                    timeout=config["PUSH_TIMEOUT_SECONDS"])
        except WebPushException as exc:
            status = exc.status_code
            if status in GONE:
                return Result(ok=False, gone=True, error=f"HTTP {status}: device removed")
            retry = status is None or status == 429 or status >= 500
            after = exc.retry_after
            return Result(ok=False, retry=retry, error=f"HTTP {status}",
                          retry_after=int(after) if after and after.isdigit() else None)
        except RequestException as exc:
            return Result(ok=False, retry=True, error=type(exc).__name__)
        return Result(ok=True)

    def settle(self, target: Target, result: Result) -> None:
        subscription = db.session.get(PushSubscription, target.id)
        if subscription is None:
            return
        if result.gone:
            db.session.delete(subscription)
        elif result.ok:
            subscription.last_sent_at = clock.now()


CHANNEL = WebPushChannel()
