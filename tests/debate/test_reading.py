"""Reading the debate: threads filed by vote, interleaving, sorts, replies and a comment's page."""

import re

import pytest

from poll.database.models import COMMENT_APPROVED, COMMENT_PENDING, Comment
from poll.debate.comments import DebateRequestError
from poll.debate.marks import mark_counts
from poll.debate.reading import (
    SORT_NEWEST,
    SORT_REPLIES,
    SORT_VALUED,
    debate_view,
    parse_shown,
    parse_side,
    parse_sort,
    reply_parent,
    thread_of,
)
from poll.debate.sides import side_order
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.debate.building import TODAY, comment, mark, set_unsure_neutral, vote
from tests.debate.building import voter as token
from tests.helpers import post, reader, say, threads_by_side


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


def test_the_sure_stance_expression_agrees_with_the_rule(ctx, article):
    """Each language at its own head's threshold: a confidence sure in English can be unsure in Korean; a
    comment a poll's own head tagged, at that head's threshold."""
    from poll.database.models import Comment
    from poll.vocabulary import NEVER_SURE, UNCERTAIN_BELOW, UNCERTAIN_BELOW_OTHER_LANGUAGES

    between = (UNCERTAIN_BELOW + UNCERTAIN_BELOW_OTHER_LANGUAGES) / 2
    poll = poll_by_slug(article)
    cases = {
        "sure guess": (None, "military", UNCERTAIN_BELOW + 0.01, "en", None),
        "unsure guess": (None, "military", UNCERTAIN_BELOW - 0.01, "en", None),
        "stored before languages": (None, "military", between, None, None),
        "english, between": (None, "diplomacy", between, "en", None),
        "korean, between": (None, "diplomacy", between, "ko", None),
        "korean, sure": (None, "neutral", UNCERTAIN_BELOW_OTHER_LANGUAGES, "ko", None),
        "confirmed": ("military", "military", 0.1, "ko", None),
        "untagged": (None, "unknown", 0.0, "nl", None),
        "own head, under its threshold": (None, "yes", 0.9, "en", 0.95),
        "own head, over its threshold": (None, "no", 0.7, "ko", 0.6),
        "own head, never sure": (None, "yes", 1.0, "en", NEVER_SURE),
    }
    for n, (body, (corrected, stance, confidence, language, sure_from)) in enumerate(cases.items()):
        posted = comment(poll, n, body)
        posted.corrected_stance, posted.stance, posted.stance_confidence = corrected, stance, confidence
        posted.language, posted.stance_sure_from = language, sure_from
    db.session.flush()
    in_sql = dict(db.session.execute(db.select(Comment.body, Comment.sure_stance)).tuples().all())
    in_python = {c.body: c.sure_stance for c in db.session.execute(db.select(Comment)).scalars()}
    assert (
        in_sql
        == in_python
        == {
            "sure guess": "military",
            "unsure guess": None,
            "stored before languages": "military",
            "english, between": "diplomacy",
            "korean, between": None,
            "korean, sure": "neutral",
            "confirmed": "military",
            "untagged": None,
            "own head, under its threshold": None,
            "own head, over its threshold": "no",
            "own head, never sure": None,
        }
    )


# On the debate page --------------------------------------------------------------------


def test_newest_first_and_shown_in_steps(app, client, open_debate):
    app.config["COMMENTS_PER_PAGE"] = 2
    for number in range(5):
        post(client, open_debate, f"Talks round {number} would help.")
    with app.app_context():  # one column, whatever the tagger made of them: this is about paging
        db.session.execute(db.update(Comment).values(corrected_stance="diplomacy"))
        db.session.commit()
    reader = app.test_client()  # not the author, whose own comments are all listed for them
    first = reader.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert first.index("round 4") < first.index("round 3")
    assert "round 2" not in first and "shown=4" in first
    more = reader.get(f"/polls/{open_debate}/debate?shown=4").get_data(as_text=True)
    assert more.index("round 4") < more.index("round 1") and "round 0" not in more
    everything = reader.get(f"/polls/{open_debate}/debate?shown=6").get_data(as_text=True)
    assert "round 0" in everything and "shown=8" not in everything


@pytest.mark.parametrize(
    "shown, rounds",
    [("abc", 2), ("-4", 2), ("0", 2), ("1.5", 2), ("9e99", 2), ("\u00b2", 2), ("3", 3), ("99999999999", 5)],
)
def test_an_odd_count_of_threads_shown_is_read_as_the_nearest_sensible_one(
    app, client, open_debate, shown, rounds
):
    """Not a number: the first step; below a step: one step; above the most: all there are."""
    app.config["COMMENTS_PER_PAGE"] = 2
    for number in range(5):
        post(client, open_debate, f"Talks round {number} would help.")
    page = app.test_client().get(f"/polls/{open_debate}/debate", query_string={"shown": shown})
    assert page.status_code == 200
    listed = [number for number in range(5) if f"round {number} would" in page.get_data(as_text=True)]
    assert listed == list(range(5 - rounds, 5))


def test_a_comment_the_tagger_cannot_read_is_shown_with_the_other_views(client, open_debate):
    post(client, open_debate, "북한과의 대화가 필요합니다. 군사적 대응은 너무 위험합니다.")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "북한과의 대화가 필요합니다." in threads_by_side(page)["neutral"]


def test_show_more_loads_the_next_comments_and_keeps_the_place(app, article):
    app.config["COMMENTS_PER_PAGE"] = 2
    author = reader(app, token(1))
    ids = [say(author, article, f"Point number {n}.") for n in range(3)]
    page = app.test_client().get(f"/polls/{article}/debate?sort=replies").get_data(as_text=True)
    link = re.search(r'href="([^"]*shown=4[^"]*)"', page).group(1)
    assert "sort=replies" in link and link.endswith(f"#comment-{ids[1]}")
    more = app.test_client().get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert all(f"Point number {n}." in more for n in range(3)) and "shown=6" not in more
