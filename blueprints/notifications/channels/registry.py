"""The channels the escalation pass rings, by name."""
from blueprints.notifications.channels import robot, webpush
from blueprints.notifications.channels.base import Channel


def all_channels() -> list[Channel]:
    return [webpush.CHANNEL, robot.CHANNEL]


def by_name(name: str) -> Channel:
    return {channel.name: channel for channel in all_channels()}[name]
