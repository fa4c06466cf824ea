"""Logging in."""

from flask_wtf import FlaskForm
from wtforms import (
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from poll.web.field_rules import (
    strip_whitespace,
)


class LoginForm(FlaskForm):
    username = StringField(
        "Name",
        filters=[strip_whitespace],
        validators=[DataRequired("Please enter your name."), Length(max=50)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=200)]
    )
