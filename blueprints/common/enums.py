"""Enums whose members carry their label, and the column type that stores them."""
from enum import StrEnum

import sqlalchemy as sa
from wtforms import SelectChoice


class LabelledEnum(StrEnum):
    """Members are written `NAME = "value", _l("Label")`, with a CSS class as a third item
    where the member has one. A member is a str equal to its value, so forms, JSON and
    templates see the same strings as before."""

    def __new__(cls, value: str, label, css: str = ""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.css = css
        return member

    @classmethod
    def lookup(cls, value):
        """The member whose value this is, or None (for input still to be checked)."""
        return cls._value2member_map_.get(value)

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        """A select's options: the value posted, the label shown."""
        return [SelectChoice(member.value, member.label) for member in cls]


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


def stored_as(enum_class: type[StrEnum], length: int) -> sa.Enum:
    """A column of the enum's values in a VARCHAR(length), read back as members. A string
    that is no member's value is refused at flush (LookupError), not stored. No CHECK
    constraint: the schema stays the plain VARCHAR it was."""
    return sa.Enum(enum_class, native_enum=False, values_callable=_values, length=length,
                   validate_strings=True)
