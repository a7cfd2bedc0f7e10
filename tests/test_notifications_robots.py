"""Do the WeCom, DingTalk and Feishu group robots get well-formed, correctly signed posts,
and are their secrets kept encrypted and never shown again?"""
import base64
import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards import transitions
from blueprints.notifications import services
from blueprints.notifications.models import RobotWebhook
from tests import push_endpoint

MOMENT = datetime(2026, 3, 10, 2, 0)
DING_SECRET = "SEC0123456789abcdefdingtalk"
FEISHU_SECRET = "feishu-signing-secret"


@pytest.fixture
def endpoint(app):
    endpoint, stop = push_endpoint.serve()
    app.config["ROBOT_HOST_ALLOWLIST"] = [*app.config["ROBOT_HOST_ALLOWLIST"], "127.0.0.1"]
    app.config["PUBLIC_BASE_URL"] = "https://zicha.example.cn"
    yield endpoint
    stop()


def add_robots(client, auth, ent, endpoint):
    auth.login(ent.admin)
    for platform, secret in (("wecom", ""), ("dingtalk", DING_SECRET), ("feishu", FEISHU_SECRET)):
        response = client.post("/notifications/robots", data={
            "platform": platform, "name": f"安全群-{platform}", "department_id": "",
            "url": f"{endpoint.url}/{platform}?key=abc", "secret": secret})
        assert response.status_code == 302



def report_major_and_escalate(ent, description):
    """A worker reports a major hazard at MOMENT, and the escalation pass runs."""
    with clock.frozen(MOMENT):
        hazard = transitions.report_hazard(ent.worker, transitions.HazardReport(
            description=description, department_id=ent.department.id, grade="major"))
        db.session.commit()
        services.run_pass()
    return hazard


def test_escalation_posts_to_every_platform(app, client, auth, ent, endpoint):
    """Does a new major hazard reach all three groups in each platform's format, mentioning
    the department head, the director and the principal by mobile where the platform
    allows, with valid signatures?"""
    add_robots(client, auth, ent, endpoint)
    hazard = report_major_and_escalate(ent, "液氨储罐安全阀失效")
    link = f"https://zicha.example.cn/hazards/{hazard.id}"
    mobiles = [ent.dept_head.mobile, ent.director.mobile, ent.principal.mobile]

    [wecom] = endpoint.to("/wecom")
    body = wecom.json()
    assert body["msgtype"] == "text" and wecom.query == "key=abc"
    assert body["text"]["mentioned_mobile_list"] == mobiles
    assert "液氨储罐安全阀失效" in body["text"]["content"] and link in body["text"]["content"]

    [ding] = endpoint.to("/dingtalk")
    query = parse_qs(ding.query)
    timestamp, sign = query["timestamp"][0], query["sign"][0]
    expected = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert sign == expected and query["key"] == ["abc"]
    body = ding.json()
    assert body["msgtype"] == "markdown" and body["at"] == {"atMobiles": mobiles, "isAtAll": False}
    assert link in body["markdown"]["text"] and f"@{ent.director.mobile}" in body["markdown"]["text"]

    [feishu] = endpoint.to("/feishu")
    body = feishu.json()
    expected = base64.b64encode(hmac.new(f"{body['timestamp']}\n{FEISHU_SECRET}".encode(), b"",
                                         hashlib.sha256).digest()).decode()
    assert body["sign"] == expected and body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert "重大隐患" in post["title"] and {"tag": "a", "text": link, "href": link} in post["content"][1]


def test_secrets_are_encrypted_and_write_only(app, client, auth, ent, endpoint):
    """Is a signing secret stored encrypted and never shown on the page again?"""
    add_robots(client, auth, ent, endpoint)
    page = client.get("/notifications/robots").get_data(as_text=True)
    assert DING_SECRET not in page and FEISHU_SECRET not in page
    stored = db.session.scalars(select(RobotWebhook.secret_encrypted)).all()
    assert all(DING_SECRET not in (s or "") and FEISHU_SECRET not in (s or "") for s in stored)
    assert sum(1 for s in stored if s) == 2


