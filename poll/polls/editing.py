"""Finding, creating and editing polls: addresses and choice keys made from what editors type, times
in the newsroom's zone, and seeding the debate poll."""

import difflib
import itertools
import re
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import joinedload, selectinload

from poll.accounts import audit
from poll.database.models import Choice, Poll, Vote
from poll.debate import stance_heads
from poll.extensions import db
from poll.vocabulary import NEUTRAL, reads_as_no_position

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


def poll_by_slug(slug: str) -> Poll | None:
    return (
        db.session.execute(db.select(Poll).options(joinedload(Poll.choices)).filter_by(slug=slug))
        .unique()
        .scalar_one_or_none()
    )


def featured_slug() -> str | None:
    """The slug of the poll shown at ``/``: the featured one, else the newest."""
    return db.session.execute(
        db.select(Poll.slug).order_by(Poll.is_featured.desc(), Poll.opens_at.desc(), Poll.id.desc()).limit(1)
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
    poll = create_poll(**DEBATE_POLL, is_featured=True)
    return poll, True


class PollError(ValueError):
    """A poll change that cannot be made, with the reason in words; ``field`` names the editor's field
    the reason belongs beside ("sides" for the side mapping, None for the form as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Addresses and choice keys ----------------------------------------------------

SLUG_MAX_LENGTH = 80
CHOICE_KEY_MAX_LENGTH = 40
CHOICE_LABEL_MAX_LENGTH = 200
SIDE_HEADING_MAX_LENGTH = 120
MIN_CHOICES, MAX_CHOICES = 2, 10
# What a title or label made only of characters with no ASCII letter in them (Korean, emoji) becomes.
FALLBACK_SLUG = "poll"
FALLBACK_KEY = "choice"


def slugify(text: str, max_length: int) -> str:
    """Lower-case ASCII letters and digits joined by single dashes ("Yes: but slowly" -> "yes-but-slowly").

    static/js/poll-editor.js makes the same from a title as it is typed; keep the two in step."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].rstrip("-")


def _numbered(base: str, taken: Container[str], max_length: int) -> str:
    """``base``, or ``base-2``, ``base-3`` ... (cut to ``max_length``): the first not in ``taken``."""
    if base not in taken:
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def slug_from_title(title: str) -> str:
    """A free address for a new poll made from ``title`` (one another poll has gets -2, -3 ...)."""
    taken = set(db.session.execute(db.select(Poll.slug)).scalars())
    return _numbered(slugify(title, SLUG_MAX_LENGTH) or FALLBACK_SLUG, taken, SLUG_MAX_LENGTH)


def slug_problem(slug: str, poll: Poll | None) -> str | None:
    """Why ``slug`` cannot be this poll's address (``poll`` None: a new poll's), or None.

    A poll that has votes keeps its address: by then it is embedded in articles and shared, and every
    old link would answer 404."""
    if poll is not None and slug != poll.slug and has_votes(poll):
        return (
            f"This poll has votes, so its address stays /polls/{poll.slug}: articles embed it and readers "
            "have shared it, and every old link would break."
        )
    existing = poll_by_slug(slug)
    if existing is not None and (poll is None or existing.id != poll.id):
        return f"Another poll already lives at /polls/{slug}."
    return None


def has_votes(poll: Poll) -> bool:
    """Whether any vote was ever stored for ``poll`` (voided ones too: their links were shared)."""
    return db.session.execute(db.select(Vote.id).filter_by(poll_id=poll.id).limit(1)).first() is not None


@dataclass(frozen=True)
class PlannedChoice:
    """One line of the editor's choices: its label and the key it is (or will be) stored under."""

    key: str
    label: str
    # The stored choice's label when the line keeps a stored choice (and its votes); None: a new choice.
    stored_label: str | None = None
    votes: int = 0

    @property
    def is_new(self) -> bool:
        return self.stored_label is None

    @property
    def is_renamed(self) -> bool:
        return self.stored_label is not None and self.stored_label != self.label

    @property
    def is_reworded(self) -> bool:
        """Renamed beyond a small edit while it has votes: saving makes those votes count for words
        their voters never chose, so the editor must confirm it."""
        stored = self.stored_label
        return (
            stored is not None
            and stored != self.label
            and self.votes > 0
            and not is_small_edit(stored, self.label)
        )


@dataclass(frozen=True)
class ChoicePlan:
    choices: list[PlannedChoice]
    # Stored choices that no line keeps: saving removes them (refused while they have votes).
    removed: list[Choice]


def _same_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _is_same_label(old: str, new: str) -> bool:
    return _same_label(old) == _same_label(new)


# How alike two words must be (difflib's ratio) for one to be a typo of the other: "Diplomcay" /
# "Diplomacy" is 0.89, "Colour" / "Color" 0.91. Short words must match exactly ("No" / "Now").
TYPO_RATIO = 0.75
TYPO_MIN_LENGTH = 4


def _words(label: str) -> list[str]:
    return re.findall(r"\w+", _same_label(label))


def _typo_of(old: str, new: str) -> bool:
    if old == new:
        return True
    if min(len(old), len(new)) < TYPO_MIN_LENGTH:
        return False
    return difflib.SequenceMatcher(None, old, new).ratio() >= TYPO_RATIO


def is_small_edit(old: str, new: str) -> bool:
    """Whether ``new`` keeps ``old``'s meaning as far as words can tell: one label's words run on
    inside the other's ("Yes" / "Yes, absolutely"), or the same words with typos corrected. Anything
    else ("Yes" / "No, never", "Option 1" / "Option 2", "Diplomatic talks" / "Diplomatic engagement")
    is a rewording."""
    old_words, new_words = _words(old), _words(new)
    shorter, longer = sorted((old_words, new_words), key=len)
    if shorter and any(
        longer[start : start + len(shorter)] == shorter for start in range(len(longer) - len(shorter) + 1)
    ):
        return True
    return len(old_words) == len(new_words) > 0 and all(map(_typo_of, old_words, new_words))


def plan_choices(labels: Sequence[str], stored: Sequence[Choice] = ()) -> ChoicePlan:
    """The keys for the editor's labels, one per line.

    A stored choice keeps its key (and so its votes) when its label is listed again, anywhere; or else
    when a small edit of it is (a corrected typo, words added: "Yes" / "Yes, absolutely"), anywhere, so
    reordering while rewording does not swap votes; or else when another label stands on its line (which
    ``choices_problem`` asks the editor to confirm when the choice has votes). Every other line gets a key
    made from its label (lower-case a-z, 0-9 and dashes, at most 40 characters, -2, -3 ... when taken).
    Keys of removed choices are not reused: an export or audit entry that named one should not come to
    mean another answer (and the new row would meet the old one in the same flush)."""
    kept: list[Choice | None] = [None] * len(labels)
    unmatched = list(stored)
    for matches in (_is_same_label, is_small_edit):  # the same label first, then a small edit of it
        for line, label in enumerate(labels):
            if kept[line] is None:
                match = next((choice for choice in unmatched if matches(choice.label, label)), None)
                if match is not None:
                    kept[line] = match
                    unmatched.remove(match)
    for line in range(len(labels)):
        if kept[line] is None and line < len(stored) and stored[line] in unmatched:
            kept[line] = stored[line]
            unmatched.remove(stored[line])
    taken = {choice.key for choice in stored}
    planned = []
    for label, choice in zip(labels, kept, strict=True):
        if choice is not None:
            planned.append(PlannedChoice(choice.key, label, choice.label, choice.vote_count))
            continue
        key = _numbered(slugify(label, CHOICE_KEY_MAX_LENGTH) or FALLBACK_KEY, taken, CHOICE_KEY_MAX_LENGTH)
        taken.add(key)
        planned.append(PlannedChoice(key, label))
    return ChoicePlan(planned, unmatched)


def choices_problem(plan: ChoicePlan, rewording_confirmed: bool = False) -> str | None:
    """What is wrong with the planned choices, in words, or None. A choice with votes reworded beyond
    a small edit needs ``rewording_confirmed``: its votes would count for words their voters never saw."""
    seen: dict[str, int] = {}
    for line, choice in enumerate(plan.choices, start=1):
        if len(choice.label) > CHOICE_LABEL_MAX_LENGTH:
            return f"Line {line}: keep the label to {CHOICE_LABEL_MAX_LENGTH} characters."
        earlier = seen.setdefault(_same_label(choice.label), line)
        if earlier != line:
            return f"Line {line} repeats line {earlier} ({choice.label}): each choice needs its own label."
    if not MIN_CHOICES <= len(plan.choices) <= MAX_CHOICES:
        return f"A poll needs {MIN_CHOICES} to {MAX_CHOICES} choices, one per line."
    for removed in plan.removed:
        if removed.vote_count:
            return _removed_with_votes(removed)
    if not rewording_confirmed:
        for line, choice in enumerate(plan.choices, start=1):
            if choice.is_reworded:
                votes = f"{choice.votes} vote{'s' if choice.votes != 1 else ''}"
                return (
                    f"Line {line} ({choice.label!r}) stands where {choice.stored_label!r} stood and would "
                    f"take its {votes}. Keep the label close to what voters chose, or tick "
                    "“The votes still mean this” below to confirm."
                )
    return None


def _removed_with_votes(choice: Choice) -> str:
    return (
        f"The choice {choice.label!r} has votes, so it cannot be removed. To rename it, change its "
        "line where it stands."
    )


# Sides ------------------------------------------------------------------------

OWN_SIDE = ""


def default_side_heading(label: str) -> str:
    """The debate column's heading for a side whose editors left the heading blank."""
    return f"For: {label}"


def default_side(label: str, labels: Sequence[str]) -> str:
    """The side of a new choice whose editor has not mapped it, among the poll's ``labels``: neutral
    when the label takes no position ("Not sure", vocabulary.NO_POSITION_LABELS), so the debate opens
    no "For: Not sure" column; else a side of its own. Also a side of its own when neutral would leave
    fewer than two sides ("Yes / Not sure"), which the mapping refuses. The editor's choice wins."""
    sides_left = [other for other in labels if not reads_as_no_position(other)]
    return NEUTRAL if reads_as_no_position(label) and len(sides_left) >= 2 else OWN_SIDE


def _resolved_side(key: str, side: str) -> str:
    return key if side in (OWN_SIDE, key) else side


def sides_problems(choices: Sequence[PlannedChoice], sides: dict[str, str]) -> dict[str, str]:
    """What is wrong with a side mapping (choice key -> "" for its own side, "neutral", or another
    choice's key), by choice key; under "" what is wrong with the mapping as a whole."""
    labels = {choice.key: choice.label for choice in choices}
    problems = {}
    for key, side in sides.items():
        if side not in (OWN_SIDE, NEUTRAL, *labels):
            problems[key] = "Choose one of the listed sides."
        elif side not in (OWN_SIDE, NEUTRAL, key) and _resolved_side(side, sides.get(side, OWN_SIDE)) != side:
            problems[key] = (
                f"“{labels[side]}” stands with another side itself: choose a choice that is a side of "
                "its own."
            )
    resolved = {_resolved_side(key, sides.get(key, OWN_SIDE)) for key in labels}
    if not problems and len(resolved - {NEUTRAL}) < 2:
        problems[""] = "At least two choices must stand for different sides."
    return problems


def _map_sides(poll: Poll, sides: dict[str, str] | None, actor, now: datetime) -> None:
    """The editor's side mapping, through the stance page's ``map_sides`` (audited as poll.map_sides)."""
    if not sides:
        return
    wanted = {
        choice.id: _resolved_side(choice.key, sides[choice.key])
        for choice in poll.choices
        if choice.key in sides
    }
    try:
        stance_heads.map_sides(poll, wanted, actor, now)
    except stance_heads.StanceTrainingError as error:
        raise PollError(str(error), field="sides") from None


# Times in the newsroom's zone ---------------------------------------------------


def local_time(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored (UTC) time as the naive wall-clock time the editor shows in ``zone``."""
    return value.astimezone(zone).replace(tzinfo=None)


def utc_from_local(local: datetime, zone: ZoneInfo, stored: datetime | None = None) -> tuple[datetime, str]:
    """The UTC time of a wall-clock time typed in ``zone``, and a note for the editor ("" if none).

    A time the clocks skip (spring forward) does not exist and is refused. A time that happens twice
    (autumn) is taken as the first, and the note says so. ``stored`` is the time already saved: when it
    shows as ``local`` it is kept as it is, so saving the form again never moves the second of two
    same-looking times, nor drops its seconds."""
    if stored is not None and local_time(stored, zone).replace(second=0, microsecond=0) == local:
        return stored, ""
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    when = f"{local:%H:%M} on {local.day} {local:%B %Y}"
    try:
        as_utc = first.astimezone(UTC)
        shown = local_time(as_utc, zone)
    except OverflowError:  # past what a date can hold once moved to UTC (year 9999 and beyond)
        raise PollError(f"{when} is too far ahead: choose a time before the year 9999.") from None
    if shown != local:
        after = as_utc.astimezone(zone)
        raise PollError(
            f"There is no {when} in {zone.key}: the clocks go forward that night ({first:%Z} to "
            f"{second:%Z}). Please choose another time, such as {after:%H:%M}."
        )
    if first.utcoffset() != second.utcoffset():
        return as_utc, (
            f"{when} happens twice in {zone.key} (the clocks go back from {first:%Z} to {second:%Z}): it is "
            f"taken as the first, {as_utc:%H:%M} UTC."
        )
    return as_utc, ""


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
    values["side_headings"] = {
        choice.key: choice.side_heading for choice in poll.choices if choice.side_heading
    }
    values["is_featured"] = poll.is_featured
    return values


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


def _check_schedule(opens_at: datetime, closes_at: datetime | None) -> None:
    if closes_at is not None and closes_at <= opens_at:
        raise PollError("The closing time must be after the opening time.", field="closes_at")


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
                raise PollError(_removed_with_votes(choice), field="choices")
            poll.choices.remove(choice)
    existing = {choice.key: choice for choice in poll.choices}
    for position, (key, label) in enumerate(choices):
        kept = existing.get(key)
        if kept is None:
            poll.choices.append(Choice(key=key, label=label, position=position))
        else:
            kept.label, kept.position = label, position


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


def all_polls() -> list[Poll]:
    return list(
        db.session.execute(
            db.select(Poll).options(selectinload(Poll.choices)).order_by(Poll.opens_at.desc())
        ).scalars()
    )
