"""The public channel of hazard reporting: anyone, without a login, from the poster's QR
code. A receipt code follows its own report only; the sender's contact is the safety
director's alone; honeypot, rate limits and bad photos are refused with nothing stored."""
import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.hazards.models import Hazard, HazardSource
from blueprints.photos.models import Photo
from blueprints.reporting import services
from blueprints.reporting.models import Report, Reward, RewardState
from tests import factories
from tests.conftest import RequestClient, make_test_app
from tests.factories import count

NOW = datetime(2026, 9, 25, 2, 0)
CONTACT = "13912345678"


@pytest.fixture(autouse=True)
def frozen_now(app):
    clock.freeze(NOW)


@pytest.fixture
def code(ent):
    code = services.public_code_of(ent.enterprise.id)
    db.session.commit()
    return code


def send(client, code, photos=1, address="203.0.113.7", **fields):
    data = {"kind": "environment", "description": "食堂后门消防通道被堵", "location": "食堂后门",
            "contact": CONTACT, "website": "", **fields}
    if photos:
        data["photo"] = [(io.BytesIO(factories.jpeg_bytes()), f"p{n}.jpg") for n in range(photos)]
    return client.post(f"/p/{code}", data=data, content_type="multipart/form-data",
                       environ_base={"REMOTE_ADDR": address})


def receipt_of(client, code) -> str:
    page = client.get(f"/p/{code}/receipt").text
    found = re.search(r'class="receipt-code">(\w{5}) (\w{5})<', page)
    return found.group(1) + found.group(2)


def login(auth, user):
    auth.logout()
    auth.login(user)


def test_the_poster_carries_the_public_link(client, auth, ent):
    login(auth, ent.worker)
    assert client.get("/reports/poster").status_code == 403
    login(auth, ent.safety_officer)
    assert "生成公开链接" in client.get("/reports/poster").text  # no link until one is made
    assert count(services.ReportingSettings) == 0
    client.post("/reports/poster")
    page = client.get("/reports/poster").text
    code = db.session.scalar(select(services.ReportingSettings.public_code))
    assert f"http://localhost/p/{code}" in page and 'src="data:image/png;base64,' in page
    assert code in client.get("/reports/poster").text  # the same link each time
    client.post("/reports/poster")
    db.session.expire_all()
    renewed = db.session.scalar(select(services.ReportingSettings.public_code))
    assert renewed != code
    auth.logout()
    assert client.get(f"/p/{code}").status_code == 404  # the old posters no longer work
    assert client.get(f"/p/{renewed}").status_code == 200


def test_a_stranger_reports_and_gets_a_receipt_code(client, ent, code):
    form = client.get(f"/p/{code}")
    assert form.status_code == 200 and ent.enterprise.name in form.text
    assert "offline.js" not in form.text and "manifest" not in form.text  # no app shell
    response = send(client, code, photos=2)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{code}/receipt")
    receipt = receipt_of(client, code)
    assert len(receipt) == services.RECEIPT_LENGTH
    db.session.expire_all()
    report = db.session.scalar(select(Report))
    assert report.reporter_id is None and report.contact == CONTACT and len(report.photos) == 2
    assert report.receipt_digest == services.receipt_digest(receipt) and receipt not in report.receipt_digest
    assert report.address_digest and "203.0.113.7" not in report.address_digest
    assert report.answer_due_at == NOW + timedelta(hours=24)


def test_a_receipt_code_shows_only_its_own_report(client, ent, code):
    send(client, code, description="甲：配电箱门敞开")
    first = receipt_of(client, code)
    send(client, code, description="乙：脚手架无护栏")
    second = receipt_of(client, code)
    page = client.post(f"/p/{code}/status", data={"receipt": first.lower()[:5] + "-" + first[5:]}).text
    assert "甲：配电箱门敞开" in page and "乙：脚手架无护栏" not in page and CONTACT not in page
    page = client.post(f"/p/{code}/status", data={"receipt": second}).text
    assert "乙：脚手架无护栏" in page and "甲：配电箱门敞开" not in page
    wrong = client.post(f"/p/{code}/status", data={"receipt": "ABCDEFGHJK"})
    assert wrong.status_code == 404 and "甲" not in wrong.text and "乙：" not in wrong.text
    other = factories.standard_enterprise()
    other_code = services.public_code_of(other.enterprise.id)
    db.session.commit()
    assert client.post(f"/p/{other_code}/status", data={"receipt": first}).status_code == 404


def test_a_filled_honeypot_is_refused_and_stores_nothing(client, ent, code):
    response = send(client, code, website="http://spam.example")
    assert response.status_code == 400 and "无法受理" in response.text
    assert count(Report) == 0 and count(Photo) == 0


@pytest.mark.parametrize("fields, photos, message", [
    ({"kind": ""}, 1, "请选择类别"),
    ({"location": ""}, 1, "请说明地点"),
    ({"description": ""}, 0, "请拍照"),
    ({}, 4, "最多 3 张照片"),
])
def test_bad_public_reports_are_refused_and_store_nothing(client, ent, code, fields, photos, message):
    response = send(client, code, photos=photos, **fields)
    assert response.status_code == 400 and message in response.text
    assert count(Report) == 0 and count(Photo) == 0


