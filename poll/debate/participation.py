"""The poll a debate request names and this browser's standing in it, read in one statement.

The debate page and a comment or reply post each need the poll with its choices, the browser's
vote (it files a comment under a side and lets a reader mark good points), a mute in force, and the
page needs the choices' counts for the tally; a post tagged in the request needs the poll's stance
head. Read one by one that was five statements before anything was drawn or stored; here it is one:
the poll joined to its choices, with the rest as scalar subqueries on the poll's row.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from poll.database.models import VOTE_COUNTED, Choice, Poll, PollStanceHead, Vote, VoterMute
from poll.debate.stance_heads import stance_head_from
from poll.extensions import db
from poll.polls.results import ResultsSnapshot, snapshot_of_poll
from poll.polls.vote_taking import NO_SUCH_POLL
from poll.web.languages import use_poll_language


@dataclass(frozen=True)
class Participation:
    """A poll, and what this browser (``voter_id`` None: no cookie yet) is in its debate now."""

    poll: Poll
    voter_id: str | None
    # The choice of the browser's vote, counted or voided: a comment is filed under it all the same.
    vote_choice_id: int | None
    vote_counted: bool
    # When a moderator's mute of this browser ends (the latest-ending one in force), or None.
    muted_until: datetime | None
    # The poll's stored stance head (its JSON), where it was asked for and the poll has one.
    stored_head: dict | None = None

    @property
    def author_choice(self) -> Choice | None:
        """The choice a comment of this browser is filed under: its vote's (None: no vote)."""
        return next((choice for choice in self.poll.choices if choice.id == self.vote_choice_id), None)

    @property
    def can_mark(self) -> bool:
        """Only a browser whose vote counts marks good points (a voided vote does not)."""
        return self.vote_counted

    @property
    def stance_head(self):
        """What ``poll.tagging.tag_many`` takes as ``stance_head`` (read with ``with_stance_head``)."""
        return stance_head_from(self.poll, self.stored_head)

    def snapshot(self) -> ResultsSnapshot:
        """The poll's results as this browser sees them (the tally where it may)."""
        choice = self.author_choice
        return snapshot_of_poll(self.poll, choice.key if choice is not None else None)


def participation(
    slug: str, voter_id: str | None, now: datetime, *, with_stance_head: bool = False
) -> Participation | None:
    """The poll at ``slug`` with its choices (and their counts) and this browser's standing in it,
    in one statement; None if there is no such poll."""
    voter = voter_id or ""  # no cookie: no vote and no mute can match an empty id
    vote = select(Vote.choice_id, Vote.status).where(Vote.poll_id == Poll.id, Vote.voter_id == voter)
    mute_ends = (
        select(func.max(VoterMute.expires_at))
        .where(VoterMute.voter_id == voter, VoterMute.lifted_at.is_(None), VoterMute.expires_at > now)
        .scalar_subquery()
    )
    columns = [
        vote.with_only_columns(Vote.choice_id).scalar_subquery(),
        vote.with_only_columns(Vote.status).scalar_subquery(),
        mute_ends,
    ]
    if with_stance_head:
        columns.append(select(PollStanceHead.head).where(PollStanceHead.poll_id == Poll.id).scalar_subquery())
    row = (
        db.session.execute(
            select(Poll, *columns)
            .options(joinedload(Poll.choices).undefer(Choice.vote_count))
            .where(Poll.slug == slug)
        )
        .unique(lambda row: row[0].id)
        .first()
    )
    if row is None:
        return None
    poll, choice_id, status, muted_until, *head = row
    return Participation(
        poll,
        voter_id,
        vote_choice_id=choice_id,
        vote_counted=status == VOTE_COUNTED,
        muted_until=muted_until,
        stored_head=head[0] if head else None,
    )


def participation_or_404(
    slug: str, voter_id: str | None, now: datetime, *, with_stance_head: bool = False
) -> Participation:
    found = participation(slug, voter_id, now, with_stance_head=with_stance_head)
    if found is None:
        abort(404, description=NO_SUCH_POLL)
    use_poll_language(found.poll.language)
    return found
