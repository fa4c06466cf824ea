"""Finding polls and seeding the debate poll."""

from datetime import datetime

from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Choice, Poll
from . import audit

DEBATE_POLL_SLUG = "north-korea-missile-response"

DEBATE_POLL = {
    "slug": DEBATE_POLL_SLUG,
    "title": "North Korea's missile launches: how should the world respond?",
    "question": (
        "Considering the recent missile tests by North Korea and the geopolitical implications, "
        "do you think that a stronger military response is warranted, or should the focus shift "
        "to diplomatic engagement?"
    ),
    "summary": (
        "North Korea fired several short-range ballistic missiles into the sea between the Korean "
        "Peninsula and Japan early on Tuesday, according to South Korea's Joint Chiefs of Staff; "
        "Japan's government also issued an alert. The launches followed Pyongyang's test of what it "
        "calls a new intercontinental ballistic missile, and fell on the day of the US presidential "
        "election.\n\n"
        "UN resolutions bar North Korea from testing ballistic missiles of any range. Its testing has "
        "increased over the past two years, and US intelligence estimates that up to 12,000 North "
        "Korean soldiers are deployed in Russia. An expert interviewed for the article said diplomacy "
        "is preferable but needs credible enforcement of sanctions behind it, while warning that "
        "continued isolation could bring more aggressive posturing."
    ),
    "choices": [
        ("military", "A stronger military response"),
        ("diplomacy", "Diplomatic engagement"),
        ("undecided", "Undecided"),
    ],
}


def poll_by_slug(slug: str) -> Poll | None:
    return (
        db.session.execute(db.select(Poll).options(joinedload(Poll.choices)).filter_by(slug=slug))
        .unique()
        .scalar_one_or_none()
    )


def featured_poll() -> Poll | None:
    """The poll shown at ``/``: the featured one, else the newest."""
    return db.session.execute(
        db.select(Poll)
        .options(selectinload(Poll.choices))
        .order_by(Poll.is_featured.desc(), Poll.opens_at.desc(), Poll.id.desc())
        .limit(1)
    ).scalar_one_or_none()


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
    poll = Poll(slug=slug, title=title, question=question, summary=summary, closes_at=closes_at, **options)
    if opens_at is not None:
        poll.opens_at = opens_at
    poll.choices = [
        Choice(key=key, label=label, position=position) for position, (key, label) in enumerate(choices)
    ]
    db.session.add(poll)
    db.session.flush()
    return poll


def seed_debate_poll() -> tuple[Poll, bool]:
    """Create the article's debate poll unless it exists. Returns (poll, created)."""
    existing = poll_by_slug(DEBATE_POLL_SLUG)
    if existing is not None:
        return existing, False
    spec = dict(DEBATE_POLL)
    poll = create_poll(
        slug=spec["slug"],
        title=spec["title"],
        question=spec["question"],
        summary=spec["summary"],
        choices=spec["choices"],
        is_featured=True,
    )
    return poll, True


class PollError(ValueError):
    """A poll change that cannot be made, with the reason in words."""


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
)


def _snapshot(poll: Poll) -> dict:
    values = {}
    for name in EDITABLE_FIELDS:
        value = getattr(poll, name)
        values[name] = value.isoformat() if isinstance(value, datetime) else value
    values["choices"] = [f"{choice.key}: {choice.label}" for choice in poll.choices]
    values["is_featured"] = poll.is_featured
    return values


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _check_schedule(opens_at: datetime, closes_at: datetime | None) -> None:
    if closes_at is not None and closes_at <= opens_at:
        raise PollError("The closing time must be after the opening time.")


def _check_slug_free(slug: str, poll_id: int | None) -> None:
    existing = poll_by_slug(slug)
    if existing is not None and existing.id != poll_id:
        raise PollError(f"Another poll already lives at /polls/{slug}.")


def add_poll(fields: dict, choices: list[tuple[str, str]], actor, now: datetime) -> Poll:
    _check_slug_free(fields["slug"], None)
    _check_schedule(fields["opens_at"], fields.get("closes_at"))
    poll = create_poll(choices=choices, **fields)
    audit.record(actor, "poll.create", "poll", poll.slug, now, poll_id=poll.id, after=_snapshot(poll))
    return poll


def edit_poll(poll: Poll, fields: dict, choices: list[tuple[str, str]], actor, now: datetime) -> None:
    """Change a poll's text, schedule and options; choices with votes cannot be removed."""
    _check_slug_free(fields["slug"], poll.id)
    _check_schedule(fields["opens_at"], fields.get("closes_at"))
    before = _snapshot(poll)
    for name, value in fields.items():
        setattr(poll, name, value)
    _replace_choices(poll, choices)
    db.session.flush()
    old, new = _changes(before, _snapshot(poll))
    if new:
        audit.record(actor, "poll.edit", "poll", poll.slug, now, poll_id=poll.id, before=old, after=new)


def _replace_choices(poll: Poll, choices: list[tuple[str, str]]) -> None:
    wanted = dict(choices)
    for choice in list(poll.choices):
        if choice.key not in wanted:
            if choice.vote_count:
                raise PollError(f"The choice {choice.label!r} has votes, so it cannot be removed.")
            poll.choices.remove(choice)
    existing = {choice.key: choice for choice in poll.choices}
    for position, (key, label) in enumerate(choices):
        choice = existing.get(key)
        if choice is None:
            poll.choices.append(Choice(key=key, label=label, position=position))
        else:
            choice.label, choice.position = label, position


def close_poll(poll: Poll, actor, now: datetime) -> None:
    if poll.has_closed(now):
        raise PollError("This poll is already closed.")
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


def reopen_poll(poll: Poll, actor, now: datetime) -> None:
    if not poll.has_closed(now):
        raise PollError("This poll is not closed.")
    before = {"closes_at": poll.closes_at.isoformat()}
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


def all_polls() -> list[Poll]:
    return list(
        db.session.execute(
            db.select(Poll).options(selectinload(Poll.choices)).order_by(Poll.opens_at.desc())
        ).scalars()
    )
