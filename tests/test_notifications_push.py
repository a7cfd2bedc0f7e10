"""Does Web Push reach a (local) push service encrypted, signed and shaped as browsers
expect, and does the app forget a device the push service says is gone?"""
import base64
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.cli import make_vapid_keys
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.notifications import services
from blueprints.notifications.channels import webpush
from blueprints.notifications.models import Delivery, PushSubscription
from tests import push_endpoint

ROOT = Path(__file__).resolve().parent.parent
MOMENT = datetime(2026, 3, 10, 2, 0)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def subscription_keys():
    """What a browser makes when it subscribes: a P-256 key pair and a 16-byte auth secret."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    auth = os.urandom(16)
    return (private, auth), {"p256dh": b64url(public), "auth": b64url(auth)}


@pytest.fixture
def endpoint(app):
    endpoint, stop = push_endpoint.serve()
    app.config["PUSH_ENDPOINT_ALLOWLIST"] = [*app.config["PUSH_ENDPOINT_ALLOWLIST"], "127.0.0.1"]
    private, public = make_vapid_keys()
    app.config.update(VAPID_PRIVATE_KEY=private, VAPID_PUBLIC_KEY=public)
    yield endpoint
    stop()


def subscribe(client, auth, user, endpoint_url):
    (private, secret), keys = subscription_keys()
    auth.login(user)
    response = client.post("/notifications/push/subscribe",
                           json={"endpoint": endpoint_url, "expirationTime": None, "keys": keys},
                           headers={"User-Agent": "Mozilla/5.0 (iPhone) Safari/605.1"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return private, secret


def new_major_hazard(ent, description="液氨储罐压力<0.5MPa"):
    with clock.frozen(MOMENT):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description=description, department_id=ent.department.id, grade="major"))
        db.session.commit()
    return hazard


def verify_vapid(authorization: str, audience: str, app_public_key: str) -> dict:
    """The JWT's claims after checking its ES256 signature with the app's public key."""
    assert authorization.startswith("vapid ")
    params = dict(part.strip().split("=", 1) for part in authorization[len("vapid "):].split(","))
    assert params["k"] == app_public_key
    header, claims, signature = params["t"].split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(app_public_key))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    decoded = json.loads(unb64url(claims))
    assert decoded["aud"] == audience and decoded["sub"].startswith("mailto:")
    return decoded


def test_push_end_to_end(app, client, auth, ent, endpoint):
    """Is a new major hazard pushed to the director's device encrypted (aes128gcm) with
    title, link, a TTL, high urgency and a VAPID JWT for the push service's origin?"""
    private, secret = subscribe(client, auth, ent.director, f"{endpoint.url}/push/phone")
    hazard = new_major_hazard(ent)
    with clock.frozen(MOMENT + timedelta(minutes=1)):
        report = services.run_pass()
    assert any("webpush" in line for line in report.sent)
    [request] = endpoint.to("/push/phone")
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) == app.config["PUSH_TTL_SECONDS"] > 0
    assert request.headers["urgency"] == "high"
    assert len(request.body) <= 4096
    message = json.loads(http_ece.decrypt(request.body, private_key=private, auth_secret=secret,
                                          version="aes128gcm"))
    assert message["url"] == f"/hazards/{hazard.id}"
    assert "重大隐患" in message["title"] and "压力<0.5MPa" in message["body"]
    verify_vapid(request.headers["authorization"], endpoint.url, app.config["VAPID_PUBLIC_KEY"])
    device = db.session.scalar(select(PushSubscription))
    assert device.device == "iPhone · Safari" and device.last_sent_at is not None


def test_gone_subscription_is_removed(app, client, auth, ent, endpoint):
    """Does a 410 from the push service remove the device and show in the delivery log?"""
    subscribe(client, auth, ent.director, f"{endpoint.url}/push/old-phone")
    endpoint.answer("/push/old-phone", (410, {}))
    new_major_hazard(ent)
    with clock.frozen(MOMENT + timedelta(minutes=1)):
        services.run_pass()
    assert db.session.scalar(select(PushSubscription)) is None
    [delivery] = db.session.scalars(select(Delivery).where(
        Delivery.channel == "webpush", Delivery.recipient_id == ent.director.id)).all()
    assert delivery.status == "failed" and "410" in delivery.last_error
    auth.login(ent.director)
    assert "410" in client.get("/notifications/log").get_data(as_text=True)


