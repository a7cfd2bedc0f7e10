import pytest
from flask import g
from flask.testing import FlaskClient

from app import create_app
from blueprints.common import clock
from blueprints.common.extensions import db
from tests import factories


def make_test_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "PHOTO_DIR": str(tmp_path / "photos"),
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


class RequestClient(FlaskClient):
    """Tests hold one app context for the whole test, so every request shares the test's
    database session. Flask-Login caches the user in `g` there: forget it before each
    request, as a new context would. And end each request by dropping whatever it left
    uncommitted, as a real request's end does: a view that forgets its commit then loses
    its change in the test too, instead of it looking saved."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            db.session.rollback()


@pytest.fixture
def app(tmp_path):
    """A fresh database per test; create_all is for tests only (migrations elsewhere)."""
    app = make_test_app(tmp_path)
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
    clock.freeze(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ent(app):
    """A small enterprise with one of each role (see factories.standard_enterprise)."""
    return factories.standard_enterprise()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user, password=factories.PASSWORD, remember=False, **extra):
        data = {"identifier": user.employee_no, "password": password, **extra}
        if remember:
            data["remember"] = "y"
        return self._client.post("/login", data=data)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
