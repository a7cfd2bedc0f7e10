"""The one way to refuse: Refused, shown on a form or as JSON, in the user's language."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from blueprints.common import refusal
from blueprints.common.refusal import Refused


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()
    code = StringField()


def test_a_refusal_is_shown_on_its_field_and_answers_400(app):
    """Is the message put on the field it names, in Chinese, and the POST answered 400?"""
    with app.test_request_context("/", method="POST", data={"name": "x"}):
        form = NameForm()
        status = refusal.show(form, Refused(_l("Please enter a name."), "name"))
        assert status == 400
        assert [str(m) for m in form.name.errors] == ["请输入名称。"]
        assert form.code.errors == () and form.form_errors == []


def test_a_refusal_of_no_field_goes_to_the_form_and_keeps_its_status(app):
    """Does a refusal naming no field (or one the form lacks) go among the form's own
    errors, and a 403 or 409 stay so?"""
    with app.test_request_context("/", method="POST"):
        form = NameForm()
        assert refusal.show(form, Refused(_l("You may not do this."), status=403)) == 403
        assert refusal.show(form, Refused("changed meanwhile", "nosuchfield", status=409)) == 409
        assert [str(m) for m in form.form_errors] == ["您无权进行此操作。", "changed meanwhile"]


def test_several_refusals_at_once_are_one_refusal(app):
    """Does Refused.many carry a message per field, each shown on its own field?"""
    with app.test_request_context("/", method="POST"):
        form = NameForm()
        refused = Refused.many({"name": "名称已被使用", "code": "编码已被使用", None: "整体"})
        assert isinstance(refused, Refused) and refused.field == "name"
        assert refused.messages == ["名称已被使用", "编码已被使用", "整体"]
        assert refusal.show(form, refused) == 400
        assert form.name.errors == ["名称已被使用"] and form.code.errors == ["编码已被使用"]
        assert form.form_errors == ["整体"]


def test_without_a_refusal_a_post_that_comes_back_answers_400(app):
    """Is a form page answered 200 for a GET and 400 for a POST whose form did not validate?"""
    with app.test_request_context("/", method="GET"):
        assert refusal.show(NameForm()) == 200
    with app.test_request_context("/", method="POST"):
        assert refusal.show(NameForm()) == 400


def test_a_refusal_as_json_names_its_field(app):
    """Is a refusal for /api/v1 answered with its status and {"error", "field"}, translated?"""
    with app.test_request_context("/api/v1/outbox", method="POST"):
        response, status = refusal.as_json(
            Refused(_l("The photo is empty."), "photo", status=409), client_uuid="c-1")
        assert status == 409
        assert response.json == {"error": "照片为空。", "field": "photo",
                                 "errors": {"photo": "照片为空。"}, "client_uuid": "c-1"}
        response, status = refusal.as_json(Refused(_l("You may not do this."), status=403))
        assert status == 403 and response.json["field"] is None
        assert response.json["error"] == "您无权进行此操作。" and response.json["errors"] == {}
