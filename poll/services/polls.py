"""Finding polls and seeding the debate poll."""

from datetime import datetime

from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Choice, Poll

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
