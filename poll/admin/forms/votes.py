"""Voiding a burst of votes and restoring it."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
)

from poll.admin.forms.common import reason_field
from poll.web.field_rules import (
    single_value,
)
from poll.web.row_ids import row_id


class VoidBurstForm(FlaskForm):
    """Void one burst listed on the dashboard, named by its first vote."""

    # A hidden id as a number; anything else None (the view answers that the burst is unknown).
    burst = HiddenField(filters=[row_id], validators=[single_value])
    reason = reason_field("Please say why these votes should not count.")


class RestoreVotesForm(FlaskForm):
    reason = reason_field("Please say why these votes count again.")
