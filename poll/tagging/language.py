"""Which language a comment is written in (ISO 639-1), with py3langid.

py3langid ships its model in the package. On a few words it guesses wildly
("nuke em" reads as Zulu), so a short or unsure guess of another language in
Latin script falls back to the poll's language: mistaking an English comment
for a foreign one would hide its stance and incivility from moderators, while
the reverse only leaves a foreign comment with English-model tags.
"""

import unicodedata
from functools import cache

from poll.vocabulary import ENGLISH

DEFAULT_LANGUAGE = ENGLISH
MIN_LETTERS = 20  # fewer letters than this in Latin script: too little to tell
MIN_PROBABILITY = 0.60


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _letters(text: str) -> tuple[int, int]:
    """(letters, of which in Latin script)."""
    letters = latin = 0
    for character in text:
        if character.isalpha():
            letters += 1
            latin += "LATIN" in unicodedata.name(character, "")
    return letters, latin


def detect_language(text: str) -> str:
    letters, latin = _letters(text)
    if letters == 0:
        return DEFAULT_LANGUAGE
    code, probability = _identifier().classify(text)
    mostly_latin = latin >= letters / 2
    if mostly_latin and (letters < MIN_LETTERS or probability < MIN_PROBABILITY):
        return DEFAULT_LANGUAGE
    return code
