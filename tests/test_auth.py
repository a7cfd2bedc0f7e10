"""Login, remember-me, slowing of guessers, and enterprise isolation at the door."""
from datetime import datetime, timedelta

from blueprints.auth import services
from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.org.models import Role
from tests import factories


def test_login_with_employee_number_and_with_mobile(client, auth, ent):
    assert auth.login(ent.worker).status_code == 302
    assert client.get("/home").status_code == 200
    auth.logout()
    response = client.post("/login", data={"identifier": ent.worker.mobile,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302


def test_pages_need_login(client, ent):
    response = client.get("/home")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_wrong_password_is_refused_in_chinese(client, auth, ent):
    response = auth.login(ent.worker, password="wrong")
    assert response.status_code == 400
    assert "工号、手机号或密码错误" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_english_when_chosen(client, auth, ent):
    client.set_cookie("lang", "en")
    response = auth.login(ent.worker, password="wrong")
    assert "Wrong employee number" in response.get_data(as_text=True)


def test_remember_me_sets_a_30_day_cookie(client, auth, ent):
    response = auth.login(ent.worker, remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    assert timedelta(days=29) < expires - datetime.utcnow() <= timedelta(days=30, minutes=1)


def test_remember_me_survives_a_closed_browser(app, client, auth, ent):
    auth.login(ent.worker, remember=True)
    client.delete_cookie("session")
    assert client.get("/home").status_code == 200


def test_without_remember_me_a_closed_browser_logs_out(client, auth, ent):
    auth.login(ent.worker, remember=False)
    client.delete_cookie("session")
    assert client.get("/home").status_code == 302


def test_wrong_passwords_slow_down_further_tries(client, auth, ent):
    start = datetime(2026, 3, 1, 2, 0)
    with clock.frozen(start):
        for _ in range(services.FREE_FAILURES):
            assert auth.login(ent.worker, password="wrong").status_code == 400
        # Even the right password now waits.
        response = auth.login(ent.worker)
        assert response.status_code == 429
        assert "秒后再试" in response.get_data(as_text=True)
    with clock.frozen(start + timedelta(seconds=services.FIRST_DELAY_SECONDS + 1)):
        assert auth.login(ent.worker).status_code == 302


def test_the_delay_doubles(app, ent):
    start = datetime(2026, 3, 1, 2, 0)
    with clock.frozen(start):
        for _ in range(services.FREE_FAILURES):
            services.authenticate(ent.enterprise, ent.worker.employee_no, "wrong", None)
        waits = []
        for _ in range(3):
            waits.append(services.seconds_to_wait(ent.enterprise.id, ent.worker.employee_no))
            clock.freeze(clock.now() + timedelta(seconds=waits[-1]))
            assert services.authenticate(ent.enterprise, ent.worker.employee_no, "wrong",
                                         None).error == "bad_credentials"
    assert waits == [30, 60, 120]


def test_deactivated_user_cannot_log_in_and_is_logged_out(client, auth, ent):
    auth.login(ent.worker)
    ent.worker.active = False
    db.session.commit()
    assert client.get("/home").status_code == 302
    assert auth.login(ent.worker).status_code == 400


def test_two_enterprises_need_the_code(client, ent):
    other = factories.make_enterprise(code="other")
    twin = factories.make_user(other, Role.WORKER, employee_no=ent.worker.employee_no,
                               mobile="13700000000")
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    assert 'name="enterprise_code"' in page
    response = client.post("/login", data={"enterprise_code": "other",
                                           "identifier": twin.employee_no,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["_user_id"] == str(twin.id)


def test_next_only_goes_to_this_site(client, ent):
    response = client.post("/login?next=//evil.example/x",
                           data={"identifier": ent.worker.employee_no, "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/home")
