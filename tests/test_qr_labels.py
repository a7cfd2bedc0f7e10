"""QR codes: what the printed labels carry, who may print them, and rotating a token."""
import base64
import io
import re

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from blueprints.common.extensions import db
from tests import factories
from tests.conftest import make_test_app


def decoded(png: bytes) -> list[str]:
    return [symbol.data.decode() for symbol in decode(Image.open(io.BytesIO(png)))]


def sheet_links(response) -> list[str]:
    """The links of every QR image embedded in a label sheet."""
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', response.get_data(as_text=True))
    return [link for image in images for link in decoded(base64.b64decode(image))]


def test_png_carries_the_points_scan_link(client, auth, ent):
    """Does the QR image decode to the external scan link of the point's current token?"""
    auth.login(ent.safety_officer)
    response = client.get(f"/points/{ent.point.id}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decoded(response.data) == [f"http://localhost/q/{ent.point.current_token.token}"]


def test_label_sheet_of_chosen_points(client, auth, ent):
    """Does the sheet hold one decodable label per chosen point, with name, code and the
    instruction, and leave out points that were not chosen?"""
    other = factories.make_risk_point(ent.enterprise, ent.department, name="液氨储罐",
                                      code="FX-009", lec=(3, 3, 40))
    third = factories.make_risk_point(ent.enterprise, ent.department, name="配电室", code="FX-010")
    db.session.commit()
    auth.login(ent.director)
    response = client.get(f"/points/labels?ids={ent.point.id}&ids={other.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert sorted(sheet_links(response)) == sorted(
        f"http://localhost/q/{p.current_token.token}" for p in (ent.point, other))
    assert "液氨储罐" in page and "FX-009" in page and "grade-red" in page
    assert "配电室" not in page and third.current_token.token not in page
    assert "请使用微信或手机相机扫码，完成本岗位隐患排查" in page


def test_label_sheet_without_ids_has_every_point_and_never_another_enterprises(client, auth, ent):
    """Does a sheet without ids print every point of the enterprise, and are ids of another
    enterprise's points ignored?"""
    foreign = factories.standard_enterprise(code="other")
    auth.login(ent.admin, enterprise_code=ent.enterprise.code)
    assert sheet_links(client.get("/points/labels")) == [
        f"http://localhost/q/{ent.point.current_token.token}"]
    assert sheet_links(client.get(f"/points/labels?ids={foreign.point.id}")) == []


def test_public_base_url_replaces_the_host(app, client, auth, ent):
    """Does PUBLIC_BASE_URL decide the address printed in the QR code?"""
    app.config["PUBLIC_BASE_URL"] = "https://zicha.example.cn/"
    auth.login(ent.safety_officer)
    response = client.get(f"/points/{ent.point.id}/qr.png")
    assert decoded(response.data) == [
        f"https://zicha.example.cn/q/{ent.point.current_token.token}"]


def test_label_page_names_the_address_taken_from_the_request(app, client, ent):
    """Without PUBLIC_BASE_URL, is the admin who prints told which address the labels will
    carry; with it, is nothing said?"""
    laptop = {"Host": "10.0.0.5:8000"}  # the session cookie belongs to that host
    client.post("/login", headers=laptop, data={
        "identifier": ent.admin.employee_no, "password": factories.PASSWORD})
    page = client.get("/points/labels", headers=laptop).get_data(as_text=True)
    assert "http://10.0.0.5:8000" in page and "PUBLIC_BASE_URL" in page and "标签将印上地址" in page
    app.config["PUBLIC_BASE_URL"] = "https://zicha.example.cn"
    assert "PUBLIC_BASE_URL" not in client.get("/points/labels", headers=laptop).get_data(as_text=True)


def test_only_trusted_hosts_are_answered(tmp_path, monkeypatch):
    """With TRUSTED_HOSTS set, is a request with another Host header refused (400), so that
    no label or link can carry a forged host?"""
    monkeypatch.setenv("TRUSTED_HOSTS", "zicha.example.cn, .zicha.internal")
    app = make_test_app(tmp_path)
    assert app.config["TRUSTED_HOSTS"] == ["zicha.example.cn", ".zicha.internal"]
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.get("/login", headers={"Host": "evil.example.com"}).status_code == 400
        assert client.get("/login", headers={"Host": "zicha.example.cn"}).status_code == 200
        assert client.get("/login", headers={"Host": "a.zicha.internal"}).status_code == 200
        db.session.remove()


def test_rotating_retires_the_old_label(client, auth, ent):
    """After rotation, does the old link get 410 with the Chinese message and the new one
    lead to the check?"""
    auth.login(ent.safety_officer)
    old = ent.point.current_token.token
    confirm = client.get(f"/points/{ent.point.id}/rotate").get_data(as_text=True)
    assert "旧标签将失效" in confirm
    assert client.post(f"/points/{ent.point.id}/rotate").status_code == 302
    db.session.refresh(ent.point)
    new = ent.point.current_token.token
    assert new != old
    assert decoded(client.get(f"/points/{ent.point.id}/qr.png").data) == [
        f"http://localhost/q/{new}"]
    auth.logout()
    auth.login(ent.worker)
    gone = client.get(f"/q/{old}")
    assert gone.status_code == 410
    assert "此二维码标签已更换作废，请扫描新标签或告知安全员。" in gone.get_data(as_text=True)
    assert client.get(f"/q/{new}").status_code == 302


@pytest.mark.parametrize("role", ["worker", "team_leader", "dept_head", "principal"])
def test_others_may_not_print_or_rotate(client, auth, ent, role):
    """Are labels, the QR image and rotation refused (403) to everyone but the label keepers?"""
    auth.login(getattr(ent, role))
    point_id = ent.point.id
    token = ent.point.current_token.token
    assert client.get("/points/labels").status_code == 403
    assert client.get(f"/points/{point_id}/qr.png").status_code == 403
    assert client.get(f"/points/{point_id}/rotate").status_code == 403
    assert client.post(f"/points/{point_id}/rotate").status_code == 403
    db.session.refresh(ent.point)
    assert ent.point.current_token.token == token
    assert token not in client.get(f"/points/{point_id}").get_data(as_text=True)


def test_labels_need_a_login(client, ent):
    """Is the QR image refused to someone not logged in?"""
    response = client.get(f"/points/{ent.point.id}/qr.png")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
