"""A comment's private status link: shown once after posting, stored only as a hash, and opening
the comment's status from any browser (no cookie); a wrong link is a 404 that says nothing more."""

import hashlib
import re

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, COMMENT_REJECTED, MODERATION_POST, Comment
from poll.debate.appeals import appeal_rejection
from poll.debate.status_links import NO_SUCH_STATUS_LINK
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for

AUTHOR_TOKEN = "1" * 32
STATUS_LINK = re.compile(r'href="(http://localhost/polls/[^"]+/comments/(\d+)/status/([A-Za-z0-9_-]+))"')


def author(app):
    client = app.test_client()
    with app.app_context():
        client.set_cookie(VOTER_COOKIE, sign_voter_token(AUTHOR_TOKEN))
    return client


def post_and_read_link(
    client, slug: str, body: str = "Talks first, then we will see."
) -> tuple[str, int, str]:
    """Post a comment as ``client``, follow the redirect, and read the status link it shows."""
    response = client.post(f"/polls/{slug}/comments", data={"body": body})
    assert response.status_code == 302
    landed = client.get(response.headers["Location"])
    match = STATUS_LINK.search(landed.get_data(as_text=True))
    assert match, "the page the author lands on shows the status link"
    assert "Keep this link to check your comment from any device" in landed.get_data(as_text=True)
    assert match.group(3) not in response.headers["Location"]  # never in an address
    return match.group(1), int(match.group(2)), match.group(3)


def set_comment(app, comment_id: int, **fields) -> None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        for name, value in fields.items():
            setattr(comment, name, value)
        db.session.commit()


def test_only_the_token_hash_is_stored_and_the_link_is_shown_once(app, client, debate_poll):
    poster = author(app)
    url, comment_id, token = post_and_read_link(poster, debate_poll)
    assert len(token) >= 43  # 32 random bytes, base64url
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.status_token_hash == hashlib.sha256(token.encode()).hexdigest()
        row = db.session.execute(db.select(Comment.__table__)).one()
    assert token not in [str(value) for value in row]
    # Shown once: the next page no longer has it.
    again = poster.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert token not in again
    # Two comments, two different tokens.
    _, _, second = post_and_read_link(poster, debate_poll, "A second thought on talks.")
    assert second != token


def test_a_reply_gets_its_own_status_link(app, make_poll):
    slug = make_poll(
        slug="open-talk", moderation_mode=MODERATION_POST, choices=[("yes", "Yes"), ("no", "No")]
    )
    poster = author(app)
    _, parent_id, _ = post_and_read_link(poster, slug)
    response = poster.post(f"/polls/{slug}/comments/{parent_id}/replies", data={"body": "And a reply to it."})
    assert response.status_code == 302
    landed = poster.get(response.headers["Location"]).get_data(as_text=True)
    match = STATUS_LINK.search(landed)
    assert match and int(match.group(2)) != parent_id
    assert app.test_client().get(match.group(1)).status_code == 200


def test_the_status_page_opens_from_another_browser_for_each_status(app, client, debate_poll):
    url, comment_id, _ = post_and_read_link(author(app), debate_poll, "Sanctions <b>now</b>, talks later.")
    other_device = app.test_client()  # no cookie at all

    page = other_device.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Awaiting review" in html and "Sanctions &lt;b&gt;now&lt;/b&gt;, talks later." in html

    set_comment(app, comment_id, status=COMMENT_APPROVED)
    html = other_device.get(url).get_data(as_text=True)
    assert "Published" in html and f"/polls/{debate_poll}/comments/{comment_id}" in html

    set_comment(
        app, comment_id, status=COMMENT_REJECTED, decision_reason="Off topic: this poll asks about talks."
    )
    html = other_device.get(url).get_data(as_text=True)
    assert "Not published" in html and "Off topic: this poll asks about talks." in html
    assert "ask a moderator to look again from the debate page" in html

    with app.app_context():
        appeal_rejection(
            poll_by_slug(debate_poll), comment_id, voter_id_for(AUTHOR_TOKEN), "It is on topic.", utcnow()
        )
        db.session.commit()
    html = other_device.get(url).get_data(as_text=True)
    assert "Appeal awaiting review" in html and "It is on topic." in html

    set_comment(app, comment_id, status=COMMENT_REJECTED)
    html = other_device.get(url).get_data(as_text=True)
    assert "Not published" in html and "stays unpublished" in html


def test_a_wrong_token_or_comment_is_the_same_404(app, client, debate_poll, make_comment, make_poll):
    url, comment_id, token = post_and_read_link(author(app), debate_poll)
    base = f"/polls/{debate_poll}/comments"
    older = make_comment("Posted before status links.", voter="c" * 32)
    set_comment(app, older, status_token_hash=None)
    elsewhere = make_poll(slug="elsewhere")
    wrong = [
        f"{base}/{comment_id}/status/{token[:-1]}x",
        f"{base}/{comment_id}/status/{token[:-1]}",
        f"{base}/{comment_id + 1000}/status/{token}",
        f"{base}/{older}/status/{token}",
        f"{base}/{comment_id}/status/{'é' * 43}",
        f"/polls/{elsewhere}/comments/{comment_id}/status/{token}",
    ]
    bodies = set()
    for address in wrong:
        response = client.get(address)
        assert response.status_code == 404, address
        assert response.headers["Cache-Control"] == "no-store"
        body = response.get_data(as_text=True)
        if elsewhere not in address:
            assert str(NO_SUCH_STATUS_LINK) in body
            bodies.add(body)
    assert len(bodies) == 1, "a wrong comment and a wrong token read the same"
    assert client.get(url).status_code == 200


def test_the_status_page_sends_no_referrer_no_store_and_noindex(app, client, debate_poll):
    url, _, _ = post_and_read_link(author(app), debate_poll)
    response = client.get(url)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)
    # Other pages keep the site's policy.
    assert (
        client.get(f"/polls/{debate_poll}/debate").headers["Referrer-Policy"]
        == "strict-origin-when-cross-origin"
    )
