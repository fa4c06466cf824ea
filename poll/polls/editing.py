"""Creating and editing polls, each change audited: a poll's texts, schedule, options, choices and
their debate sides; closing, reopening and featuring it. ``create_poll`` adds a poll unaudited (seeding
the debate poll, tests, benchmarks)."""

from datetime import datetime

from poll.accounts import audit
from poll.alerts.events import emit_poll_closed
from poll.database.models import Choice, Poll
from poll.debate import stance_heads
from poll.extensions import db
from poll.polls.choice_plans import removed_with_votes
from poll.polls.side_mapping import resolved_side
from poll.polls.slugs import slug_problem
from poll.refusals import Refused
from poll.web.languages import LANGUAGES


class PollError(Refused):
    """A poll change that cannot be made, with the reason in words; ``field`` names the editor's field
    the reason belongs beside ("sides" for the side mapping, None for the form as a whole)."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message, status)
        self.field = field


def create_poll(
    slug: str,
    title: str,
    question: str,
    choices: list[tuple[str, str]],
    summary: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    **options,
) -> Poll:
    """Add a poll and its choices, in the order given, and flush (no audit entry: ``add_poll`` audits)."""
    poll = Poll(slug=slug, title=title, question=question, summary=summary, closes_at=closes_at, **options)
    if opens_at is not None:
        poll.opens_at = opens_at
    poll.choices = [
        Choice(key=key, label=label, position=position) for position, (key, label) in enumerate(choices)
    ]
    db.session.add(poll)
    db.session.flush()
    return poll


EDITABLE_FIELDS = (
    "slug",
    "title",
    "question",
    "summary",
    "opens_at",
    "closes_at",
    "moderation_mode",
    "results_visibility",
    "embed_origins",
    "results_note",
    "language",
)


def _snapshot(poll: Poll) -> dict:
    values = {}
    for name in EDITABLE_FIELDS:
        value = getattr(poll, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    values["choices"] = [f"{choice.key}: {choice.label}" for choice in poll.choices]
    values["side_headings"] = {
        choice.key: choice.side_heading for choice in poll.choices if choice.side_heading
    }
    values["is_featured"] = poll.is_featured
    return values


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def schedule_problem(opens_at: datetime, closes_at: datetime | None) -> str | None:
    """What is wrong with a poll's opening and closing times, in words, or None."""
    if closes_at is not None and closes_at <= opens_at:
        return "The closing time must be after the opening time."
    return None


def _check_schedule(opens_at: datetime, closes_at: datetime | None) -> None:
    problem = schedule_problem(opens_at, closes_at)
    if problem:
        raise PollError(problem, field="closes_at")


def language_problem(language: str | None) -> str | None:
    """Why ``language`` cannot be a poll's (None: the readers' browsers choose), in words, or None."""
    if language is not None and language not in LANGUAGES:
        return f"Choose one of the readers' languages: {', '.join(LANGUAGES)}."
    return None


def _check_language(language: str | None) -> None:
    problem = language_problem(language)
    if problem:
        raise PollError(problem, field="language")


def _check_slug_free(slug: str, poll: Poll | None) -> None:
    problem = slug_problem(slug, poll)
    if problem:
        raise PollError(problem, field="slug")


def add_poll(
    fields: dict,
    choices: list[tuple[str, str]],
    actor,
    now: datetime,
    sides: dict[str, str] | None = None,
    headings: dict[str, str] | None = None,
) -> Poll:
    """Create a poll; ``sides`` and ``headings`` (by choice key) as in ``edit_poll``."""
    _check_slug_free(fields["slug"], None)
    _check_schedule(fields["opens_at"], fields.get("closes_at"))
    _check_language(fields.get("language"))
    poll = create_poll(choices=choices, **fields)
    for choice in poll.choices:
        choice.side_heading = (headings or {}).get(choice.key, "")
    db.session.flush()
    audit.record(actor, "poll.create", "poll", poll.slug, now, poll_id=poll.id, after=_snapshot(poll))
    _map_sides(poll, sides, actor, now)
    return poll


