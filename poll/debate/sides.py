"""The debate's sides: which side a comment is filed under, what each side is headed, and the
order the sides are shown in today.

A comment is filed under the side its author voted for (``Choice.side``,
headed by ``Choice.side_heading`` or "For: <label>"); a comment without a vote,
or with a vote for a neutral answer, goes under "Other views". That is exact
by construction. The tagger's stance is a moderator's tool: readers see a side
argued only where a moderator set or confirmed it, in "How the debate splits"
(poll.debate.split).

Fairness: no side is always shown first. The sides' order turns by one place
a day, starting from a different side on each poll, and the "all sides" view
(poll.debate.reading) interleaves them one comment at a time in that order, so
a phone never shows a run of one side before the first comment of the other.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import ColumnElement, case, func

from poll.database.models import Poll
from poll.debate.stance_heads import poll_sides
from poll.vocabulary import NEUTRAL


@dataclass(frozen=True)
class Side:
    key: str
    heading: str
    # The label of the choice that names the side ("" for other views).
    label: str = ""


def side_key(choice) -> ColumnElement[str]:
    """SQL: the side a vote for the (aliased) ``choice`` stands for."""
    return func.coalesce(choice.side, choice.key)


def side_heading(poll: Poll, key: str) -> str:
    if key == NEUTRAL:
        return gettext("Other views (no vote, or a neutral answer)")
    choice = poll.choice_by_key(key)
    if choice is None:  # map_sides keeps sides to choice keys; this only guards old rows
        return key.replace("_", " ").capitalize()
    return choice.side_heading or gettext("For: %(choice)s", choice=choice.label)


def side_order(poll: Poll, today: date) -> list[Side]:
    """The poll's sides, turned by one place a day (from a poll-dependent start), then "other views"."""
    keys = list(poll_sides(poll))
    if keys:
        turn = (today.toordinal() + poll.id) % len(keys)
        keys = keys[turn:] + keys[:turn]
    return [side_for(poll, key) for key in (*keys, NEUTRAL)]


def side_for(poll: Poll, key: str) -> Side:
    choice = poll.choice_by_key(key) if key != NEUTRAL else None
    return Side(key, side_heading(poll, key), choice.label if choice else "")


def side_lane(poll_side_keys: list[str], author):
    """SQL: the side a comment is filed under: its author's vote's."""
    value = side_key(author)
    return case((value.in_(poll_side_keys), value), else_=NEUTRAL)