def test_a_file_that_is_no_photo_is_refused_and_stores_nothing(client, ent, code):
    response = client.post(f"/p/{code}", data={
        "kind": "act", "location": "门口", "description": "x",
        "photo": [(io.BytesIO(b"GIF89a not really"), "x.jpg")]}, content_type="multipart/form-data")
    assert response.status_code == 400 and "无法识别该文件为照片" in response.text
    assert count(Report) == 0 and count(Photo) == 0


def test_one_address_sends_five_an_hour_and_twenty_a_day(client, ent, code):
    for _ in range(5):
        assert send(client, code, photos=0).status_code == 302
    refused = send(client, code)
    assert refused.status_code == 429 and "发送的上报过多" in refused.text
    assert count(Report) == 5 and count(Photo) == 0
    assert send(client, code, address="198.51.100.9").status_code == 302  # another sender
    for hour in range(1, 4):  # each hour's five more than an hour after the last five
        with clock.frozen(NOW + timedelta(hours=hour, minutes=hour)):
            for _ in range(5):
                assert send(client, code, photos=0).status_code == 302
    with clock.frozen(NOW + timedelta(hours=4, minutes=4)):
        assert send(client, code, photos=0).status_code == 429  # 20 in the day
    with clock.frozen(NOW + timedelta(days=1, minutes=1)):
        assert send(client, code, photos=0).status_code == 302


def test_an_enterprise_takes_so_many_public_reports_a_day(client, ent, code, monkeypatch):
    monkeypatch.setattr(services, "PER_ENTERPRISE_DAY", 3)
    for n in range(3):
        assert send(client, code, photos=0, address=f"192.0.2.{n}").status_code == 302
    assert send(client, code, photos=0, address="192.0.2.99").status_code == 429
    assert count(Report) == 3


def test_behind_a_trusted_proxy_the_real_client_address_counts(tmp_path):
    """Behind nginx every request comes from the proxy: the forwarded address is the sender's."""
    proxied = make_test_app(tmp_path, TRUSTED_PROXIES=1)
    proxied.test_client_class = RequestClient
    with proxied.app_context():
        db.create_all()
        ent = factories.standard_enterprise()
        code = services.public_code_of(ent.enterprise.id)
        db.session.commit()
        client = proxied.test_client()
        with clock.frozen(NOW):
            for n in range(6):
                response = client.post(f"/p/{code}", data={
                    "kind": "act", "location": "门口", "description": f"第{n}条"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
                assert response.status_code == 302
        db.session.remove()


def _public_reward(client, auth, ent, code):
    send(client, code)
    receipt = receipt_of(client, code)
    report = db.session.scalar(select(Report))
    login(auth, ent.safety_officer)
    client.post(f"/reports/{report.id}/accept", data={
        "description": "食堂后门消防通道被堵", "grade": "general", "department_id": str(ent.department.id),
        "category": "onsite"})
    reward = db.session.scalar(select(Reward))
    login(auth, ent.director)
    client.post(f"/rewards/{reward.id}", data={"amount": "100", "points": "10", "bonus": "0"})
    return report, reward, receipt


def test_the_contact_is_only_ever_shown_to_the_safety_director(client, auth, ent, code):
    report, reward, _receipt = _public_reward(client, auth, ent, code)
    hazard = db.session.scalar(select(Hazard))
    assert hazard.reported_by_id == ent.safety_officer.id and CONTACT not in hazard.description
    assert hazard.source == HazardSource.PUBLIC
    pages = ["/reports/review", "/reports/review?answered=1", f"/reports/{report.id}",
             f"/hazards/{hazard.id}", "/hazards", "/rewards", f"/rewards/{reward.id}", "/rewards/ledger",
             "/rewards/leaderboard", "/home", "/hazards/queue"]
    for user in (ent.safety_officer, ent.principal, ent.dept_head, ent.worker, ent.admin):
        login(auth, user)
        for url in pages:
            response = client.get(url)
            assert CONTACT not in response.text, (user.role, url)
        xlsx = client.get("/rewards/ledger?format=xlsx")
        data, status = xlsx.data, xlsx.status_code
        xlsx.close()  # the spooled workbook, as the server closes it once sent
        if status == 200:
            book = load_workbook(io.BytesIO(data))
            rows = list(book.worksheets[0].iter_rows(values_only=True))
            assert all(CONTACT not in str(cell) for row in rows for cell in row)
            assert "公众举报（匿名）" in [row[3] for row in rows[2:]]
    login(auth, ent.director)
    assert CONTACT in client.get(f"/reports/{report.id}").text
    assert CONTACT not in client.get(f"/hazards/{hazard.id}").text


def test_an_anonymous_reporter_claims_the_reward_with_the_receipt_code(client, auth, ent, code):
    _report, reward, receipt = _public_reward(client, auth, ent, code)
    login(auth, ent.safety_officer)
    assert client.post(f"/rewards/{reward.id}/pay", data={"receipt": "ABCDEFGHJK"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Reward, reward.id).state == RewardState.APPROVED
    assert client.post(f"/rewards/{reward.id}/pay", data={"receipt": receipt}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Reward, reward.id).state == RewardState.PAID
    auth.logout()
    page = client.post(f"/p/{code}/status", data={"receipt": receipt}).text
    assert "奖励已发放" in page and "100.00" in page


def test_text_from_the_public_is_escaped(client, auth, ent, code):
    send(client, code, description="<script>alert(1)</script>", location="<b>门口</b>")
    login(auth, ent.director)
    report = db.session.scalar(select(Report))
    page = client.get(f"/reports/{report.id}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "<b>门口</b>" not in page
