"""Reading the debate: sides from the poll, interleaving, replies, marks and the split."""

from datetime import date, timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import (
    COMMENT_APPROVED,
    COMMENT_PENDING,
    MODERATION_POST,
    RESULTS_AFTER_VOTE,
    CommentMark,
)
from poll.debate.comments import CommentsClosedError, post_comment
from poll.debate.reading import (
    NOT_VOTED,
    SORT_NEWEST,
    SORT_REPLIES,
    SORT_VALUED,
    DebateRequestError,
    debate_split,
    debate_view,
    mark_counts,
    parse_shown,
    parse_side,
    parse_sort,
    relative_time,
    reply_parent,
    side_order,
    thread_of,
    toggle_mark,
)
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote

TODAY = date(2026, 12, 2)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def car_free(make_poll):
    """A poll without a stance model: Yes/No (and a neutral "Not sure")."""
    slug = make_poll(
        slug="car-free-centre",
        moderation_mode=MODERATION_POST,
        question="Should the town centre be car-free?",
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    )
    return slug


@pytest.fixture
def article(make_poll):
    """A post-moderated poll with the shipped head's sides."""
    return make_poll(
        slug="article",
        moderation_mode=MODERATION_POST,
        choices=[("military", "Military"), ("diplomacy", "Diplomacy"), ("undecided", "Undecided")],
    )


def voter(n: int) -> str:
    return f"{n:032d}"


def vote(poll, key, n):
    cast_vote(poll, poll.choice_by_key(key), voter(n), utcnow())


def comment(poll, n, body, minutes_ago=0, parent=None, stance=None):
    posted = post_comment(
        poll, voter(n), body, f"Reader {n}", "", utcnow() - timedelta(minutes=minutes_ago), parent
    )
    if stance:
        posted.corrected_stance = stance
    db.session.flush()
    return posted


def mark(poll, posted, n):
    assert toggle_mark(poll, posted.id, voter(n), utcnow()) is True


def set_unsure_neutral(poll):
    poll.choice_by_key("unsure").side = "neutral"
    db.session.flush()


def test_sides_come_from_the_poll_with_their_headings(ctx, car_free):
    poll = poll_by_slug(car_free)
    set_unsure_neutral(poll)
    poll.choice_by_key("no").side_heading = "Keep the cars"
    sides = side_order(poll, TODAY)
    assert {side.key for side in sides[:2]} == {"yes", "no"}
    headings = {side.key: side.heading for side in sides}
    assert headings["yes"] == "For: Yes" and headings["no"] == "Keep the cars"
    assert sides[-1].key == "neutral"


def test_no_side_is_always_first(ctx, car_free, article):
    for slug in (car_free, article):
        poll = poll_by_slug(slug)
        firsts = {side_order(poll, TODAY + timedelta(days=day))[0].key for day in range(3)}
        assert len(firsts) >= 2, slug


def test_a_poll_without_a_stance_model_groups_by_vote(ctx, car_free):
    poll = poll_by_slug(car_free)
    set_unsure_neutral(poll)
    vote(poll, "yes", 1)
    vote(poll, "unsure", 2)
    comment(poll, 1, "Yes, close the centre to cars and open it to people.")
    comment(poll, 2, "I don't know yet.")
    comment(poll, 3, "No vote from me, just a question.")
    view = debate_view(poll, None, TODAY)
    by_side = {thread.comment.body: thread.side.key for thread in view.threads}
    assert by_side["Yes, close the centre to cars and open it to people."] == "yes"
    assert by_side["I don't know yet."] == "neutral"
    assert by_side["No vote from me, just a question."] == "neutral"
    assert view.counts == {"yes": 1, "no": 0, "neutral": 2}


def test_comments_are_filed_by_their_authors_vote_never_by_the_taggers_guess(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 1)
    argued = comment(poll, 1, "Back to the table: sanctions and talks, not strikes.")
    argued.stance, argued.stance_confidence = "military", 0.99  # the tagger's wrong guess
    comment(poll, 2, "A moderator says this argues for force.", stance="military")
    db.session.flush()
    view = debate_view(poll, None, TODAY)
    by_side = {thread.comment.body: thread.side.key for thread in view.threads}
    assert by_side == {
        "Back to the table: sanctions and talks, not strikes.": "diplomacy",
        "A moderator says this argues for force.": "neutral",  # no vote: other views
    }
    assert view.counts == {"military": 0, "diplomacy": 1, "neutral": 1}


