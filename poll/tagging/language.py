"""Which language a comment is written in (ISO 639-1), with py3langid.

py3langid ships its model in the package. On a few words it guesses wildly
("nuke em" reads as Zulu), so a short or unsure comment in Latin script is asked
again among the Latin-script languages the heads read, and a guess kept when that
second look is sure or says English; otherwise it is read in the poll's language
(English where the poll's language is not one of those). Mistaking an English
comment for a foreign one costs most (a poll's own stance head reads English only,
and the other languages' heads were fitted on few English rows), so the bars are
set where English is almost never misread.
"""

import copy
import re
import threading
import unicodedata

from poll.vocabulary import ENGLISH

DEFAULT_LANGUAGE = ENGLISH
# The revision of the rules below, stored in every comment's tagger_version (beside the heads' names), so that
# `flask retag` reads a comment again when they change: 2, short comments' second looks (2026-12-08).
RULES_REVISION = "lang-2"
MIN_LETTERS = 20  # fewer letters than this: too little to tell (a second look decides, in any script)
MIN_PROBABILITY = 0.60
# py3langid names a few regional varieties apart; the tagger reads them as the language they belong to
# (an insult in Egyptian Arabic went unscored as "arz").
MACROLANGUAGES = {"arz": "ar", "ary": "ar", "yue": "zh", "wuu": "zh"}
# The Latin-script languages the heads read. An unsure guess is asked again among these alone, and a
# language other than English kept when that second guess is sure (English whenever it is the second
# guess): chosen on the training rows, where
# 0.8 read 56 of 77 misread comments in the other languages right and none of 8,919 English rows wrong
# (0.7 misread one English row).
LATIN_SCRIPT_LANGUAGES = ("de", "en", "es", "fr", "pt")
# Every language the heads read (the incivility heads' cards list them; a test holds the two equal). A comment
# in another script whose guess is none of these, and that is short or unsure, is asked again among them:
# on the first 3-20 characters and the whole of the other-script training rows, py3langid named a language
# the heads do not read 1,580 times (Russian as Serbian, Belarusian, Macedonian, Ukrainian or Bulgarian,
# Arabic as Persian or Pashto; whole one-liners too: "Мораторий — до первого звонка." as Ukrainian at 0.57),
# so their insults went unscored; the second look read 1,578 of them right and none wrong (held out, on
# multilingual/holdout_8: 76 of 76). A short Ukrainian or Persian comment is read as Russian or Arabic by it,
# and scored by the multilingual head, rather than left unscored; a longer, sure one keeps its language.
TAGGED_LANGUAGES = ("ar", "de", "en", "es", "fr", "ja", "ko", "pt", "ru", "zh")
SECOND_LOOK_PROBABILITY = 0.80
# Under MIN_LETTERS letters the second look is kept from 0.9: chosen on the first one to six words of the
# English and other-language rows (36,137 distinct English starts: 8 read as another language, all fragments
# such as "Scholz is" or "a liaison"; 6,431 in the other four languages: 40.6 % read right; at 0.8, 0.06 % of
# English was misread). Until then every such comment was read as the poll's language, and one-line insults in
# Spanish, French, German or Portuguese went to the English heads.
SHORT_SECOND_LOOK_PROBABILITY = 0.90


# A reader's handle or a link is in Latin script whatever the comment's language ("@pacifist_77 ты дура" has
# more Latin letters than Cyrillic), so neither is read where there are other words.
HANDLES_AND_LINKS = re.compile(r"(?<![\w.])@[\w.]+|(?:https?://|www\.)\S+", re.IGNORECASE)


_IDENTIFIERS: dict[tuple[str, ...], object] = {}
# Reentrant: a restricted identifier is made from the full one, which the same call may have to load first.
_IDENTIFIERS_LOCK = threading.RLock()


def _identifier(languages: tuple[str, ...] = ()):
    """py3langid's identifier, over every language or only ``languages``. A restricted one is a shallow copy
    of the full one, sharing its tables: loading the model again took about 80 MB a copy, and three copies
    put the tagging process over its 1 GiB budget. Made under a lock: two tagging threads starting at once
    would each load the model."""
    found = _IDENTIFIERS.get(languages)
    if found is not None:
        return found
    with _IDENTIFIERS_LOCK:
        if languages not in _IDENTIFIERS:
            if languages:
                identifier = copy.copy(_identifier())
                identifier.set_languages(list(languages))  # rebinds the copy's own (small) column subsets
            else:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            _IDENTIFIERS[languages] = identifier
        return _IDENTIFIERS[languages]


def _letters(text: str) -> tuple[int, int]:
    """(letters, of which in Latin script)."""
    letters = latin = 0
    for character in text:
        if character.isalpha():
            letters += 1
            latin += "LATIN" in unicodedata.name(character, "")
    return letters, latin


def usual_language(poll_language: str | None) -> str:
    """What a comment too short or unsure to tell is read as: its poll's language where that is one of
    the Latin-script languages the heads read (a Korean poll's "ok lol" is still English), else English."""
    return poll_language if poll_language in LATIN_SCRIPT_LANGUAGES else DEFAULT_LANGUAGE


def detect_language(text: str, poll_language: str | None = None) -> str:
    """``poll_language``: the language of the poll the comment is posted on (None: English)."""
    fallback = usual_language(poll_language)
    words = HANDLES_AND_LINKS.sub(" ", text)
    if any(character.isalpha() for character in words):
        text = words  # else a comment that is only a handle or a link, read as it is
    letters, latin = _letters(text)
    if letters == 0:
        return fallback
    code, probability = _identifier().classify(text)
    mostly_latin = latin >= letters / 2
    short = letters < MIN_LETTERS
    if mostly_latin and (short or probability < MIN_PROBABILITY):
        code, probability = _identifier(LATIN_SCRIPT_LANGUAGES).classify(text)
        sure = SHORT_SECOND_LOOK_PROBABILITY if short else SECOND_LOOK_PROBABILITY
        # English as the second look's answer, sure or not, is kept: on a Spanish or French poll the
        # fallback alone read half of the English training rows' first words as the poll's language, this
        # rule 9 % of them (and 3 % of the poll language's own fewer).
        return code if probability >= sure or code == DEFAULT_LANGUAGE else fallback
    code = MACROLANGUAGES.get(code, code)
    if code not in TAGGED_LANGUAGES and (short or probability < MIN_PROBABILITY):
        second, probability = _identifier(TAGGED_LANGUAGES).classify(text)
        if probability >= SECOND_LOOK_PROBABILITY:
            return second
    return code
