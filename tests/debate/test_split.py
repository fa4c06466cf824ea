"""How the debate splits: votes against the side argued, the tally where a reader may see it, and
each side's pick."""

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, RESULTS_AFTER_VOTE, Comment
from poll.debate.sides import side_order
from poll.debate.split import NOT_VOTED, debate_split
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.debate.building import TODAY, comment, mark, vote, voter
from tests.debate.building import voter as token
from tests.helpers import post, reader, say, threads_by_side


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


# On the debate page --------------------------------------------------------------------


def test_a_moderators_stance_is_counted_in_the_split_but_never_moves_a_comment(app, client, open_debate):
    post(client, open_debate, "How many missiles were fired?")
    post(client, open_debate, "Another question, from the same reader.")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "No comment&#39;s side has been checked by a moderator yet" in page
    with app.app_context():
        comment = db.session.execute(db.select(Comment).order_by(Comment.id)).scalars().first()
        comment.corrected_stance = "military"
        db.session.commit()
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "How many missiles" in threads_by_side(page)["neutral"]
    split = page.split('id="split-heading"', 1)[1]
    assert "Counts the 1 of 2 published comments whose side a moderator has checked" in split


def test_the_split_shows_the_tally_only_to_those_who_may_see_it(app, debate_poll, make_comment):
    comment_id = make_comment("Talks are the way forward.", status=COMMENT_APPROVED)
    with app.app_context():
        db.session.get(Comment, comment_id).corrected_stance = "diplomacy"  # checked by a moderator
        db.session.commit()
    stranger = app.test_client().get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "How the debate splits" in stranger and "Results so far" not in stranger
    assert "The tally shows here once you have voted." in stranger
    voter_client = reader(app, token(5))
    voter_client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    page = voter_client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "Results so far" in page and "Checked comments by the commenter" in page
    table = page.split('class="split__table"', 1)[1].split("</table>", 1)[0]
    assert "Has not voted" in table and "<td>1</td>" in table


def test_the_split_picks_a_good_point_from_the_other_side(app, article):
    dove = reader(app, token(1))
    dove.post(f"/polls/{article}/vote", data={"choice": "diplomacy"})
    target = say(dove, article, "Talks bought us quiet years.")
    hawk = reader(app, token(2))
    hawk.post(f"/polls/{article}/vote", data={"choice": "military"})
    hawk.post(f"/polls/{article}/comments/{target}/mark")
    page = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    aside = page.split('id="split-heading"', 1)[1]
    assert "Those who voted &ldquo;Military&rdquo; found this a good point:" in aside
    assert "Talks bought us quiet years." in aside.split("Military&rdquo;", 1)[1].split("</li>", 1)[0]
