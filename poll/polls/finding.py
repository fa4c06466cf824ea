"""Finding polls: by address, the one shown at ``/``, and all of them for the admin pages."""

from sqlalchemy.orm import joinedload, selectinload

from poll.database.models import Poll
from poll.extensions import db


def poll_by_slug(slug: str) -> Poll | None:
    """The poll at ``/polls/<slug>``, its choices loaded, or None."""
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


def all_polls() -> list[Poll]:
    """Every poll with its choices, newest first."""
    return list(
        db.session.execute(
            db.select(Poll).options(selectinload(Poll.choices)).order_by(Poll.opens_at.desc())
        ).scalars()
    )