def test_all_sides_take_turns_in_todays_order(ctx, article):
    poll = poll_by_slug(article)
    for n in range(4):
        vote(poll, "military", n)
        comment(poll, n, f"Hawkish {n}", minutes_ago=n)
    vote(poll, "diplomacy", 9)
    comment(poll, 9, "Dovish", minutes_ago=10)
    sides = [side.key for side in side_order(poll, TODAY)]
    threads = debate_view(poll, None, TODAY).threads
    assert [thread.side.key for thread in threads[:2]] == sides[:2]
    assert [thread.comment.body for thread in threads if thread.side.key == "military"] == [
        f"Hawkish {n}" for n in range(4)
    ]


def test_one_side_shown_alone_and_in_steps(ctx, article):
    poll = poll_by_slug(article)
    for n in range(5):
        vote(poll, "diplomacy", n)
        comment(poll, n, f"Talks {n}", minutes_ago=n)
    vote(poll, "military", 9)
    comment(poll, 9, "Force")
    view = debate_view(poll, None, TODAY, side="diplomacy", shown=2)
    assert [thread.comment.body for thread in view.threads] == ["Talks 0", "Talks 1"]
    assert view.has_more and view.side.key == "diplomacy"
    assert not debate_view(poll, None, TODAY, side="diplomacy", shown=5).has_more


def test_valued_across_sides_ranks_praise_from_both_sides_first(ctx, article):
    poll = poll_by_slug(article)
    for n in range(1, 5):
        vote(poll, "military", n)
    for n in range(5, 8):
        vote(poll, "diplomacy", n)
    own_side_only = comment(poll, 1, "Praised by hawks only", minutes_ago=1)
    both_sides = comment(poll, 2, "Praised by both", minutes_ago=5)
    unmarked = comment(poll, 3, "Newest, no marks")
    for n in (2, 3, 4):
        mark(poll, own_side_only, n)
    mark(poll, both_sides, 3)
    mark(poll, both_sides, 5)
    order = [
        t.comment.body for t in debate_view(poll, None, TODAY, sort=SORT_VALUED, side="military").threads
    ]
    assert order == ["Praised by both", "Praised by hawks only", "Newest, no marks"]
    counts = mark_counts(poll.id, [own_side_only.id, both_sides.id, unmarked.id])
    assert (counts[own_side_only.id].marks, counts[own_side_only.id].across) == (3, 0)
    assert (counts[both_sides.id].marks, counts[both_sides.id].across) == (2, 1)
    assert unmarked.id not in counts
    newest = [
        t.comment.body for t in debate_view(poll, None, TODAY, sort=SORT_NEWEST, side="military").threads
    ]
    assert newest[0] == "Newest, no marks"


def test_a_marker_without_a_vote_or_an_author_without_one_is_not_across(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 2)
    posted = comment(poll, 1, "The author has not voted.", stance="military")
    mark(poll, posted, 2)
    assert mark_counts(poll.id, [posted.id])[posted.id].across == 0


def test_most_replies_counts_only_published_replies(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 1)
    vote(poll, "diplomacy", 2)
    quiet = comment(poll, 1, "Quiet")
    busy = comment(poll, 2, "Busy", minutes_ago=10)
    comment(poll, 3, "Reply one", parent=busy)
    comment(poll, 4, "Reply two", parent=busy)
    held = comment(poll, 5, "Held reply", parent=quiet)
    held.status = COMMENT_PENDING
    comment(poll, 6, "Reply to quiet", parent=quiet)
    comment(poll, 7, "Another reply to busy", parent=busy).status = COMMENT_PENDING
    db.session.flush()
    view = debate_view(poll, None, TODAY, sort=SORT_REPLIES, side="diplomacy")
    assert [(t.comment.body, t.reply_count) for t in view.threads] == [("Busy", 2), ("Quiet", 1)]
    assert [reply.body for reply in view.threads[0].replies] == ["Reply one", "Reply two"]
    assert "Held reply" not in [reply.body for reply in view.threads[1].replies]
    # Replies are in their thread, never threads of their own.
    assert view.counts["diplomacy"] == 2


def test_replies_go_one_level_deep_within_the_poll(ctx, article, car_free):
    poll, other = poll_by_slug(article), poll_by_slug(car_free)
    parent = comment(poll, 1, "Top level")
    child = comment(poll, 2, "A reply", parent=parent)
    pending = comment(poll, 3, "Pending")
    pending.status = COMMENT_PENDING
    elsewhere = comment(other, 4, "Another poll's")
    assert reply_parent(poll, parent.id) is parent
    for comment_id, status, words in (
        (child.id, 400, "one level deep"),
        (pending.id, 404, "not published"),
        (elsewhere.id, 404, "no such comment"),
        (999_999, 404, "no such comment"),
    ):
        with pytest.raises(DebateRequestError, match=words) as refused:
            reply_parent(poll, comment_id)
        assert refused.value.status == status


