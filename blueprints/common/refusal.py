"""One way to refuse. A service that will not do what it is asked raises Refused (or its
area's subclass) before anything is written; the view rolls back and shows it with show()
on the form the user sent, with error_page() where there is none, or with as_json() to
the phone."""
from collections.abc import Iterable, Mapping

from flask import g, jsonify, render_template, request


class Refused(Exception):
    """Nothing was changed. `message` is for the user, in their language (lazy_gettext
    where it is made at import time); `field` names the form field it is about (None: the
    form as a whole); `status` is the answer: 400 bad input, 403 not allowed, 404 not
    known, 409 changed meanwhile. `errors` holds every (field, message) of a refusal that
    names several at once (Refused.many); the first is `message` and `field`."""

    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status
        self.errors: list[tuple[str | None, object]] = [(field, message)]

    @classmethod
    def many(cls, errors: Mapping | Iterable[tuple[str | None, object]], status: int = 400):
        """One refusal of several messages: {field: message} or (field, message) pairs."""
        pairs = list(errors.items() if isinstance(errors, Mapping) else errors)
        refused = cls(pairs[0][1], pairs[0][0], status)
        refused.errors = pairs
        return refused

    @property
    def messages(self) -> list:
        return [message for _field, message in self.errors]


def status(refused: Refused | None = None) -> int:
    """The status of a form page: the refusal's (given, or the one show() put on the page);
    else 400 when a POST comes back to its form (a valid one has redirected), else 200."""
    refused = refused or g.get("shown_refusal")
    if refused is not None:
        return refused.status
    return 400 if request.method == "POST" else 200


def show(form, refused: Refused | None = None) -> int:
    """Puts each message of the refusal next to the field it names on a WTForms form (one
    it does not name, among the form's own errors) and returns the status to answer with.
    Without a refusal only the status: 400 for a POST whose form did not validate. Call it
    before the form is rendered."""
    if refused is not None:
        g.shown_refusal = refused
    for name, message in refused.errors if refused is not None else ():
        if name and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)
    return status(refused)


def error_page(refused: Refused):
    """The refusal as a page of its own, where there is no form to show it on (not allowed,
    changed meanwhile)."""
    return render_template("error.html", code=refused.status, message=refused.message), refused.status


def as_json(refused: Refused, **extra):
    """The refusal for /api/v1: {"error": message, "field": field, "errors": {field:
    message}} (every named field of it, so that the phone knows which input to redo)."""
    return jsonify(error=str(refused.message), field=refused.field,
                   errors={name: str(message) for name, message in refused.errors if name},
                   **extra), refused.status
