"""Which stance head tags a poll's comments, and fitting a poll's own.

The shipped head reads the North Korea poll's sides (military, diplomacy);
it tags any poll whose choices include both. Any other poll gets no stance
(comments show "no stance model for this poll") until an admin has written
example arguments per side and moderators have corrected a few comments:
``flask tagger train SLUG`` (or the button on the poll's stance page) fits a
head from those rows, and the poll's new comments are tagged with it.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from poll.accounts import audit
from poll.database.models import Choice, Comment, Poll, PollStanceHead, StanceExample
from poll.extensions import db
from poll.vocabulary import MIN_POLL_ROWS, NEUTRAL, NO_STANCE_HEAD, STANCES, distinct_rows

SHIPPED_SIDES = ("military", "diplomacy")

MAX_EXAMPLE_LENGTH = 500
MAX_EXAMPLES_AT_ONCE = 50


class StanceTrainingError(ValueError):
    """The poll's rows cannot make a head yet; the message says why."""


def side_of(choice: Choice) -> str:
    """The stance a vote for ``choice`` stands for."""
    return choice.side or choice.key


def uses_shipped_head(poll: Poll) -> bool:
    return set(SHIPPED_SIDES) <= {side_of(choice) for choice in poll.choices}


def stance_labels(poll: Poll) -> tuple[str, ...]:
    """The stances a comment on ``poll`` can have: its sides and neutral."""
    if uses_shipped_head(poll):
        return STANCES
    sides = dict.fromkeys(side_of(choice) for choice in poll.choices if side_of(choice) != NEUTRAL)
    return (*sides, NEUTRAL)


def map_sides(poll: Poll, sides: dict[int, str], actor, now: datetime) -> None:
    """Set which side each choice stands for (by choice id): its own key,
    "neutral", or another choice's key. Audited."""
    keys = {choice.key for choice in poll.choices}
    before = {choice.key: side_of(choice) for choice in poll.choices}
    # Checked against the whole new mapping, not the old one, so that the order of the choices does not
    # decide whether a mapping is accepted.
    mapping = {choice.key: sides.get(choice.id) or side_of(choice) for choice in poll.choices}
    for choice in poll.choices:
        wanted = mapping[choice.key]
        if wanted != NEUTRAL and wanted not in keys:
            raise StanceTrainingError(f"'{wanted}' is not one of this poll's choices.")
        if wanted != NEUTRAL and wanted != choice.key and mapping[wanted] != wanted:
            raise StanceTrainingError(f"'{wanted}' stands for another side itself; choose a side of its own.")
        choice.side = None if wanted == choice.key else wanted
    after = {choice.key: side_of(choice) for choice in poll.choices}
    if len({side for side in after.values() if side != NEUTRAL}) < 2:
        raise StanceTrainingError("At least two choices must stand for different sides.")
    if before != after:
        audit.record(
            actor, "poll.map_sides", "poll", poll.slug, now, poll_id=poll.id, before=before, after=after
        )


def poll_sides(poll: Poll) -> tuple[str, ...]:
    """The stances that take a side (what a vote for the other side contradicts)."""
    return tuple(label for label in stance_labels(poll) if label != NEUTRAL)


def stored_head(poll_id: int) -> PollStanceHead | None:
    return db.session.get(PollStanceHead, poll_id)


def stance_head_for(poll: Poll):
    """What ``poll.tagging.tag_many`` takes as ``stance_head`` for this poll."""
    stored = stored_head(poll.id)
    return stance_head_from(poll, stored.head if stored is not None else None)


def stance_head_from(poll: Poll, stored: dict | None):
    """``stance_head_for`` from the poll's stored head (its JSON), already read (None: it has none)."""
    if stored is not None:
        # The tagger (numpy) is imported where a head is read, never by a page that only shows one.
        from poll.tagging.heads import HeadMismatch, LinearHead

        try:
            return LinearHead.from_json(stored)
        except HeadMismatch:
            # Fitted on an encoder this install no longer has: no stance until it is
            # trained again (`flask tagger train SLUG`), rather than a failed tagging task.
            return NO_STANCE_HEAD
    return None if uses_shipped_head(poll) else NO_STANCE_HEAD