def test_a_reply_records_its_authors_vote(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 2)
    parent = comment(poll, 1, "Top level")
    reply = comment(poll, 2, "A reply", parent=parent)
    assert reply.parent_id == parent.id and reply.author_choice.key == "diplomacy"
    assert reply.status == COMMENT_APPROVED


def test_a_mark_toggles_and_is_one_row(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "military", 2)
    posted = comment(poll, 1, "Mark me")
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is True
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is False
    assert db.session.execute(db.select(db.func.count()).select_from(CommentMark)).scalar() == 0
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is True
    assert mark_counts(poll.id, [posted.id])[posted.id].marks == 1


def test_marks_are_refused_once_the_poll_closes_and_nothing_is_written(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "military", 2)
    posted = comment(poll, 1, "Mark me")
    poll.closes_at = utcnow()
    with pytest.raises(CommentsClosedError, match="closed, and so is its debate"):
        toggle_mark(poll, posted.id, voter(2), utcnow())
    assert db.session.execute(db.select(db.func.count()).select_from(CommentMark)).scalar() == 0


def test_marks_refused_on_own_unpublished_or_foreign_comments_and_without_a_vote(ctx, article, car_free):
    poll, other = poll_by_slug(article), poll_by_slug(car_free)
    vote(poll, "military", 1)
    vote(poll, "military", 2)
    own = comment(poll, 1, "My own")
    pending = comment(poll, 3, "Pending")
    pending.status = COMMENT_PENDING
    foreign = comment(other, 3, "Another poll's")
    cases = [
        (own.id, voter(1), 403, "your own comment"),
        (pending.id, voter(2), 404, "no such published comment"),
        (foreign.id, voter(2), 404, "no such published comment"),
        (own.id, voter(7), 403, "Vote in the poll first"),
    ]
    for comment_id, who, status, words in cases:
        with pytest.raises(DebateRequestError, match=words) as refused:
            toggle_mark(poll, comment_id, who, utcnow())
        assert refused.value.status == status


def test_the_split_counts_votes_by_stance_and_picks_from_the_other_side(ctx, article):
    poll = poll_by_slug(article)
    for n in (1, 2):
        vote(poll, "military", n)
    for n in (3, 4):
        vote(poll, "diplomacy", n)
    hawk = comment(poll, 1, "A hawk's good point", stance="military")
    dove = comment(poll, 3, "A dove's good point", stance="diplomacy")
    comment(poll, 2, "A hawk arguing talks", stance="diplomacy")
    comment(poll, 9, "No vote, a question", stance="neutral")
    guessed = comment(poll, 4, "Only the tagger's guess: not counted")
    guessed.stance, guessed.stance_confidence = "military", 0.99
    db.session.flush()
    mark(poll, dove, 1)
    mark(poll, dove, 2)
    mark(poll, hawk, 3)
    mark(poll, hawk, 2)  # own side: not a pick for the military side
    sides = side_order(poll, TODAY)
    split = debate_split(poll, voter(1), utcnow(), sides)
    columns = [column.key for column in split.columns]
    rows = {row.label: dict(zip(columns, row.counts, strict=True)) for row in split.rows}
    assert rows["Military"] == {**dict.fromkeys(columns, 0), "military": 1, "diplomacy": 1}
    assert rows["Diplomacy"]["diplomacy"] == 1
    assert rows[NOT_VOTED]["neutral"] == 1
    picks = {pick.side.key: (pick.comment.body if pick.comment else None, pick.marks) for pick in split.picks}
    assert picks == {"military": ("A dove's good point", 2), "diplomacy": ("A hawk's good point", 1)}
    assert split.tally is not None and split.tally.total == 4
    assert (split.checked, split.published) == (4, 5)
    assert "Counts the 4 of 5 published comments" in split.note


def test_the_split_hides_the_tally_until_the_reader_may_see_it(ctx, article):
    poll = poll_by_slug(article)
    poll.results_visibility = RESULTS_AFTER_VOTE
    vote(poll, "military", 1)
    db.session.flush()
    sides = side_order(poll, TODAY)
    assert debate_split(poll, None, utcnow(), sides).tally is None
    assert debate_split(poll, voter(2), utcnow(), sides).tally is None
    assert debate_split(poll, voter(1), utcnow(), sides).tally.total == 1


def test_the_split_counts_nothing_until_a_moderator_checks_a_side(ctx, car_free):
    poll = poll_by_slug(car_free)
    vote(poll, "yes", 1)
    comment(poll, 1, "Yes please.")
    split = debate_split(poll, None, utcnow(), side_order(poll, TODAY))
    assert (split.checked, split.published) == (0, 1)
    assert all(row.total == 0 for row in split.rows)
    assert "No comment's side has been checked by a moderator yet" in split.note


