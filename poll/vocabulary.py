"""The domain's words that the models, the rules and the tagger share.

Nothing here imports the tagger: the models and the web views read these
names without loading numpy or a model.
"""

import re
import unicodedata
from typing import NamedTuple

MILITARY = "military"
DIPLOMACY = "diplomacy"
NEUTRAL = "neutral"
STANCES = (MILITARY, DIPLOMACY, NEUTRAL)
# The tagger gives no stance: a language it does not read, or a poll without a stance model.
UNKNOWN = "unknown"
# A queue filter, not a stance: the tagger gave a side but is not sure of it.
UNCERTAIN = "uncertain"
SENTIMENTS = ("positive", "neutral", "negative")

# Choice labels that take no position: a vote for one is no argument for any side, so an editor's new
# choice with such a label stands for NEUTRAL unless they map it (poll/polls/side_mapping.py, default_side);
# left as a side of its own, the debate would open a column "For: Not sure". Compared after
# no_position_text(): lower case, accents, apostrophes and punctuation dropped. A short explicit list
# rather than a pattern: "Not now" or "Neither side should back down" take a position.
NO_POSITION_LABELS = frozenset(
    {
        "not sure", "not sure yet", "unsure", "im not sure", "i am not sure", "undecided", "im undecided",
        "dont know", "do not know", "i dont know", "i do not know", "dont know yet", "no idea",
        "no opinion", "no view", "no strong view", "no preference", "neither", "neither nor",
        "neither of these", "neither of them", "none of these", "none of the above", "other",
        "something else", "cant say", "cannot say", "cant decide", "hard to say", "too early to say",
        "prefer not to say", "no answer", "depends", "it depends",
        # French, German, Spanish
        "je ne sais pas", "ne sais pas", "sans opinion", "indecis", "weiss nicht", "keine meinung",
        "unentschieden", "no se", "no lo se", "sin opinion", "indeciso",
    }
)  # fmt: skip


def no_position_text(label: str) -> str:
    """``label`` as NO_POSITION_LABELS lists it: "Don’t know." -> "dont know", "Indécis" -> "indecis"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c))
    bare = re.sub(r"['\u2019\u02bc`]", "", bare.casefold())
    return " ".join(re.findall(r"\w+", bare))


def reads_as_no_position(label: str) -> bool:
    """Whether a choice's label takes no position ("Not sure", "Don't know / no opinion")."""
    parts = [no_position_text(part) for part in re.split(r"[/|]", label)]
    return any(parts) and all(part in NO_POSITION_LABELS for part in parts if part)


# Below these calibrated probabilities the tagger's stance is "uncertain": the queue says so, and
# neither filters nor the stance/vote mismatch flag use it. Each stance head's training chooses its own
# out of fold, so that its sure stances are right at least 90 % of the time, and writes it into the
# head's card; a test holds them equal. English comments (and those stored before languages were
# detected, all English then) are read by the English head, the other languages by the multilingual one.
# A poll's own head sets its own (poll.tagging.poll_heads), which each comment it tags keeps beside its
# stance (Tags.sure_from, Comment.stance_sure_from).
UNCERTAIN_BELOW = 0.8135
UNCERTAIN_BELOW_OTHER_LANGUAGES = 0.8762
# How often the stances a head shows as sure must be right (the 95 % Wilson lower bound reaching it): the
# rule every stance head's threshold is set by, the shipped heads' in training and a poll's own when fitted.
SURE_PRECISION = 0.90
# The threshold of a head that cannot show its stances right 90 % of the time (a poll's own head fitted
# from too few rows): above any confidence, so none of its stances is ever shown as sure.
NEVER_SURE = 2.0


def own_sure_from(card: dict) -> float:
    """A poll's own head's threshold, from its card: NEVER_SURE for a head fitted before heads had one
    (2026-12-08), as for one whose rows could not show one."""
    return card.get("sure_from", NEVER_SURE)


def is_never_sure(sure_from: float | None) -> bool:
    """Whether a head with threshold ``sure_from`` (None: a shipped head's) shows no stance as sure."""
    return sure_from is not None and sure_from >= NEVER_SURE


ENGLISH = "en"


def is_english(language: str | None) -> bool:
    """Whether the English heads read a comment in ``language`` (None: stored before languages were
    detected, when every comment was read as English)."""
    return language in (None, ENGLISH)


def uncertain_below(language: str | None, sure_from: float | None = None) -> float:
    """The confidence from which the stance of a comment in ``language`` is shown as sure: ``sure_from``,
    the threshold of the head that tagged it, where that head has its own (a poll's own head)."""
    if sure_from is not None:
        return sure_from
    return UNCERTAIN_BELOW if is_english(language) else UNCERTAIN_BELOW_OTHER_LANGUAGES


