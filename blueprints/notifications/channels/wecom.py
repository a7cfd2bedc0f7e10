"""WeCom (企业微信) group robot: a text message; people are mentioned by mobile number."""
from blueprints.notifications.channels.base import inert_text


def build(url: str, secret: str | None, message: dict) -> tuple[str, dict]:
    # Plain text, but the app would still make a link of an address in what a user wrote.
    content = f"{inert_text(message['title'])}\n{inert_text(message['body'])}\n{message['link']}"
    return url, {"msgtype": "text",
                 "text": {"content": content, "mentioned_mobile_list": message["mobiles"]}}


def accepted(answer: dict) -> str:
    """'' when the platform took the message, else its error."""
    return "" if answer.get("errcode") == 0 else f"{answer.get('errcode')} {answer.get('errmsg', '')}"