def test_busy_push_service_is_retried_with_back_off(app, client, auth, ent, endpoint):
    """Is a 503 retried later, not at once, and is the message then sent just once?"""
    subscribe(client, auth, ent.director, f"{endpoint.url}/push/busy")
    endpoint.answer("/push/busy", (503, {}), (201, {}))
    new_major_hazard(ent)
    with clock.frozen(MOMENT + timedelta(minutes=1)):
        services.run_pass()
        services.run_pass()
    [delivery] = db.session.scalars(select(Delivery).where(
        Delivery.channel == "webpush", Delivery.recipient_id == ent.director.id)).all()
    assert delivery.status == "retry" and "503" in delivery.last_error
    assert len(endpoint.to("/push/busy")) == 1
    with clock.frozen(MOMENT + timedelta(minutes=3)):
        services.run_pass()
        services.run_pass()
    db.session.refresh(delivery)
    assert delivery.status == "sent" and delivery.attempts == 2
    assert len(endpoint.to("/push/busy")) == 2


def test_only_allow_listed_push_services(app, client, auth, ent, endpoint):
    """Is a subscription to an address off the allow-list refused, so the server never calls it?"""
    _keys, keys = subscription_keys()
    auth.login(ent.worker)
    for bad in ("https://evil.example.com/push/1", "http://10.0.0.1/push", "file:///etc/passwd",
                "https://fcm.googleapis.com.evil.cn/x"):
        response = client.post("/notifications/push/subscribe", json={"endpoint": bad, "keys": keys})
        assert response.status_code == 400
    subscription = {"endpoint": "https://fcm.googleapis.com/fcm/send/x",
                    "keys": {"p256dh": "x", "auth": "y"}}
    assert client.post("/notifications/push/subscribe", json=subscription).status_code == 400
    assert db.session.scalar(select(PushSubscription)) is None
    ok = client.post("/notifications/push/subscribe",
                     json={"endpoint": "https://fcm.googleapis.com/fcm/send/abc", "keys": keys})
    assert ok.status_code == 201


def test_payload_always_fits():
    """Does a very long description still make a payload well under the 4 KB a push service takes?"""
    data = webpush.encode({"title": "重大隐患" * 50, "body": "泄漏" * 5000, "url": "/hazards/1"})
    assert len(data) <= webpush.MAX_PAYLOAD
    assert json.loads(data)["url"] == "/hazards/1"


def test_devices_listed_and_turned_off(app, client, auth, ent, endpoint):
    """Does a user see their devices and turn one off, and never someone else's?"""
    subscribe(client, auth, ent.director, f"{endpoint.url}/push/a")
    device = db.session.scalar(select(PushSubscription))
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "iPhone · Safari" in page and app.config["VAPID_PUBLIC_KEY"] in page
    auth.logout()
    auth.login(ent.worker)
    assert client.post(f"/notifications/push/{device.id}/delete").status_code == 404
    auth.logout()
    auth.login(ent.director)
    assert client.post(f"/notifications/push/{device.id}/delete").status_code == 302
    assert db.session.scalar(select(PushSubscription)) is None


def test_user_text_is_pushed_as_text(app, client, auth, ent, endpoint):
    """Does a description full of markdown and HTML reach the phone verbatim inside the JSON,
    for the service worker to show as a notification's plain text (it never builds HTML)?"""
    evil = "[click](http://evil) ![x](http://evil/x.png) **bold** <b>泄漏</b>"
    private, secret = subscribe(client, auth, ent.director, f"{endpoint.url}/push/phone")
    new_major_hazard(ent, description=evil)
    with clock.frozen(MOMENT + timedelta(minutes=1)):
        services.run_pass()
    [request] = endpoint.to("/push/phone")
    message = json.loads(http_ece.decrypt(request.body, private_key=private, auth_secret=secret,
                                          version="aes128gcm"))
    assert evil in message["body"]
    worker = (ROOT / "static" / "js" / "sw-push.js").read_text()
    assert "showNotification(data.title" in worker and "innerHTML" not in worker
