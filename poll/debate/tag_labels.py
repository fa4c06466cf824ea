"""How the tagger's output reads on the moderators' pages: incivility as a score
with what it means, only the cues that support the stance shown, and sentiment
as what it is, VADER's tone (a lexicon's reading of the words, not of civility)."""

from typing import NamedTuple

from poll.database.models import Comment
from poll.vocabulary import cues_supporting, incivility_decision


class IncivilityLabel(NamedTuple):
    text: str  # "uncivil: 0.93", "civil: 0.12", "incivility: not scored"
    meaning: str  # what the score says, against the head's threshold
    needs_look: bool  # uncivil, or not scored: not presumed civil


def incivility_label(comment: Comment) -> IncivilityLabel:
    """The incivility head's score (0 civil to 1 uncivil) and its decision, with the
    threshold it was decided at; an unscored comment needs a look like an uncivil one."""
    if comment.incivility is None:
        return IncivilityLabel("incivility: not scored", "language not scored: read it", True)
    word = "uncivil" if comment.uncivil else "civil"
    decision = incivility_decision(comment.language)
    if decision.head not in comment.tagger_version:
        meaning = "0 civil to 1 uncivil"  # scored by an earlier head, whose threshold is not at hand
    else:
        meaning = f"0 civil to 1 uncivil; uncivil from {decision.uncivil_from:.2f}"
        if decision.civil_flagged is not None:
            meaning += (
                f"; in this language about {decision.civil_flagged:.0%} of civil comments score "
                "as high: read it before acting"
            )
    return IncivilityLabel(f"{word}: {comment.incivility:.2f}", meaning, comment.uncivil)


def shown_cues(comment: Comment) -> list[str]:
    """The stance cues that count for the stance shown (a moderator's, else the tagger's)."""
    return cues_supporting(comment.stance_cues or [], comment.effective_stance)


def tone_label(comment: Comment) -> str:
    """VADER's compound score and its label, e.g. "positive +0.49"."""
    return f"{comment.sentiment} {comment.compound:+.2f}"


def tag_label_helpers() -> dict:
    """For templates that draw a comment's tags (admin/_tags.html)."""
    return {"incivility_label": incivility_label, "shown_cues": shown_cues, "tone_label": tone_label}
