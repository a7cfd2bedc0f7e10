"""Zicha (安全自查): the app factory."""
import os
from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints import models  # noqa: F401  (every table known to Alembic)
from blueprints.auth import session as auth_session
from blueprints.auth.routes import bp as auth_bp
from blueprints.briefings.routes import bp as briefings_bp
from blueprints.common import cli, sqlite_setup, web
from blueprints.common.extensions import babel, compress, csrf, db, login_manager, migrate
from blueprints.common.inputs import IdConverter
from blueprints.dashboard.routes import bp as dashboard_bp
from blueprints.demo import cli as demo_cli
from blueprints.hazards.routes import bp as hazards_bp
from blueprints.inspections.routes import bp as inspections_bp
from blueprints.notifications import cli as notifications_cli
from blueprints.notifications import services as notifications
from blueprints.notifications.routes import bp as notifications_bp
from blueprints.org.routes import bp as org_bp
from blueprints.photos import cli as photos_cli
from blueprints.photos.routes import bp as photos_bp
from blueprints.photos.services import prepare_uploads
from blueprints.reporting.routes import bp as reporting_bp
from blueprints.risk_points.routes import bp as risk_points_bp
from blueprints.summaries.routes import bp as summaries_bp
from blueprints.sync.routes import bp as sync_bp
from blueprints.training.routes import bp as training_bp


def _read_instance_secret(instance: Path, name: str) -> str | None:
    path = instance / name
    return path.read_text().strip() if path.exists() else None


def _default_config(app: Flask) -> dict:
    instance = Path(app.instance_path)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _read_instance_secret(instance, "secret_key"),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance / 'zicha.db'}",
        "PHOTO_DIR": os.environ.get("PHOTO_DIR") or str(instance / "photos"),
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        # A weak signal is the usual case: compress pages and static files.
        "COMPRESS_MIN_SIZE": 500,
        # Tied to the session, not to an hour: a check form opened at the start of a
        # walk-round is sent hours later, and a queued offline submission may wait days
        # for a signal; an expired token would refuse that work.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": os.environ.get("COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SECURE": os.environ.get("COOKIE_SECURE", "0") == "1",
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "blueprints" / "translations"),
        # Public base URL printed on QR labels; defaults to the request's host.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", ""),
        # Host names the app answers to (comma-separated; ".example.cn" covers subdomains):
        # another Host header gets a 400, so it never ends up in a link. Unset: any host.
        "TRUSTED_HOSTS": [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",")
                          if host.strip()] or None,
        # How many reverse proxies (nginx, a load balancer) stand before the app. Only
        # their X-Forwarded-For entries are believed: the client address that logins are
        # slowed down by. 0: none, and the header is ignored (anyone could forge it).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # A scan kept on a phone longer than this no longer proves presence.
        "OFFLINE_SCAN_MAX_AGE_HOURS": int(os.environ.get("OFFLINE_SCAN_MAX_AGE_HOURS", "72")),
        # Web Push: keys from the environment, else made by `flask bootstrap` in instance/.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY")
        or _read_instance_secret(instance, "vapid_private.pem"),
        "VAPID_PUBLIC_KEY": os.environ.get("VAPID_PUBLIC_KEY")
        or _read_instance_secret(instance, "vapid_public.txt"),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:safety@zicha.invalid"),
        # A day: a phone that is off for the night still gets the message (0 would drop it).
        "PUSH_TTL_SECONDS": 24 * 3600,
        "PUSH_TIMEOUT_SECONDS": 10,
        # The server calls out only to these hosts (tests add their local endpoint).
        "PUSH_ENDPOINT_ALLOWLIST": ["fcm.googleapis.com", "updates.push.services.mozilla.com",
                                    "*.notify.windows.com", "web.push.apple.com",
                                    "*.push.apple.com"],
        "ROBOT_HOST_ALLOWLIST": ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn",
                                 "open.larksuite.com"],
    }


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond 64 bits are 404
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(_default_config(app))
    if config:
        app.config.update(config)
    if app.config["TRUSTED_PROXIES"]:
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    compress.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    # Before anything that queries (the login check loads the user): photos are decoded
    # before a write request takes SQLite's write lock, not while holding it.
    app.before_request(prepare_uploads)
    babel.init_app(app, locale_selector=web.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    with app.app_context():
        sqlite_setup.configure(db.engine)

    for bp in (auth_bp, dashboard_bp, org_bp, risk_points_bp, inspections_bp,
               hazards_bp, photos_bp, notifications_bp, sync_bp, briefings_bp, training_bp,
               reporting_bp, summaries_bp):
        app.register_blueprint(bp)
    for commands in (cli, demo_cli, photos_cli, notifications_cli):
        commands.register(app)
    notifications.listen()
    auth_session.register(app)
    web.register(app)
    return app