def test_a_replys_thread_is_its_parents(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 1)
    vote(poll, "military", 2)
    parent = comment(poll, 1, "Top", stance="military")
    reply = comment(poll, 2, "Reply", parent=parent)
    thread, _, mine = thread_of(poll, reply, None)
    assert thread.comment is parent and [r.id for r in thread.replies] == [reply.id]
    assert thread.side.key == "diplomacy" and mine == set()


@pytest.mark.parametrize(
    "value, expected", [(None, "newest"), ("", "newest"), ("valued", "valued"), ("replies", "replies")]
)
def test_sorts(value, expected):
    assert parse_sort(value) == expected


@pytest.mark.parametrize("value", ["oldest", "VALUED", "x" * 500])
def test_unknown_sorts_are_refused(value):
    with pytest.raises(DebateRequestError, match="Unknown sort"):
        parse_sort(value)


@pytest.mark.parametrize(
    "value, expected", [(None, 20), ("40", 40), ("0", 20), ("-3", 20), ("abc", 20), ("9" * 30, 1000)]
)
def test_shown_is_kept_in_range(value, expected):
    assert parse_shown(value, 20) == expected


def test_unknown_side_is_refused(ctx, car_free):
    sides = side_order(poll_by_slug(car_free), TODAY)
    assert parse_side(sides, "all") is None and parse_side(sides, "yes").key == "yes"
    with pytest.raises(DebateRequestError, match="no side"):
        parse_side(sides, "military")


@pytest.mark.parametrize(
    "seconds, words",
    [
        (5, "just now"),
        (60, "1 minute ago"),
        (150, "2 minutes ago"),
        (3600, "1 hour ago"),
        (86400 * 3, "3 days ago"),
    ],
)
def test_relative_time(seconds, words):
    now = utcnow()
    assert relative_time(now - timedelta(seconds=seconds), now) == words


def test_relative_time_gives_the_date_after_a_month():
    now = utcnow()
    then = now - timedelta(days=45)
    assert relative_time(then, now) == then.strftime("%-d %b %Y")


def test_the_sure_stance_expression_agrees_with_the_rule(ctx, article):
    from poll.database.models import Comment
    from poll.vocabulary import UNCERTAIN_BELOW

    poll = poll_by_slug(article)
    cases = {
        "sure guess": (None, "military", UNCERTAIN_BELOW + 0.01),
        "unsure guess": (None, "military", UNCERTAIN_BELOW - 0.01),
        "confirmed": ("military", "military", 0.1),
        "untagged": (None, "unknown", 0.0),
    }
    for n, (body, (corrected, stance, confidence)) in enumerate(cases.items()):
        posted = comment(poll, n, body)
        posted.corrected_stance, posted.stance, posted.stance_confidence = corrected, stance, confidence
    db.session.flush()
    in_sql = dict(db.session.execute(db.select(Comment.body, Comment.sure_stance)).tuples().all())
    in_python = {c.body: c.sure_stance for c in db.session.execute(db.select(Comment)).scalars()}
    assert (
        in_sql
        == in_python
        == {
            "sure guess": "military",
            "unsure guess": None,
            "confirmed": "military",
            "untagged": None,
        }
    )


def test_a_voided_burst_takes_its_marks_out_of_every_count_and_a_restore_puts_them_back(ctx, article):
    """#27 item 3: 22 new voters from one address marked one comment; the void left
    "22 good points" and its "valued across sides" rank, and they could still mark."""
    from poll.database.models import VOTE_COUNTED, VOTE_VOID, Vote

    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 1)
    boosted = comment(poll, 1, "Boosted by a burst")
    vote(poll, "diplomacy", 2)
    honest = comment(poll, 2, "Marked by one real reader")
    for n in range(10, 16):
        vote(poll, "military", n)
        mark(poll, boosted, n)
    vote(poll, "military", 3)
    mark(poll, honest, 3)
    burst = [voter(n) for n in range(10, 16)]

    def set_burst(status):
        db.session.execute(db.update(Vote).where(Vote.voter_id.in_(burst)).values(status=status))
        db.session.flush()

    def valued():
        view = debate_view(poll, None, TODAY, sort=SORT_VALUED, side="diplomacy")
        return [t.comment.body for t in view.threads]

    assert mark_counts(poll.id, [boosted.id])[boosted.id].marks == 6
    assert valued()[0] == "Boosted by a burst"
    set_burst(VOTE_VOID)
    assert boosted.id not in mark_counts(poll.id, [boosted.id, honest.id])
    assert valued()[0] == "Marked by one real reader"
    with pytest.raises(DebateRequestError, match="Vote in the poll first"):
        toggle_mark(poll, honest.id, voter(10), utcnow())
    set_burst(VOTE_COUNTED)
    assert mark_counts(poll.id, [boosted.id])[boosted.id].marks == 6
