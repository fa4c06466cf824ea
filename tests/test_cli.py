"""Command-line commands."""

import pytest
from sqlalchemy import func

from poll.database.models import Choice, Poll
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG
from poll.tagging import tag


def test_seed_creates_the_debate_poll_once(app, runner):
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "Created poll" in first.output
    assert second.exit_code == 0 and "Already present" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Poll)) == 1
        poll = db.session.execute(db.select(Poll).filter_by(slug=DEBATE_POLL_SLUG)).scalar_one()
        assert poll.is_featured
        assert [c.key for c in poll.choices] == ["military", "diplomacy", "undecided"]
        assert db.session.scalar(db.select(func.count()).select_from(Choice)) == 3


def test_seed_gives_an_empty_list_the_preset_rejection_reasons_and_leaves_an_edited_one(app, runner):
    from poll.database.models import RejectionReason
    from poll.debate.moderation import DEFAULT_REJECTION_REASONS, rejection_reasons

    first = runner.invoke(args=["seed"])
    assert (
        first.exit_code == 0
        and f"Added {len(DEFAULT_REJECTION_REASONS)} preset rejection reasons" in first.output
    )
    with app.app_context():
        assert rejection_reasons() == list(DEFAULT_REJECTION_REASONS)
        # An admin trims the list to one reason of their own: seeding again must not undo that.
        db.session.execute(db.delete(RejectionReason))
        db.session.add(RejectionReason(text="Our own reason", position=1))
        db.session.commit()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0 and "preset rejection reasons" not in second.output
    with app.app_context():
        assert rejection_reasons() == ["Our own reason"]


def test_tag_prints_json(runner):
    import json

    result = runner.invoke(args=["tag", "No more talks. They only understand strength."])
    assert result.exit_code == 0
    text = "No more talks. They only understand strength."
    assert json.loads(result.output) == tag(text).as_dict()
    assert json.loads(result.output)["stance"] == "military"


def test_tag_reads_standard_input(runner):
    import json

    result = runner.invoke(args=["tag", "-"], input="Keep negotiating, please.\n")
    assert result.exit_code == 0
    assert json.loads(result.output)["stance"] == "diplomacy"


def test_tag_reads_a_one_liner_in_the_polls_language(runner):
    import json

    text = "Cállate, payaso, que no das una."
    english = json.loads(runner.invoke(args=["tag", text]).output)
    spanish = json.loads(runner.invoke(args=["tag", "--poll-language", "es", text]).output)
    assert (english["language"], spanish["language"]) == ("en", "es")
    assert spanish == tag(text, poll_language="es").as_dict()


def test_tag_refuses_a_poll_language_not_shipped(runner):
    result = runner.invoke(args=["tag", "--poll-language", "xx", "Talks now."])
    assert result.exit_code == 2
    assert "--poll-language" in result.output


def test_tag_refuses_empty_text(runner):
    result = runner.invoke(args=["tag", "   "])
    assert result.exit_code == 2
    assert "Give some text to tag" in result.output


def _old_comments(app, slug, bodies, version="old-1", language=None):
    """Comments stored as an older tagger version left them."""
    from poll.database.models import Comment
    from poll.polls.finding import poll_by_slug

    with app.app_context():
        poll = poll_by_slug(slug)
        for body in bodies:
            db.session.add(
                Comment(
                    poll_id=poll.id,
                    voter_id="v" * 32,
                    body=body,
                    stance="neutral",
                    stance_confidence=0.1,
                    stance_cues=[],
                    sentiment="neutral",
                    compound=0.0,
                    tagger_version=version,
                    language=language,
                    status="approved",
                )
            )
        db.session.commit()


def _versions(app):
    from poll.database.models import Comment

    with app.app_context():
        return db.session.execute(
            db.select(Comment.tagger_version, Comment.stance).order_by(Comment.id)
        ).all()