def training_rows(poll: Poll) -> list[tuple[str, str]]:
    """(text, stance): the admins' examples, then every moderator-corrected comment, each text once (a
    correction's stance over an example's: ``distinct_rows``)."""
    examples = db.session.execute(
        db.select(StanceExample.text, StanceExample.stance)
        .where(StanceExample.poll_id == poll.id)
        .order_by(StanceExample.id)
    ).all()
    corrected = db.session.execute(
        db.select(Comment.body, Comment.corrected_stance)
        .where(Comment.poll_id == poll.id, Comment.corrected_stance.is_not(None))
        .order_by(Comment.id)
    ).all()
    return distinct_rows([(text, stance) for text, stance in (*examples, *corrected)])


@dataclass(frozen=True)
class StanceModelState:
    """What the poll's stance page shows: the head that tags it, and the rows its own head learns from."""

    shipped: bool
    stored: PollStanceHead | None
    counts: Counter
    total: int
    minimum: int = MIN_POLL_ROWS


def stance_model_state(poll: Poll) -> StanceModelState:
    rows = training_rows(poll)
    return StanceModelState(
        shipped=uses_shipped_head(poll),
        stored=stored_head(poll.id),
        counts=Counter(stance for _, stance in rows),
        total=len(rows),
    )


def add_examples(poll: Poll, stance: str, lines: list[str], now: datetime, actor=None) -> int:
    """Store one example argument per non-empty line; returns how many."""
    if stance not in stance_labels(poll):
        raise StanceTrainingError(f"'{stance}' is not one of this poll's stances.")
    texts = [" ".join(line.split()) for line in lines if line.strip()]
    if not texts:
        raise StanceTrainingError("Write at least one example argument (one per line).")
    if len(texts) > MAX_EXAMPLES_AT_ONCE:
        raise StanceTrainingError(f"At most {MAX_EXAMPLES_AT_ONCE} examples at once.")
    too_long = [text for text in texts if len(text) > MAX_EXAMPLE_LENGTH]
    if too_long:
        raise StanceTrainingError(f"Each example must be at most {MAX_EXAMPLE_LENGTH} characters.")
    db.session.add_all(
        StanceExample(poll_id=poll.id, stance=stance, text=text, created_at=now) for text in texts
    )
    db.session.flush()
    audit.record(
        actor, "poll.add_stance_examples", "poll", poll.slug, now, poll_id=poll.id, after={stance: len(texts)}
    )
    return len(texts)


def check_trainable(poll: Poll, rows: list[tuple[str, str]] | None = None) -> None:
    """Raise StanceTrainingError, with the reason, when ``poll`` (with its
    ``training_rows``, read here when not given) cannot have a head yet."""
    from poll.tagging.poll_heads import poll_head_problem

    if uses_shipped_head(poll):
        raise StanceTrainingError("This poll's sides are the shipped model's; it has no head of its own.")
    rows = training_rows(poll) if rows is None else rows
    problem = poll_head_problem([stance for _, stance in rows], stance_labels(poll))
    if problem:
        raise StanceTrainingError(problem)


def train_poll_head(poll: Poll, now: datetime, actor=None) -> PollStanceHead:
    """Fit and store the poll's own head from ``training_rows``."""
    from poll.tagging.poll_heads import fit_poll_head  # scikit-learn is only needed here

    rows = training_rows(poll)
    check_trainable(poll, rows)
    previous = stored_head(poll.id)
    generation = 1 if previous is None else int(previous.name.rsplit("-", 1)[-1]) + 1
    name = f"poll-{poll.id}-{generation}"
    try:
        head = fit_poll_head(
            [text for text, _ in rows], [stance for _, stance in rows], stance_labels(poll), name
        )
    except ValueError as error:
        raise StanceTrainingError(str(error)) from error
    stored = previous or PollStanceHead(poll_id=poll.id)
    stored.name, stored.head, stored.rows, stored.trained_at = name, head.to_json(), len(rows), now
    db.session.add(stored)
    db.session.flush()
    audit.record(
        actor,
        "poll.train_stance_head",
        "poll",
        poll.slug,
        now,
        poll_id=poll.id,
        before=None if previous is None else {"head": previous.name},
        after={"head": name, "rows": len(rows), **head.card["rows_per_stance"]},
    )
    return stored
