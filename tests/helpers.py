"""What several test modules share: requests, parts of pages, and look-ups for assertions after them."""

import re

from markupsafe import escape
from sqlalchemy import func

from poll.database.models import AuditEntry, Choice, Comment, Poll, Vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token


def set_poll(app, slug: str, **fields) -> None:
    """Change fields of the poll at ``slug`` and commit."""
    with app.app_context():
        poll = db.session.execute(db.select(Poll).where(Poll.slug == slug)).scalar_one()
        for name, value in fields.items():
            setattr(poll, name, value)
        db.session.commit()


def vote_rows(app, slug: str) -> list[tuple[str, str]]:
    """(voter_id, choice key) for every stored vote of a poll."""
    with app.app_context():
        return db.session.execute(
            db.select(Vote.voter_id, Choice.key)
            .join(Choice, Vote.choice_id == Choice.id)
            .join(Poll, Vote.poll_id == Poll.id)
            .where(Poll.slug == slug)
            .order_by(Vote.id)
        ).all()


def counters(app, slug: str) -> dict[str, int]:
    """The stored per-choice counters of a poll."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Choice.key, Choice.vote_count).join(Poll).where(Poll.slug == slug)
        ).all()
        return dict(rows)


def counted_from_votes(app, slug: str) -> dict[str, int]:
    """Per-choice counts computed from the votes table (the ground truth)."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Choice.key, func.count(Vote.id))
            .join(Poll, Choice.poll_id == Poll.id)
            .outerjoin(Vote, Vote.choice_id == Choice.id)
            .where(Poll.slug == slug)
            .group_by(Choice.key)
        ).all()
        return dict(rows)


def threads_by_side(html: str) -> dict[str, str]:
    """The debate page's threads (their HTML) joined per side (data-side)."""
    listing = html.split('id="threads-heading"', 1)[1].split('id="split-heading"', 1)[0]
    found: dict[str, str] = {}
    for chunk in listing.split('<li class="thread" data-side="')[1:]:
        side, thread = chunk.split('"', 1)
        found[side] = found.get(side, "") + thread
    return found


# The debate, through its pages ---------------------------------------------------------------


def comments_of(app, slug=None) -> list[Comment]:
    with app.app_context():
        query = db.select(Comment).order_by(Comment.id)
        if slug:
            query = query.where(Comment.poll_id == poll_by_slug(slug).id)
        rows = db.session.execute(query).scalars().all()
        for comment in rows:
            _ = comment.flag_names, comment.author_choice
        db.session.expunge_all()
        return rows


def post(client, slug, body, name="", **extra):
    return client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": name, **extra})


def voter_id_of(app, client, slug) -> str:
    """The voter id behind ``client``'s cookie (it votes to get one)."""
    client.post(f"/polls/{slug}/vote", data={"choice": "diplomacy"})
    with app.app_context():
        return db.session.execute(db.select(Vote.voter_id).order_by(Vote.id.desc())).scalars().first()


def my_section(page: str) -> str:
    return page.split('id="awaiting-review"')[1].split("</section>")[0]


def textarea_holds(page: str, text: str) -> bool:
    return f">\r\n{escape(text)}</textarea>" in page or f">{escape(text)}</textarea>" in page


def reader(app, token: str):
    """A browser with its own voter cookie (token: 32 characters)."""
    client = app.test_client()
    with app.app_context():
        client.set_cookie(VOTER_COOKIE, sign_voter_token(token))
    return client


def say(client, slug, body, name=""):
    response = client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": name})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("comment-", 1)[1])


# The poll editor: a form that saves, and what the editor's tests read back ---------------------

GOOD = {
    "slug": "sanctions-2026",
    "title": "Sanctions: tighter or looser?",
    "question": "Should sanctions on Pyongyang be tightened?",
    "summary": "First paragraph.\n\nSecond paragraph.",
    "choices": "Tighten them\nEase them\nUndecided",
    "opens_at": "2026-01-01T09:00",
    "closes_at": "",
    "moderation_mode": "post",
    "results_visibility": "always",
}


def stored(app, slug):
    with app.app_context():
        poll = poll_by_slug(slug)
        if poll is not None:
            _ = [choice.vote_count for choice in poll.choices]  # deferred: loaded while attached
            db.session.expunge_all()
        return poll


def actions(app):
    with app.app_context():
        return list(
            db.session.execute(db.select(AuditEntry.action).where(AuditEntry.action.like("poll.%"))).scalars()
        )


def error_beside(page: str, field_id: str, message: str) -> bool:
    """Whether ``message`` is in the error list shown with the field ``field_id``."""
    match = re.search(rf'<ul class="field-errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', page, re.S)
    return match is not None and str(escape(message)) in match.group(1)


# The moderation queue ------------------------------------------------------------------------


def comment(app, comment_id) -> Comment:
    with app.app_context():
        row = db.session.get(Comment, comment_id)
        _ = row.flag_names, row.moderated_by
        db.session.expunge_all()
        return row


# Ballot stuffing: votes from one address -------------------------------------------------------

BURST_ADDRESS = "198.51.100.7"


def vote(client, slug, choice="military", address=BURST_ADDRESS):
    return client.post(
        f"/polls/{slug}/vote", data={"choice": choice}, environ_overrides={"REMOTE_ADDR": address}
    )


def statuses(app, slug) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Vote.status, func.count()).join(Poll).where(Poll.slug == slug).group_by(Vote.status)
        ).all()
        return dict(rows)
