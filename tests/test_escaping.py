"""Is user text inside a translated message escaped on output?"""
from flask import render_template_string
from flask_babel import lazy_gettext as _l


def test_user_text_inside_a_lazy_message_is_escaped(app):
    with app.test_request_context():
        message = _l("Hello, %(name)s", name="<script>alert(1)</script>")
        html = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
