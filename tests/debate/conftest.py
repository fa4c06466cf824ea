"""Shared fixtures of the debate tests: an app context, and two post-moderated polls."""

import pytest

from poll.database.models import MODERATION_POST


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def car_free(make_poll):
    """A poll without a stance model: Yes/No (and a neutral "Not sure")."""
    slug = make_poll(
        slug="car-free-centre",
        moderation_mode=MODERATION_POST,
        question="Should the town centre be car-free?",
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    )
    return slug


@pytest.fixture
def article(make_poll):
    """A post-moderated poll with the shipped head's sides."""
    return make_poll(
        slug="article",
        moderation_mode=MODERATION_POST,
        choices=[("military", "Military"), ("diplomacy", "Diplomacy"), ("undecided", "Undecided")],
    )


@pytest.fixture
def open_debate(make_poll):
    """A post-moderated poll with the shipped head's sides."""
    return make_poll(
        slug="open-debate",
        moderation_mode=MODERATION_POST,
        choices=[("military", "Military"), ("diplomacy", "Diplomacy"), ("undecided", "Undecided")],
    )