def test_only_the_platforms_hosts(app, client, auth, ent):
    """Is a webhook address outside the platforms' hosts refused with a message, saving nothing?"""
    auth.login(ent.admin)
    for url in ("https://evil.example.com/robot/send?access_token=1",
                "http://oapi.dingtalk.com/robot/send?access_token=1",
                "https://oapi.dingtalk.com.evil.cn/robot/send"):
        response = client.post("/notifications/robots", data={"platform": "dingtalk", "url": url})
        assert response.status_code == 400
        assert "oapi.dingtalk.com" in response.get_data(as_text=True)
    assert db.session.scalar(select(RobotWebhook)) is None
    ok = client.post("/notifications/robots", data={
        "platform": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=1"})
    assert ok.status_code == 302


def test_send_a_test_message(app, client, auth, ent, endpoint):
    """Does the test button post to the group and report the platform's refusal plainly?"""
    add_robots(client, auth, ent, endpoint)
    robot = db.session.scalar(select(RobotWebhook).where(RobotWebhook.platform == "wecom"))
    response = client.post(f"/notifications/robots/{robot.id}/test", follow_redirects=True)
    assert "测试消息已发送" in response.get_data(as_text=True)
    assert "安全自查测试消息" in endpoint.to("/wecom")[0].json()["text"]["content"]
    endpoint.answer("/wecom", (200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    response = client.post(f"/notifications/robots/{robot.id}/test", follow_redirects=True)
    assert "93000" in response.get_data(as_text=True)


def test_a_removed_robot_gets_no_more_posts(app, client, auth, ent, endpoint):
    """After the admin removes the WeCom robot, does a new major hazard reach only the
    other two groups?"""
    add_robots(client, auth, ent, endpoint)
    robot = db.session.scalar(select(RobotWebhook).where(RobotWebhook.platform == "wecom"))
    assert client.post(f"/notifications/robots/{robot.id}/delete").status_code == 302
    report_major_and_escalate(ent, "液氨储罐安全阀失效")
    assert endpoint.to("/wecom") == []
    assert endpoint.to("/dingtalk") and endpoint.to("/feishu")


def test_only_managers_keep_robots(app, client, auth, ent):
    """May a worker see or change the group robots?"""
    auth.login(ent.worker)
    assert client.get("/notifications/robots").status_code == 403
    assert client.post("/notifications/robots", data={"platform": "wecom"}).status_code == 403
    assert client.get("/notifications/log").status_code == 403


def test_robot_of_another_enterprise_is_404(app, client, auth, ent, endpoint):
    """Can an admin test or remove another enterprise's robot?"""
    add_robots(client, auth, ent, endpoint)
    robot = db.session.scalar(select(RobotWebhook))
    from tests import factories
    other = factories.standard_enterprise()
    auth.logout()
    auth.login(other.admin, enterprise_code=other.enterprise.code)
    assert client.post(f"/notifications/robots/{robot.id}/test").status_code == 404
    assert client.post(f"/notifications/robots/{robot.id}/delete").status_code == 404
    assert endpoint.received == []


def test_department_robot_gets_only_its_department(app, client, auth, ent, endpoint):
    """Does a department's group get that department's hazards only?"""
    from tests import factories
    other_department = factories.make_department(ent.enterprise, "罐区储运部")
    db.session.add(RobotWebhook(enterprise_id=ent.enterprise.id, platform="wecom",
                                department_id=other_department.id, url=f"{endpoint.url}/tank"))
    db.session.commit()
    report_major_and_escalate(ent, "合成车间地面油污")
    assert endpoint.to("/tank") == []


EVIL = "[click](http://evil) ![x](http://evil/x.png) **bold** <b>泄漏</b>"


def test_user_text_is_shown_not_rendered(app, client, auth, ent, endpoint):
    """Does a worker's description reach the groups as inert text: no markdown link, image,
    bold or HTML in DingTalk, and no address the chat apps would make a link of?"""
    add_robots(client, auth, ent, endpoint)
    hazard = report_major_and_escalate(ent, EVIL)
    link = f"https://zicha.example.cn/hazards/{hazard.id}"
    ding = endpoint.to("/dingtalk")[0].json()["markdown"]
    body = ding["text"].replace(f"[{link}]({link})", "")
    for live in ("](", "![", "**", "<b>", "http://"):
        assert live not in body and live not in ding["title"]
    assert "click" in body and "泄漏" in body and f"[{link}]({link})" in ding["text"]
    wecom = endpoint.to("/wecom")[0].json()["text"]["content"]
    feishu = endpoint.to("/feishu")[0].json()["content"]["post"]["zh_cn"]["content"]
    for text in (wecom, feishu[0][0]["text"]):
        assert "http://evil" not in text and "**bold** <b>泄漏</b>" in text
    assert link in wecom and feishu[1][0]["href"] == link
