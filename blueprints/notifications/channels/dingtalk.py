"""DingTalk (钉钉) group robot: markdown with @mobile mentions; with the signed-secret
option the URL carries timestamp and sign = base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from blueprints.notifications.channels.base import inert_markdown


def sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build(url: str, secret: str | None, message: dict) -> tuple[str, dict]:
    if secret:
        timestamp = int(time.time() * 1000)
        joiner = "&" if "?" in url else "?"
        url = f"{url}{joiner}timestamp={timestamp}&sign={quote_plus(sign(secret, timestamp))}"
    # DingTalk mentions only the mobiles that also appear as @mobile in the text.
    mentions = " ".join(f"@{mobile}" for mobile in message["mobiles"])
    # Title and body carry what users wrote (a hazard's description): shown, never rendered.
    title, body = inert_markdown(message["title"]), inert_markdown(message["body"])
    text = f"#### {title}\n\n{body}\n\n[{message['link']}]({message['link']})"
    if mentions:
        text += f"\n\n{mentions}"
    return url, {"msgtype": "markdown", "markdown": {"title": title, "text": text},
                 "at": {"atMobiles": message["mobiles"], "isAtAll": False}}


def accepted(answer: dict) -> str:
    return "" if answer.get("errcode") == 0 else f"{answer.get('errcode')} {answer.get('errmsg', '')}"