def edit_poll(
    poll: Poll,
    fields: dict,
    choices: list[tuple[str, str]],
    actor,
    now: datetime,
    sides: dict[str, str] | None = None,
    headings: dict[str, str] | None = None,
) -> None:
    """Change a poll's text, schedule and options; choices with votes cannot be removed.

    ``sides`` maps choice keys to "" (a side of its own), "neutral" or another choice's key (audited as
    poll.map_sides, as on the stance page); ``headings`` gives the debate column headings by key."""
    _check_slug_free(fields["slug"], poll)
    _check_schedule(fields["opens_at"], fields.get("closes_at"))
    _check_language(fields.get("language", poll.language))
    before = _snapshot(poll)
    for name, value in fields.items():
        setattr(poll, name, value)
    _replace_choices(poll, choices)
    db.session.flush()
    for choice in poll.choices:
        choice.side_heading = (headings or {}).get(choice.key, choice.side_heading)
    old, new = _changes(before, _snapshot(poll))
    if new:
        audit.record(actor, "poll.edit", "poll", poll.slug, now, poll_id=poll.id, before=old, after=new)
    _map_sides(poll, sides, actor, now)


def _replace_choices(poll: Poll, choices: list[tuple[str, str]]) -> None:
    wanted = dict(choices)
    for choice in list(poll.choices):
        if choice.key not in wanted:
            if choice.vote_count:
                raise PollError(removed_with_votes(choice), field="choices")
            poll.choices.remove(choice)
    existing = {choice.key: choice for choice in poll.choices}
    for position, (key, label) in enumerate(choices):
        kept = existing.get(key)
        if kept is None:
            poll.choices.append(Choice(key=key, label=label, position=position))
        else:
            kept.label, kept.position = label, position


def close_poll(poll: Poll, actor, now: datetime) -> None:
    """Close ``poll`` now (or at its opening, if it has not opened yet)."""
    if poll.has_closed(now):
        raise PollError("This poll is already closed.", status=409)
    before = {"closes_at": poll.closes_at.isoformat() if poll.closes_at else None}
    poll.closes_at = max(now, poll.opens_at)
    audit.record(
        actor,
        "poll.close",
        "poll",
        poll.slug,
        now,
        poll_id=poll.id,
        before=before,
        after={"closes_at": poll.closes_at.isoformat()},
    )
    emit_poll_closed(poll, now)


def reopen_poll(poll: Poll, actor, now: datetime) -> None:
    """Take votes again: ``poll`` closes no more until an editor closes it."""
    if not poll.has_closed(now):
        raise PollError("This poll is not closed.", status=409)
    before = {"closes_at": poll.closes_at.isoformat() if poll.closes_at else None}
    poll.closes_at = None
    audit.record(
        actor,
        "poll.reopen",
        "poll",
        poll.slug,
        now,
        poll_id=poll.id,
        before=before,
        after={"closes_at": None},
    )


def feature_poll(poll: Poll, actor, now: datetime) -> None:
    """Make ``poll`` the one shown at ``/``."""
    previous = db.session.execute(db.select(Poll).where(Poll.is_featured, Poll.id != poll.id)).scalars().all()
    for other in previous:
        other.is_featured = False
    poll.is_featured = True
    audit.record(
        actor,
        "poll.feature",
        "poll",
        poll.slug,
        now,
        poll_id=poll.id,
        before={"featured": [other.slug for other in previous]},
        after={"featured": [poll.slug]},
    )


def _map_sides(poll: Poll, sides: dict[str, str] | None, actor, now: datetime) -> None:
    """The editor's side mapping, through the stance page's ``map_sides`` (audited as poll.map_sides)."""
    if not sides:
        return
    wanted = {
        choice.id: resolved_side(choice.key, sides[choice.key])
        for choice in poll.choices
        if choice.key in sides
    }
    try:
        stance_heads.map_sides(poll, wanted, actor, now)
    except stance_heads.StanceTrainingError as error:
        raise PollError(str(error), field="sides") from None