def test_retag_updates_old_versions_in_batches_and_reports_counts(app, runner, debate_poll):
    from poll.tagging import TAGGER_VERSION, tag

    bodies = ["No more talks!", "Keep negotiating.", "How many missiles?"]
    _old_comments(app, debate_poll, bodies * 3)
    result = runner.invoke(args=["retag", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Re-tagged 9 comments" in result.output
    # The old rows all said "neutral": every other stance the tagger gives counts as a change.
    changed = 3 * sum(tag(body).stance != "neutral" for body in bodies)
    assert f"{changed} changed stance" in result.output
    rows = _versions(app)
    assert {version for version, _ in rows} == {TAGGER_VERSION}
    assert [stance for _, stance in rows] == [tag(body).stance for body in bodies * 3]
    again = runner.invoke(args=["retag"])
    assert "Re-tagged 0 comments" in again.output
    forced = runner.invoke(args=["retag", "--all"])
    assert "Re-tagged 9 comments" in forced.output and "0 changed stance" in forced.output


def test_a_plain_retag_reads_again_comments_the_language_rules_misread(app, runner, debate_poll):
    """The same heads, older language rules: the version names the rules' revision, so a plain retag finds
    the short Russian insult once read as Serbian and left unscored."""
    from poll.database.models import Comment
    from poll.tagging import TAGGER_VERSION
    from poll.tagging.language import RULES_REVISION

    before = TAGGER_VERSION.removesuffix(f"/{RULES_REVISION}").replace("stance-nk-mp-8", "stance-nk-e5-4")
    before = before.replace("incivility-mp-5", "incivility-e5-12")
    _old_comments(app, debate_poll, ["Ну и дурак."], version=before, language="sr")
    result = runner.invoke(args=["retag"])
    assert "Re-tagged 1 comments" in result.output, result.output
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        assert comment.language == "ru" and comment.incivility is not None
        assert comment.tagger_version.endswith(f"/vader-3.3.2/{RULES_REVISION}")


def test_retag_redoes_the_flags_that_follow_from_tags_and_keeps_the_rest(app, runner, debate_poll):
    """Flags are redone from the new tags and each author's vote, in batches
    that split the comments; flags that need history (a link, a moderator's
    second look) stay."""
    from poll.database.models import (
        FLAG_LINK,
        FLAG_MODERATOR,
        FLAG_STANCE_VOTE_MISMATCH,
        FLAG_UNCIVIL,
        Comment,
        CommentFlag,
    )
    from poll.polls.finding import poll_by_slug

    bodies_votes_and_old_flags = [
        (
            "Talks have failed for thirty years. Shoot down every missile they fire and hit the launch pads before the next one.",
            "diplomacy",
            [],
        ),
        ("Keep negotiating, talks are the only way.", "diplomacy", [FLAG_STANCE_VOTE_MISMATCH, FLAG_LINK]),
        ("These people are animals and should be wiped off the map.", None, []),
        ("Thanks for the update.", "military", [FLAG_UNCIVIL, FLAG_MODERATOR]),
    ]
    _old_comments(app, debate_poll, [body for body, _, _ in bodies_votes_and_old_flags])
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        comments = db.session.execute(db.select(Comment).order_by(Comment.id)).scalars().all()
        for comment, (_, vote, flags) in zip(comments, bodies_votes_and_old_flags, strict=True):
            comment.author_choice = poll.choice_by_key(vote) if vote else None
            comment.flags = [CommentFlag(flag=flag) for flag in flags]
        db.session.commit()

    result = runner.invoke(args=["retag", "--batch-size", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        flags = [
            sorted(flag.flag for flag in comment.flags)
            for comment in db.session.execute(db.select(Comment).order_by(Comment.id)).scalars()
        ]
    from poll.tagging import tag

    def from_tags(body, vote):
        found = tag(body)
        wanted = {FLAG_UNCIVIL} if found.uncivil else set()
        if {found.stance, vote} == {"military", "diplomacy"}:
            wanted.add(FLAG_STANCE_VOTE_MISMATCH)
        return wanted

    kept = [[], [FLAG_LINK], [], [FLAG_MODERATOR]]  # need history: re-tagging leaves them
    assert flags == [
        sorted(from_tags(body, vote) | set(history))
        for (body, vote, _), history in zip(bodies_votes_and_old_flags, kept, strict=True)
    ]
    assert FLAG_UNCIVIL in flags[2] and FLAG_UNCIVIL not in flags[3]


def test_retag_only_the_chosen_poll(app, runner, debate_poll, make_poll):
    other = make_poll("other")
    _old_comments(app, debate_poll, ["No more talks!"])
    _old_comments(app, other, ["Keep negotiating."])
    result = runner.invoke(args=["retag", "--poll", other])
    assert "Re-tagged 1 comments" in result.output
    assert [version for version, _ in _versions(app)].count("old-1") == 1


def test_retag_unknown_poll_is_a_clear_error(runner, debate_poll):
    result = runner.invoke(args=["retag", "--poll", "nope"])
    assert result.exit_code == 2
    assert "no poll with slug 'nope'" in result.output


def test_interrupted_retag_keeps_finished_batches_and_resumes(app, runner, debate_poll, monkeypatch):
    from poll import cli

    _old_comments(app, debate_poll, ["No more talks!"] * 5)
    real_retag = cli.retag
    calls = {"n": 0}

    def interrupted_after_two_batches(batch):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_retag(batch)

    monkeypatch.setattr(cli, "retag", interrupted_after_two_batches)
    result = runner.invoke(args=["retag", "--batch-size", "2"])
    assert result.exit_code == 130
    assert "Interrupted: 4 comments re-tagged and saved" in result.output
    assert [version for version, _ in _versions(app)].count("old-1") == 1

    monkeypatch.setattr(cli, "retag", real_retag)
    result = runner.invoke(args=["retag", "--batch-size", "2"])
    assert "Re-tagged 1 comments" in result.output
    assert [version for version, _ in _versions(app)].count("old-1") == 0


def _accounts(app):
    from poll.database.models import Moderator

    with app.app_context():
        return {m.username: (m.role, m.disabled) for m in db.session.execute(db.select(Moderator)).scalars()}


def test_moderator_add_reads_a_piped_password_and_audits(app, runner):
    from poll.database.models import AuditEntry

    result = runner.invoke(
        args=["moderator", "add", "ada", "--role", "admin"], input="correct horse battery\n"
    )
    assert result.exit_code == 0, result.output
    assert _accounts(app) == {"ada": ("admin", False)}
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.actor, entry.action, entry.target_id) == ("command line", "moderator.add", "ada")


@pytest.mark.parametrize(
    "args, password, message",
    [
        (["moderator", "add", "bob"], "short\n", "at least 12 characters"),
        (["moderator", "add", "bob"], "            \n", "only spaces"),
        (["moderator", "add", "b"], "correct horse battery\n", "2 to 50 letters"),
        (["moderator", "add", "<script>"], "correct horse battery\n", "2 to 50 letters"),
        (
            ["moderator", "add", "bob", "--role", "root"],
            "correct horse battery\n",
            "Invalid value for '--role'",
        ),
        (["moderator", "add", "ada"], "correct horse battery\n", "already a moderator called 'ada'"),
        (["moderator", "disable", "nobody"], "", "no moderator called 'nobody'"),
        (["moderator", "set-password", "nobody"], "correct horse battery\n", "no moderator called 'nobody'"),
        (["moderator", "set-password", "ada"], "short\n", "at least 12 characters"),
    ],
)
def test_moderator_commands_refuse_bad_input_clearly(app, runner, args, password, message):
    runner.invoke(args=["moderator", "add", "ada"], input="correct horse battery\n")
    result = runner.invoke(args=args, input=password)
    assert result.exit_code != 0
    assert message in result.output
    assert _accounts(app) == {"ada": ("moderator", False)}


def test_moderator_list_disable_and_set_password(app, runner):
    from poll.accounts import moderators

    runner.invoke(args=["moderator", "add", "ada", "--role", "admin"], input="correct horse battery\n")
    runner.invoke(args=["moderator", "add", "mo"], input="another good password\n")
    listing = runner.invoke(args=["moderator", "list"]).output
    assert "ada" in listing and "admin" in listing and "never" in listing
    assert (
        runner.invoke(args=["moderator", "set-password", "mo"], input="a brand new password\n").exit_code == 0
    )
    with app.app_context():
        assert moderators.authenticate("mo", "a brand new password") is not None
    assert runner.invoke(args=["moderator", "disable", "mo"]).exit_code == 0
    assert _accounts(app)["mo"] == ("moderator", True)
    assert "already disabled" in runner.invoke(args=["moderator", "disable", "mo"]).output
    assert "disabled" in runner.invoke(args=["moderator", "list"]).output
