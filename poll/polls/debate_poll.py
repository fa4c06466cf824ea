"""The article's debate poll: its texts, and seeding it (``flask seed``, the tests and the benchmarks)."""

from typing import Any

from poll.database.models import Poll
from poll.polls.editing import create_poll
from poll.polls.finding import poll_by_slug

DEBATE_POLL_SLUG = "north-korea-missile-response"

DEBATE_POLL: dict[str, Any] = {
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


def seed_debate_poll() -> tuple[Poll, bool]:
    """Create the article's debate poll unless it exists. Returns (poll, created)."""
    existing = poll_by_slug(DEBATE_POLL_SLUG)
    if existing is not None:
        return existing, False
    poll = create_poll(**DEBATE_POLL, is_featured=True)
    return poll, True
