"""Who may do what: each area states one table for its kind of record (a Table: the
records a user sees, as one SQL condition, and per action a Rule of who and when), and
`can(user, action, thing)` asks the table of the thing's kind. Views, services,
templates, the escalation ladder and the outbox all ask through it."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from blueprints.common.predicates import holds
from blueprints.common.refusal import Refused

NOT_ALLOWED = _l("You may not do this.")


@dataclass(frozen=True)
class Rule:
    who: Callable[[Any, Any], bool]
    when: Callable[[Any], bool]
    refused: object = ""          # why `when` fails, for the user
    denied: object = NOT_ALLOWED  # why `who` fails, for the user


def anyone(_user, _thing) -> bool:
    return True


def always(_thing) -> bool:
    return True


@dataclass
class Table:
    """seen_by(user): the condition a list filters by, and through holds() the check of one
    record: seeing it is required for every action on top of the rule's `who`. A refused
    `who` raises denied(message), a refused `when` raises invalid(message)."""
    seen_by: Callable[[Any], Any]
    rules: dict[str, Rule]
    denied: Callable[..., Refused] = lambda message: Refused(message, status=403)
    invalid: Callable[..., Refused] = lambda message: Refused(message, status=409)

    def sees(self, user, thing) -> bool:
        return holds(self.seen_by(user), thing)

    def may(self, user, action: str, thing) -> bool:
        """Whether the user's role and relation to the thing allow the action (its state aside)."""
        return self.sees(user, thing) and self.rules[action].who(user, thing)

    def can(self, user, action: str, thing) -> bool:
        return self.may(user, action, thing) and self.rules[action].when(thing)

    def check(self, user, action: str, thing) -> None:
        """Raises the table's refusal with the user's reason."""
        rule = self.rules[action]
        if not self.may(user, action, thing):
            raise self.denied(rule.denied)
        if not rule.when(thing):
            raise self.invalid(rule.refused)


TABLES: dict[type, Table] = {}


def table_for(model: type, table: Table) -> Table:
    """Registers the area's table for its kind of record."""
    TABLES[model] = table
    return table


def can(user, action: str, thing) -> bool:
    return TABLES[type(thing)].can(user, action, thing)


def check(user, action: str, thing) -> None:
    TABLES[type(thing)].check(user, action, thing)
