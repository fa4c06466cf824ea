"""The plain frame's height, worked out from a poll's texts (a pure function; the browser test in
tests/browser/test_plain_iframe_in_browser.py checks the card fits it)."""

import pytest

from poll.polls.finding import poll_by_slug
from poll.polls.frame_height import (
    CHOICE_CHARS,
    QUESTION_CHARS,
    after_vote_height,
    before_vote_height,
    embed_height,
    embed_height_for,
    text_lines,
)

QUESTION = "Should the city keep its night buses?"
NOTE = "Readers' poll: not a scientific survey."


def labels(count: int, text: str = "Answer") -> list[str]:
    return [f"{text} {number}" for number in range(count)]


@pytest.mark.parametrize(
    "text, chars, lines",
    [
        ("", 20, 1),
        ("Yes", 20, 1),
        ("A stronger military response", 20, 2),  # wraps between words
        ("x" * 45, 20, 3),  # a word longer than a line breaks, as overflow-wrap: anywhere does
        ("강" * 10, 20, 1),  # a Korean syllable is set about 1 em wide: ten fill a line of twenty
        ("강" * 11, 20, 2),
        ("より強い軍事的対応", 10, 2),  # Japanese: nine characters, eighteen average ones
        ("外交 대화", 20, 1),  # wide characters and spaces together
    ],
)
def test_text_is_wrapped_between_words_and_within_a_long_one(text, chars, lines):
    assert text_lines(text, chars) == lines


def test_a_poll_written_in_korean_gets_a_taller_frame_than_its_letter_count_says():
    """A poll may be written in Korean, Japanese or Chinese (its own language): the frame counts their
    characters at their width, so the card's links are not cut off."""
    korean = embed_height(
        "북한의 미사일 발사에 대해 더 강력한 군사적 대응이 필요할까요, 외교적 관여에 집중해야 할까요?",
        ["더 강력한 군사적 대응이 필요하다", "외교적 관여에 집중해야 한다", "잘 모르겠다"],
    )
    same_length_latin = embed_height("x" * 52, ["x" * 17, "x" * 15, "x" * 6])
    assert korean > same_length_latin


def test_each_choice_makes_the_frame_taller():
    heights = [embed_height(QUESTION, labels(count), note=NOTE) for count in range(2, 11)]
    assert heights == sorted(heights) and len(set(heights)) == len(heights)


def test_a_label_that_wraps_gets_the_lines_it_wraps_to():
    short = embed_height(QUESTION, ["Yes", "No", "Not sure"])
    wrapping = embed_height(QUESTION, ["Yes", "No", "Not sure " * 10])
    # Its ballot box and its result row each get the extra lines (at least one more line of 22.4px).
    assert wrapping - short >= 2 * 22
    assert text_lines("Not sure " * 10, CHOICE_CHARS) > 3


def test_a_long_question_makes_the_frame_taller_line_by_line():
    one_line = "x " * (QUESTION_CHARS // 2 - 1)
    three_lines = "word " * (QUESTION_CHARS * 3 // 5 - 1)
    assert text_lines(three_lines, QUESTION_CHARS) == 3
    assert embed_height(three_lines, labels(3)) - embed_height(one_line, labels(3)) >= 2 * 22


def test_the_taller_state_sets_the_height():
    # Results shown before voting make the ballot the taller state; hidden, the results after voting are.
    public, hidden = (before_vote_height(QUESTION, labels(5), public, NOTE) for public in (True, False))
    assert public > after_vote_height(QUESTION, labels(5), NOTE) > hidden
    assert embed_height(QUESTION, labels(5), results_public=True, note=NOTE) > embed_height(
        QUESTION, labels(5), note=NOTE
    )


def test_the_results_note_is_counted_when_there_is_one():
    assert embed_height(QUESTION, labels(3), note=NOTE) > embed_height(QUESTION, labels(3), note="")


def test_the_seeded_poll_needs_more_than_the_old_fixed_420px(app, debate_poll):
    """The issue's case: at 420px a phone cut off the links before voting and 'Your vote' after it."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        height = embed_height_for(poll)
        assert height == embed_height(
            poll.question, [choice.label for choice in poll.choices], note=poll.results_note
        )
    assert 420 < height < 800
