"""Template filters: maxlength and data-limit from the forms' own validators."""

import re

import pytest
from wtforms import StringField

from poll.admin.forms.moderation import ModerationForm
from poll.debate.forms import COMMENT_MAX_LENGTH, DISPLAY_NAME_MAX_LENGTH, CommentForm
from poll.debate.moderation import REASON_MAX_LENGTH
from poll.web.template_filters import max_length


def test_max_length_reads_the_limit_of_unbound_and_bound_fields(app):
    assert max_length(CommentForm.body) == COMMENT_MAX_LENGTH
    assert max_length(CommentForm.display_name) == DISPLAY_NAME_MAX_LENGTH
    assert max_length(ModerationForm.reason) == REASON_MAX_LENGTH
    with app.test_request_context():
        assert max_length(CommentForm(meta={"csrf": False}).body) == COMMENT_MAX_LENGTH


def test_a_field_without_a_maximum_is_an_error_not_a_silent_limit():
    with pytest.raises(ValueError, match="no Length or LimitWithoutCutting validator"):
        max_length(StringField("Anything"))


def test_the_reply_form_takes_its_counter_limit_from_the_form_and_cuts_nothing(
    app, client, debate_poll, make_comment
):
    from poll.database.models import COMMENT_APPROVED, Comment
    from poll.extensions import db

    parent = make_comment("Talks first.", voter="p" * 32)
    with app.app_context():
        db.session.get(Comment, parent).status = COMMENT_APPROVED
        db.session.commit()
    page = client.get(f"/polls/{debate_poll}/comments/{parent}").get_data(as_text=True)
    reply = page.split('class="reply-form"')[1].split("</form>")[0]
    assert {int(n) for n in re.findall(r'data-limit="(\d+)"', reply)} == {COMMENT_MAX_LENGTH}
    assert "maxlength" not in reply  # the browser would cut a long paste without a word
