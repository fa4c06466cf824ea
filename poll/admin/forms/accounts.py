"""Logging in."""

from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired

from poll.web.field_rules import (
    LimitWithoutCutting,
    strip_whitespace,
)


class LoginForm(FlaskForm):
    username = StringField(
        "Name",
        filters=[strip_whitespace],
        validators=[DataRequired("Please enter your name."), LimitWithoutCutting(50, "name")],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Please enter your password."), LimitWithoutCutting(200, "password")],
    )
