"""Feishu / Lark (飞书) group robot: a rich-text post with a link. Its custom robots
cannot mention by mobile number. With the signature option the body carries timestamp
(seconds) and sign = base64(HMAC-SHA256(key="ts\\nsecret", message=empty))."""
import base64
import hashlib
import hmac
import time

from blueprints.notifications.channels.base import inert_text


def sign(secret: str, timestamp: int) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build(url: str, secret: str | None, message: dict) -> tuple[str, dict]:
    body = {"msg_type": "post", "content": {"post": {"zh_cn": {
        # A text tag is plain, but the app would still make a link of an address in it.
        "title": inert_text(message["title"]),
        "content": [[{"tag": "text", "text": inert_text(message["body"])}],
                    [{"tag": "a", "text": message["link"], "href": message["link"]}]]}}}}
    if secret:
        timestamp = int(time.time())
        body = {"timestamp": str(timestamp), "sign": sign(secret, timestamp), **body}
    return url, body


def accepted(answer: dict) -> str:
    code = answer.get("code", answer.get("StatusCode"))
    return "" if code == 0 else f"{code} {answer.get('msg', answer.get('StatusMessage', ''))}"