class IncivilityDecision(NamedTuple):
    head: str  # the incivility head's name, as it appears in a comment's tagger_version
    uncivil_from: float  # the score from which that head calls a comment uncivil
    # Where the head is known to flag many civil comments: the share measured on the test splits (the model
    # card has them), which the moderators' label says.
    civil_flagged: float | None = None


# The shipped incivility heads and their thresholds, for the moderators' labels: held here, as the sure
# thresholds are, so that drawing the queue never loads a head (numpy and the weights). The heads' cards
# are the source, and the tagger decides by them; a test holds the two equal.
INCIVILITY_ENGLISH = IncivilityDecision("incivility-mp-6", 0.642838)
INCIVILITY_OTHER_LANGUAGES = IncivilityDecision("incivility-e5-12", 0.668414)
# The share of civil comments that head flags in each language: pooled over the two multilingual test
# splits it was not fitted on (comments.csv's test rows and holdout_8: 32-47 civil comments a language;
# "all" for the nine together), but never under the share it flags out of fold on its training rows (8 %):
# one flagged comment of 42 is no promise, and half the pool is comments.csv, whose writers' civil
# comments are the easiest of any split (3.8 % flagged, against 8.9 % on holdout_8). Rounded as the label
# prints it; a test computes them again from the card.
CIVIL_FLAGGED_SPLITS = ("multilingual_test", "multilingual_holdout_8")
CIVIL_FLAGGED_BY_LANGUAGE = {
    "ar": 0.09, "de": 0.12, "es": 0.08, "fr": 0.08, "ja": 0.08,
    "ko": 0.08, "pt": 0.08, "ru": 0.08, "zh": 0.09, "all": 0.08,
}  # fmt: skip


def incivility_decision(language: str | None) -> IncivilityDecision:
    """The head that scores a comment in ``language`` for incivility, its threshold there, and how often it
    flags a civil comment in that language."""
    if is_english(language):
        return INCIVILITY_ENGLISH
    flagged = CIVIL_FLAGGED_BY_LANGUAGE.get(language or "", CIVIL_FLAGGED_BY_LANGUAGE["all"])
    return INCIVILITY_OTHER_LANGUAGES._replace(civil_flagged=flagged)


# A stance cue reads "<phrase>[ (note)] → <side>": the words, and the side they count for.
CUE_POINTS_TO = " \u2192 "

# ISO 639-1 codes the language detector gives, as moderators read them.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sv": "Swedish", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def language_name(code: str | None) -> str | None:
    return LANGUAGE_NAMES.get(code, code) if code is not None else None


def sure_stance(
    corrected: str | None,
    stance: str,
    confidence: float,
    language: str | None,
    sure_from: float | None = None,
) -> str | None:
    """A moderator's stance, else the tagger's where it is sure (None: nobody is sure); ``sure_from`` as
    for ``uncertain_below``."""
    if corrected:
        return corrected
    return stance if stance != UNKNOWN and confidence >= uncertain_below(language, sure_from) else None


def cues_supporting(cues: list[str] | tuple[str, ...], stance: str) -> list[str]:
    """The cues that count for ``stance``: the lexicon's cues explain, and one
    for the other side would read as evidence against the stance shown."""
    return [cue for cue in cues if cue.rpartition(CUE_POINTS_TO)[2] == stance]


class Tags(NamedTuple):
    """One comment's tags, as ``poll.tagging.tag`` gives them and the debate stores them."""

    stance: str
    stance_confidence: float
    cues: tuple[str, ...]
    sentiment: str
    compound: float
    incivility: float | None
    uncivil: bool
    language: str | None
    version: str
    # The confidence from which this stance is sure, where the head that gave it has its own threshold (a
    # poll's own head); None: the shipped heads', by language (uncertain_below). No default: tags made
    # with a poll's head must say so, or they would be judged by the English head's threshold.
    sure_from: float | None

    def as_dict(self) -> dict:
        return {**self._asdict(), "cues": list(self.cues)}

    @property
    def language_name(self) -> str | None:
        return language_name(self.language)

    @property
    def sure_stance(self) -> str | None:
        return sure_stance(None, self.stance, self.stance_confidence, self.language, self.sure_from)


# Passed as ``stance_head`` for a poll that no stance head covers: stance "unknown".
NO_STANCE_HEAD = "no-stance-head"
# The fewest labelled rows a poll's own stance head is fitted from (its page says how many are missing).
MIN_POLL_ROWS = 6


def distinct_rows(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(text, stance) rows with each text once (case and spacing aside), at its first place with its last
    stance: a moderator's correction, read after the examples, wins. A text twice would sit on both sides
    of a fold and make the head look right where it only remembers (132 rows given twice set a threshold
    of 0.51 where once they never reach one)."""
    kept: dict[str, tuple[str, str]] = {}
    for text, stance in rows:
        key = " ".join(text.casefold().split())
        kept[key] = (kept[key][0] if key in kept else text, stance)
    return list(kept.values())
