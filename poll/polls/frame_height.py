"""How tall the plain <iframe> must be for the card to show without scrolling inside it.

A CMS that strips scripts gets a frame whose height is fixed in the code the dashboard gives, so the height is
worked out here, from the poll's own texts, for the taller of the card's two states:
before voting (question, every choice, Vote, the results when they are public, the links) and after it
(the thank-you, the question, the results with "Your vote", "Change your vote", the links).

Each figure below mirrors a size in static/css/embed.css (a rem is 16 px); change one, change the other
(tests/browser/test_plain_iframe_in_browser.py lays the card out in Chromium and checks it fits). Text is
wrapped at the narrowest frame a reader gets (MIN_EMBED_WIDTH) with characters as wide as DejaVu Sans, the
widest common screen font (Linux's default); phones' Roboto and San Francisco set narrower, so a frame errs on
the tall side rather than cutting off the links.
"""

import math
import textwrap
import unicodedata
from collections.abc import Sequence

from poll.database.models import RESULTS_ALWAYS
from poll.polls.embedding import MIN_EMBED_WIDTH

REM = 16.0
# .embed-card: 4px top border, .6rem above and .75rem below the content, .75rem each side.
CARD_FRAME = 4 + 0.6 * REM + 0.75 * REM
TEXT_WIDTH = MIN_EMBED_WIDTH - 2 * 0.75 * REM
BODY_LINE = 1.4 * REM

# Characters per line: the width a line has over a generous average character width (px) of its font.
QUESTION_CHARS = int(TEXT_WIDTH / 8.4)  # bold serif, 1.05rem
# A choice's label sits inside a 2px border, .65rem padding each side, the radio (1.25rem) and a .6rem gap.
CHOICE_CHARS = int((TEXT_WIDTH - 4 - 1.3 * REM - 1.25 * REM - 0.6 * REM) / 10.4)  # bold sans, 1rem
RESULT_CHARS = int(TEXT_WIDTH / 10.4)  # a result's label, bold sans, the whole width
BADGE_CHARS = 10  # "Your vote" beside the reader's choice, and its gap
HINT_CHARS = int(TEXT_WIDTH / 9.0)  # .hint, .925rem
NOTE_CHARS = int(TEXT_WIDTH / 8.6)  # .results__note, .875rem italic

KICKER = 0.8 * REM * 1.5 + 0.2 * REM
QUESTION_LINE = 1.05 * REM * 1.35
QUESTION_BELOW = 0.5 * REM
CHOICE_BOX = 4 + 0.8 * REM  # border and padding around a choice's lines
CHOICE_GAP = 0.35 * REM
CHOICES_BELOW = 0.6 * REM
VOTE_BUTTON = REM + 1.4 * REM
HINT_LINE = 0.925 * REM * 1.4
HINT_ABOVE = 0.35 * REM
RESULTS_MARGIN = 0.6 * REM + 0.25 * REM
RESULTS_HEADING = REM * 1.2 + 0.35 * REM
RESULT_GAP = 0.4 * REM
RESULT_FIGURES = 0.1 * REM + 1.25 * REM  # the bar and figures under a result's label
RESULTS_TOTAL = 0.35 * REM + BODY_LINE
NOTE_LINE = 0.875 * REM * 1.4
NOTE_ABOVE = 0.35 * REM
# "Thank you: your vote is counted." in its box: two lines at 280px, padding, and the margins under it.
THANK_YOU = 2 * BODY_LINE + 0.8 * REM + 0.5 * REM + 0.5 * REM
CHANGE_VOTE = 0.4 * REM + BODY_LINE
# "Join the debate" and "Full poll": room for two lines, should their words grow or a narrow frame wrap them.
LINKS = 0.5 * REM + 2 * HINT_LINE + 0.25 * REM


def text_lines(text: str, chars_per_line: int) -> int:
    """Lines ``text`` takes at ``chars_per_line`` (a long word breaks, as overflow-wrap: anywhere does).
    A Korean, Japanese or Chinese character (East Asian wide or full-width) is set about 1 em wide, twice
    the average character the widths above assume, so it counts twice: a poll written in Korean gets a
    frame tall enough for its lines."""
    widened = "".join("xx" if unicodedata.east_asian_width(char) in "WF" else char for char in text)
    return max(1, len(textwrap.wrap(widened, chars_per_line)))


def results_height(labels: Sequence[str], note: str, mine: bool) -> float:
    """The results section; with ``mine``, "Your vote" goes on whichever label it would wrap most."""
    lines = [text_lines(label, RESULT_CHARS) for label in labels]
    if mine:
        lines.append(
            max(
                text_lines(f"{label} {'x' * BADGE_CHARS}", RESULT_CHARS) - text_lines(label, RESULT_CHARS)
                for label in labels
            )
        )
    rows = sum(lines) * BODY_LINE + len(labels) * RESULT_FIGURES + (len(labels) - 1) * RESULT_GAP
    note_height = NOTE_ABOVE + text_lines(note, NOTE_CHARS) * NOTE_LINE if note else 0
    return RESULTS_MARGIN + RESULTS_HEADING + rows + RESULTS_TOTAL + note_height


def question_height(question: str) -> float:
    return text_lines(question, QUESTION_CHARS) * QUESTION_LINE + QUESTION_BELOW


def before_vote_height(question: str, labels: Sequence[str], results_public: bool, note: str) -> float:
    choices = sum(CHOICE_BOX + text_lines(label, CHOICE_CHARS) * BODY_LINE for label in labels)
    choices += (len(labels) - 1) * CHOICE_GAP + CHOICES_BELOW
    # Public results follow the ballot; otherwise a hint says they come after voting.
    below = results_height(labels, note, mine=False) if results_public else HINT_ABOVE + 2 * HINT_LINE
    return question_height(question) + choices + VOTE_BUTTON + below


def after_vote_height(question: str, labels: Sequence[str], note: str) -> float:
    return THANK_YOU + question_height(question) + results_height(labels, note, mine=True) + CHANGE_VOTE


def embed_height(question: str, labels: Sequence[str], results_public: bool = False, note: str = "") -> int:
    """The plain frame's height in CSS pixels: the card before or after voting, whichever is taller."""
    content = max(
        before_vote_height(question, labels, results_public, note), after_vote_height(question, labels, note)
    )
    return math.ceil(CARD_FRAME + KICKER + content + LINKS)


def embed_height_for(poll) -> int:
    """``embed_height`` for a poll (its question, choices, whether results show before voting, its note)."""
    return embed_height(
        poll.question,
        [choice.label for choice in poll.choices],
        results_public=poll.results_visibility == RESULTS_ALWAYS,
        note=poll.results_note,
    )
