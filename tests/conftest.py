import pytest
from flask import current_app
from flask.testing import FlaskClient

from app import create_app
from blueprints.common import clock
from blueprints.common.extensions import db
from tests import factories
from tests.factories_training import make_lesson


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
    """Each request runs in its own app context, as in production: its own database session
    (closed at the end, so whatever the view did not commit is lost) and its own `g`.
    Before it, the test's session ends its transaction, so that the test reads back through
    a fresh one what the request committed, and nothing the test left uncommitted."""

    def open(self, *args, **kwargs):
        db.session.rollback()
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _test_connection_bind(flask_get_bind):
    """Flask-SQLAlchemy picks the engine by itself; a test's sessions use its connection."""

    def get_bind(session, *args, **kwargs):
        connection = current_app.extensions.get("test_connection")
        return connection if connection is not None else flask_get_bind(session, *args, **kwargs)
    return get_bind


def _app_with_schema(path):
    app = make_test_app(path)
    app.test_client_class = RequestClient
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def _shared_app(tmp_path_factory):
    """One app and one schema per run; each test works inside a transaction that is rolled
    back at its end. A session's commit only releases a SAVEPOINT in it."""
    app = _app_with_schema(tmp_path_factory.mktemp("db"))
    session_class = db.session.session_factory.class_
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session_class, "get_bind", _test_connection_bind(session_class.get_bind))
        patch.setitem(db.session.session_factory.kw, "join_transaction_mode", "create_savepoint")
        yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(request, tmp_path):
    """The app on a database that starts empty. Tests marked `file_database` get a fresh app
    and file with real commits (threads, several connections); the others share one app
    and schema and are rolled back. Its config is restored after each test; anything else
    a test changes on the app it undoes itself (monkeypatch)."""
    if request.node.get_closest_marker("file_database"):
        app = _app_with_schema(tmp_path)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    else:
        app = request.getfixturevalue("_shared_app")
        config = dict(app.config)
        app.config["PHOTO_DIR"] = str(tmp_path / "photos")
        with app.app_context():
            connection = db.engine.connect()
            transaction = connection.begin()
            app.extensions["test_connection"] = connection
            try:
                yield app
            finally:
                db.session.remove()
                del app.extensions["test_connection"]
                transaction.rollback()
                connection.close()
                app.config.clear()
                app.config.update(config)
    clock.freeze(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ent(app):
    """A small enterprise with one of each role (see factories.standard_enterprise)."""
    return factories.standard_enterprise()


@pytest.fixture
def lesson(ent):
    """The safety officer's first lesson after a holiday (factories_training.QUESTIONS), saved."""
    version = make_lesson(ent.safety_officer)
    db.session.commit()
    return version


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
