"""Inbox, the push control and devices, group robots, ladder times and the delivery log."""
from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.common import refusal
from blueprints.common.access import get_owned, roles_required
from blueprints.common.extensions import db
from blueprints.common.inputs import row_id
from blueprints.common.web import render
from blueprints.notifications import escalation, services
from blueprints.notifications.models import Notification, PushSubscription, RobotPlatform, RobotWebhook
from blueprints.org.models import Department, Role

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

MANAGERS = (Role.ADMIN, Role.SAFETY_DIRECTOR)
managers_only = roles_required(*MANAGERS)


@bp.app_context_processor
def bell_count():
    def unread():
        return services.unread_count(current_user) if current_user.is_authenticated else 0
    return {"notifications_unread": unread}


@bp.route("")
def inbox():
    return render("notifications/inbox.html", items=services.inbox_for(current_user))


@bp.route("/bell")
def bell():
    return render("notifications/_bell.html", "notifications/_bell.html")


def _own(notification_id: int) -> Notification:
    row = get_owned(Notification, notification_id)
    if row.user_id != current_user.id:
        abort(404)
    return row


@bp.route("/<int:notification_id>")
def open_notification(notification_id: int):
    """Tapping a line marks it read and opens its hazard."""
    row = _own(notification_id)
    services.mark_read(row)
    db.session.commit()
    return redirect(row.url if row.url.startswith("/") else url_for(".inbox"))


@bp.route("/read-all", methods=["POST"])
def read_all():
    services.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for(".inbox"))


@bp.route("/settings")
def settings():
    return render("notifications/settings.html", devices=services.devices(current_user),
                  vapid_public_key=current_app.config.get("VAPID_PUBLIC_KEY") or "",
                  robots=services.robots(current_user.enterprise_id),
                  is_manager=current_user.has_role(*MANAGERS))


@bp.route("/push/subscribe", methods=["POST"])
def subscribe():
    try:
        row = services.subscribe(current_user, request.get_json(silent=True) or {},
                                 services.device_name(request.headers.get("User-Agent", "")))
    except services.NotificationError as refused:
        db.session.rollback()
        return refusal.as_json(refused)
    db.session.commit()
    return jsonify(id=row.id, device=row.device), 201


@bp.route("/push/<int:subscription_id>/delete", methods=["POST"])
def turn_off_device(subscription_id: int):
    row = get_owned(PushSubscription, subscription_id)
    if row.user_id != current_user.id:
        abort(404)
    db.session.delete(row)
    db.session.commit()
    flash(_("Notifications turned off on %(device)s.", device=row.device), "success")
    return redirect(url_for(".settings"))


def _robots_page(errors=(), form=None, status=200):
    departments = db.session.scalars(db.select(Department).where(
        Department.enterprise_id == current_user.enterprise_id, Department.active.is_(True))
        .order_by(Department.name)).all()
    return render("notifications/robots.html", robots=services.robots(current_user.enterprise_id),
                  platforms=list(RobotPlatform), departments=departments, errors=errors,
                  form=form or {}), status


@bp.route("/robots", methods=["GET", "POST"])
@managers_only
def robots():
    if request.method == "GET":
        return _robots_page()
    form = request.form
    department_id = form.get("department_id", type=row_id)
    if department_id is not None:
        get_owned(Department, department_id)
    try:
        services.add_robot(current_user.enterprise_id, services.RobotData(
            platform=form.get("platform", ""), url=form.get("url", ""), name=form.get("name", ""),
            department_id=department_id, secret=form.get("secret", "")))
    except services.NotificationError as refused:
        db.session.rollback()
        return _robots_page(refused.messages, form, refused.status)
    db.session.commit()
    flash(_("Saved. Send a test message to check it."), "success")
    return redirect(url_for(".robots"))


@bp.route("/robots/<int:robot_id>/test", methods=["POST"])
@managers_only
def test_robot(robot_id: int):
    error = services.test_robot(get_owned(RobotWebhook, robot_id), current_user)
    if error:
        flash(_("The group did not accept the test message: %(error)s", error=error), "error")
    else:
        flash(_("Test message sent. Look in the group chat."), "success")
    return redirect(url_for(".robots"))


@bp.route("/robots/<int:robot_id>/delete", methods=["POST"])
@managers_only
def delete_robot(robot_id: int):
    # Turned off, not deleted: the delivery log still names it.
    get_owned(RobotWebhook, robot_id).active = False
    db.session.commit()
    flash(_("Robot removed."), "success")
    return redirect(url_for(".robots"))


LADDER_FIELDS = ("remind_before_hours", "director_after_hours", "unassigned_officer_hours",
                 "unassigned_director_hours", "verify_director_hours", "check_dept_head_hours")


@bp.route("/escalation", methods=["GET", "POST"])
@managers_only
def escalation_settings():
    row = escalation.settings_for(db.session, current_user.enterprise_id)
    if request.method == "POST":
        values = {name: request.form.get(name, type=int) for name in LADDER_FIELDS}
        if any(v is None or not 0 <= v <= 24 * 30 for v in values.values()):
            return render("notifications/escalation.html", row=row, fields=LADDER_FIELDS,
                          errors=[_("Enter whole hours from 0 to 720.")], form=request.form), 400
        if row.id is None:
            db.session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".escalation_settings"))
    return render("notifications/escalation.html", row=row, fields=LADDER_FIELDS, errors=[],
                  form={})


@bp.route("/log")
@managers_only
def delivery_log():
    return render("notifications/log.html", items=services.deliveries(current_user.enterprise_id))
