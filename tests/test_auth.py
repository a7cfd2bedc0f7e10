"""Login, remember-me, slowing of guessers, and enterprise isolation at the door."""
from datetime import datetime, timedelta

import pytest
from werkzeug import security

from blueprints.auth import services
from blueprints.common import clock
from blueprints.common.extensions import db
from blueprints.common.refusal import Refused
from blueprints.org.models import Role
from tests import factories
from tests.conftest import RequestClient, make_test_app

WRONG, SLOWED = 400, 429  # the statuses of a wrong password and of a client made to wait


def refused(*args) -> Refused:
    """The refusal of services.authenticate(*args)."""
    with pytest.raises(Refused) as refusal:
        services.authenticate(*args)
    return refusal.value


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


def test_a_successful_login_forgets_the_earlier_wrong_passwords(client, auth, ent):
    """After a few wrong passwords and then the right one, does the next typo start the
    count afresh instead of slowing the owner down?"""
    for _ in range(services.FREE_FAILURES - 1):
        assert auth.login(ent.worker, password="wrong").status_code == 400
    assert auth.login(ent.worker).status_code == 302
    auth.logout()
    assert auth.login(ent.worker, password="wrong").status_code == 400
    assert auth.login(ent.worker).status_code == 302


def test_the_delay_doubles(app, ent):
    start = datetime(2026, 3, 1, 2, 0)
    with clock.frozen(start):
        for _ in range(services.FREE_FAILURES):
            refused(ent.enterprise, ent.worker.employee_no, "wrong", None)
        waits = []
        for _ in range(3):
            waits.append(services.seconds_to_wait(ent.enterprise.id, ent.worker.employee_no, None))
            clock.freeze(clock.now() + timedelta(seconds=waits[-1]))
            assert refused(ent.enterprise, ent.worker.employee_no, "wrong", None).status == WRONG
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
        assert session["_user_id"] == twin.get_id()


def test_next_only_goes_to_this_site(client, ent):
    response = client.post("/login?next=//evil.example/x",
                           data={"identifier": ent.worker.employee_no, "password": factories.PASSWORD})
    assert response.headers["Location"].endswith("/home")


# --- ending sessions ------------------------------------------------------------------------

def _logout(client, auth, ent):
    auth.logout()


def _change_own_password(client, auth, ent):
    assert client.post("/account", data={"current": factories.PASSWORD, "new": "new-secret-1",
                                         "confirm": "new-secret-1"}).status_code == 302


def _admin_resets_password(client, auth, ent):
    auth.logout()
    auth.login(ent.admin)
    assert client.post(f"/org/users/{ent.worker.id}/password",
                       data={"password": "new-secret-1"}).status_code == 302


def _admin_deactivates_and_reactivates(client, auth, ent):
    auth.logout()
    auth.login(ent.admin)
    for active in ("0", "1"):
        assert client.post(f"/org/users/{ent.worker.id}/state",
                           data={"active": active}).status_code == 302


@pytest.mark.parametrize("end", [_logout, _change_own_password, _admin_resets_password,
                                 _admin_deactivates_and_reactivates])
def test_copied_cookies_stop_working_when_the_session_ends(app, client, auth, ent, end):
    """Do a copied session cookie and a copied remember-me cookie stop working after a
    logout, a password change, an admin's reset and a deactivation (even once reactivated)?"""
    auth.login(ent.worker, remember=True)
    copied = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    end(client, auth, ent)
    for name, value in copied.items():
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert thief.get("/home").status_code == 302, name
        assert thief.get("/api/v1/csrf").status_code == 401, name


def test_changing_ones_password_keeps_this_login(client, auth, ent):
    """Does the person who changed their password stay logged in on this phone?"""
    auth.login(ent.worker, remember=True)
    _change_own_password(client, auth, ent)
    assert client.get("/home").status_code == 200
    client.delete_cookie("session")
    assert client.get("/home").status_code == 200


# --- guessing ---------------------------------------------------------------------------------

GUESSER, OWNER = "203.0.113.9", "198.51.100.7"


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(app, ent):
    """After wrong passwords for the director's number from one client, is that client
    slowed down while the director, from his own phone, still gets in?"""
    number = ent.director.mobile
    with clock.frozen(datetime(2026, 3, 1, 2, 0)):
        for _ in range(services.FREE_FAILURES):
            assert refused(ent.enterprise, number, "wrong", GUESSER).status == WRONG
        assert refused(ent.enterprise, number, factories.PASSWORD, GUESSER).status == SLOWED
        assert services.authenticate(ent.enterprise, number, factories.PASSWORD, OWNER) == ent.director


def test_one_client_guessing_many_accounts_is_slowed(app, ent):
    """Does one client that tries a few passwords each on many accounts get slowed down
    (and only that client)?"""
    with clock.frozen(datetime(2026, 3, 1, 2, 0)):
        for n in range(services.ADDRESS_FREE_FAILURES):
            refused(ent.enterprise, f"X{n // 2}", "wrong", GUESSER)
        slowed = refused(ent.enterprise, ent.worker.employee_no, factories.PASSWORD, GUESSER)
        assert slowed.status == SLOWED
        with app.test_request_context():
            assert f"请等待 {services.FIRST_DELAY_SECONDS} 秒" in str(slowed.message)
        assert services.authenticate(ent.enterprise, ent.worker.employee_no, factories.PASSWORD,
                                     OWNER) == ent.worker


def _guess_then_log_in(client, user):
    """Five wrong passwords from the guesser, then the right one from the owner's phone."""
    for _ in range(services.FREE_FAILURES):
        client.post("/login", data={"identifier": user.employee_no, "password": "wrong"},
                    headers={"X-Forwarded-For": GUESSER})
    return client.post("/login", data={"identifier": user.employee_no,
                                       "password": factories.PASSWORD},
                       headers={"X-Forwarded-For": OWNER})


def test_the_client_address_comes_from_trusted_proxies_only(client, tmp_path):
    """Behind one trusted proxy, is the forwarded address the client's? Without one, is a
    forged X-Forwarded-For header ignored (so a guesser cannot pose as many clients)?"""
    (tmp_path / "proxied").mkdir()
    proxied = make_test_app(tmp_path / "proxied", TRUSTED_PROXIES=1)
    proxied.test_client_class = RequestClient
    with proxied.app_context():
        db.create_all()
        ent = factories.standard_enterprise()
        assert _guess_then_log_in(proxied.test_client(), ent.worker).status_code == 302
        db.session.remove()
    ent = factories.standard_enterprise()
    assert _guess_then_log_in(client, ent.worker).status_code == 429


@pytest.mark.parametrize("who", ["known", "unknown", "inactive"])
def test_every_login_name_costs_one_password_hash(app, ent, monkeypatch, who):
    """Does a wrong login cost one password hash whether the name is known, unknown or
    deactivated, so that the time taken does not tell which names exist?"""
    ent.worker2.active = False
    db.session.commit()
    identifier = {"known": ent.worker.employee_no, "unknown": "NOBODY",
                  "inactive": ent.worker2.employee_no}[who]
    hashes = []
    real_hash = security._hash_internal
    monkeypatch.setattr(security, "_hash_internal",
                        lambda *args: hashes.append(args[0]) or real_hash(*args))
    assert refused(ent.enterprise, identifier, "wrong", None).status == WRONG
    assert len(hashes) == 1
