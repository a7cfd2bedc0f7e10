"""Inbox rows, delivery claims for the other channels, push subscriptions, group robots
and each enterprise's escalation times."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blueprints.common.enums import LabelledEnum, stored_as
from blueprints.common.extensions import db
from blueprints.common.model_helpers import created_at, enterprise_fk
from blueprints.org.models import Department, User


class Notification(db.Model):
    """One line of a user's inbox: the record of who was told what and when. The unique
    key is the claim of the inbox channel: a rung reaches a person's inbox once."""
    # Named short: the conventional name would pass PostgreSQL's 63-character limit.
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "rung", "occurrence",
                                       "user_id", name="uq_notification_claim"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    rung: Mapped[str] = mapped_column(String(40))
    occurrence: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    created_at: Mapped[datetime] = created_at()
    read_at: Mapped[datetime | None]


class DeliveryStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting")
    SENDING = "sending", _l("Sending")
    RETRY = "retry", _l("Will retry")
    SENT = "sent", _l("Sent"), "state-done"
    FAILED = "failed", _l("Failed"), "state-failed"
    SKIPPED = "skipped", _l("Nothing to send to")


class Delivery(db.Model):
    """A claim to send one rung to one recipient over one channel (a person for Web Push,
    a group robot for the robots), made under the unique key before anything is sent,
    and then its log: attempts, last error, when it went out."""
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "rung", "occurrence",
                                       "recipient_id", "channel", name="uq_delivery_claim"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    rung: Mapped[str] = mapped_column(String(40))
    occurrence: Mapped[str] = mapped_column(String(40), default="")
    recipient_id: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    # {title, body, url, urgency, mobiles}: what is sent, so a retry sends the same.
    payload: Mapped[dict] = mapped_column(db.JSON, default=dict)
    status: Mapped[DeliveryStatus] = mapped_column(stored_as(DeliveryStatus, 10),
                                                   default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = created_at()
    # Targets already reached (push subscription ids), so a retry does not repeat them.
    done_targets: Mapped[list] = mapped_column(db.JSON, default=list)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at()
    sent_at: Mapped[datetime | None]


class PushSubscription(db.Model):
    """One browser on one device that accepted Web Push."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    device: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = created_at()
    last_sent_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


class RobotPlatform(LabelledEnum):
    WECOM = "wecom", _l("WeCom")
    DINGTALK = "dingtalk", _l("DingTalk")
    FEISHU = "feishu", _l("Feishu")


class RobotWebhook(db.Model):
    """The webhook of an enterprise's (or a department's) safety group chat. The signing
    secret is kept encrypted: it is needed to sign, so it cannot be hashed."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = enterprise_fk()
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    platform: Mapped[RobotPlatform] = mapped_column(stored_as(RobotPlatform, 10))
    name: Mapped[str] = mapped_column(String(100), default="")
    url: Mapped[str] = mapped_column(String(500))
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = created_at()
    department: Mapped[Department | None] = relationship()


class EscalationSettings(db.Model):
    """An enterprise's ladder times; without a row the defaults below apply."""
    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id"), unique=True)
    remind_before_hours: Mapped[int] = mapped_column(default=24)
    director_after_hours: Mapped[int] = mapped_column(default=24)
    unassigned_officer_hours: Mapped[int] = mapped_column(default=4)
    unassigned_director_hours: Mapped[int] = mapped_column(default=24)
    verify_director_hours: Mapped[int] = mapped_column(default=24)
    check_dept_head_hours: Mapped[int] = mapped_column(default=8)
