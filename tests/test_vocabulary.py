"""The sure-stance rule: a moderator's stance, else the tagger's only where it is sure; and the
vocabulary's copies of the heads' thresholds, which the cards are the source of."""

import pytest

from poll.database.models import FLAG_STANCE_VOTE_MISMATCH
from poll.debate.flags import flags_for_tags
from poll.tagging import incivility_threshold
from poll.tagging.heads import shipped_head
from poll.tagging.training.datasets import OTHER_LANGUAGES
from poll.vocabulary import (
    CIVIL_FLAGGED_BY_LANGUAGE,
    CIVIL_FLAGGED_SPLITS,
    NEVER_SURE,
    UNCERTAIN_BELOW,
    UNCERTAIN_BELOW_OTHER_LANGUAGES,
    UNKNOWN,
    Tags,
    distinct_rows,
    incivility_decision,
    reads_as_no_position,
    sure_stance,
)

SURE = min(UNCERTAIN_BELOW + 0.01, 1.0)
UNSURE = UNCERTAIN_BELOW - 0.01


@pytest.mark.parametrize(
    "corrected, stance, confidence, expected",
    [
        (None, "military", SURE, "military"),
        (None, "military", UNCERTAIN_BELOW, "military"),
        (None, "military", UNSURE, None),
        ("diplomacy", "military", SURE, "diplomacy"),
        ("military", "military", UNSURE, "military"),  # confirmed by a moderator
        (None, UNKNOWN, 0.0, None),
        ("neutral", UNKNOWN, 0.0, "neutral"),
    ],
)
def test_sure_stance(corrected, stance, confidence, expected):
    assert sure_stance(corrected, stance, confidence, "en") == expected


@pytest.mark.parametrize(
    "language, confidence, expected",
    [
        ("ko", UNCERTAIN_BELOW_OTHER_LANGUAGES, "military"),
        ("ko", UNCERTAIN_BELOW_OTHER_LANGUAGES - 0.01, None),
        ("de", UNCERTAIN_BELOW, None),  # sure in English, not in German: another head, another threshold
        ("en", UNCERTAIN_BELOW, "military"),
        (None, UNCERTAIN_BELOW, "military"),  # stored before languages were detected: English
    ],
)
def test_each_language_is_sure_from_its_own_heads_threshold(language, confidence, expected):
    assert UNCERTAIN_BELOW < UNCERTAIN_BELOW_OTHER_LANGUAGES
    assert sure_stance(None, "military", confidence, language) == expected


@pytest.mark.parametrize(
    "sure_from, confidence, language, expected",
    [
        (0.95, 0.9, "en", None),  # a poll's own head: sure from its own threshold, above English's...
        (0.6, 0.7, "ko", "military"),  # ... or below the other languages'
        (NEVER_SURE, 1.0, "en", None),  # a head that could not show one: never sure
        (None, UNCERTAIN_BELOW, "en", "military"),  # the shipped heads: by language
    ],
)
def test_a_heads_own_threshold_decides_where_it_has_one(sure_from, confidence, language, expected):
    assert sure_stance(None, "military", confidence, language, sure_from) == expected
    tags = Tags("military", confidence, (), "neutral", 0.0, None, False, language, "v", sure_from)
    assert tags.sure_stance == expected
    assert sure_stance("diplomacy", "military", confidence, language, sure_from) == "diplomacy"


def test_a_text_labelled_twice_is_kept_once_at_its_first_place_with_its_last_stance():
    rows = [("Ban cars.", "yes"), ("Keep the buses.", "no"), ("  ban   CARS. ", "no"), ("Unsure.", "neutral")]
    assert distinct_rows(rows) == [("Ban cars.", "no"), ("Keep the buses.", "no"), ("Unsure.", "neutral")]


def test_an_unsure_guess_never_flags_a_reader_as_arguing_against_their_vote():
    unsure = sure_stance(None, "military", UNSURE, "en")
    sure = sure_stance(None, "military", SURE, "en")
    assert flags_for_tags(False, unsure, "diplomacy") == set()
    assert flags_for_tags(False, sure, "diplomacy") == {FLAG_STANCE_VOTE_MISMATCH}
    assert flags_for_tags(False, sure, "military") == set()


def test_only_the_cues_for_a_stance_support_it():
    from poll.tagging.stance import classify_stance
    from poll.vocabulary import cues_supporting

    cues = classify_stance("We should bomb them and also talk to them").cues
    assert cues_supporting(cues, "military") == [cue for cue in cues if cue.endswith("→ military")]
    assert cues_supporting(cues, "military") and cues_supporting(cues, "diplomacy")
    assert not set(cues_supporting(cues, "military")) & set(cues_supporting(cues, "diplomacy"))
    assert cues_supporting(cues, "neutral") == []


@pytest.mark.parametrize(
    "label",
    [
        "Not sure",
        "not sure.",
        "NOT SURE?",
        "  Undecided ",
        "Don't know",
        "Don’t know",  # a typographic apostrophe
        "I don't know!",
        "No opinion",
        "Neither",
        "Unsure",
        "Other",
        "Can't say",
        "Don't know / no opinion",
        "Indécis",
        "Weiß nicht",
        "No sé",
    ],
)
def test_labels_that_take_no_position(label):
    assert reads_as_no_position(label)


@pytest.mark.parametrize(
    "label",
    [
        "Yes",
        "No",
        "Not now",
        "Neither side should back down",
        "Sure",
        "Diplomatic engagement",
        "Other countries should act",
        "Not sure / Yes",
        "",
        " / ",
    ],
)
def test_labels_that_take_a_position(label):
    assert not reads_as_no_position(label)


@pytest.mark.parametrize("language", ["en", None, "ko", "es"])
def test_the_moderators_incivility_thresholds_are_the_ones_the_tagger_decides_by(language):
    """vocabulary holds each incivility head's name and threshold so that the queue need not load a
    head; the tagger decides by the heads' cards."""
    assert tuple(incivility_decision(language))[:2] == incivility_threshold(language)


def test_each_languages_share_of_civil_comments_flagged_is_the_cards():
    """The moderators' label says how often the other languages' head flags a civil comment in the
    comment's language: the share its card measured, pooled over the splits the vocabulary names, and at
    least the share it flags out of fold."""
    card = shipped_head("incivility.json").card

    def pooled(language: str) -> float:
        figures = [card[split][language] for split in CIVIL_FLAGGED_SPLITS]
        flagged = sum(round(each["false_flags"] * each["civil"]) for each in figures)
        measured = round(flagged / sum(each["civil"] for each in figures), 2)
        return max(measured, round(card["out_of_fold_other_languages"]["false_flags"], 2))

    assert {language: pooled(language) for language in (*OTHER_LANGUAGES, "all")} == CIVIL_FLAGGED_BY_LANGUAGE
    assert incivility_decision("ko").civil_flagged == CIVIL_FLAGGED_BY_LANGUAGE["ko"]
    assert incivility_decision("it").civil_flagged == CIVIL_FLAGGED_BY_LANGUAGE["all"]
    assert incivility_decision("en").civil_flagged is None


def test_the_uncertain_thresholds_are_the_ones_training_chose():
    """vocabulary holds them so that the models need not load a head; the cards are the source. Each
    stance head's own, for the comments it reads."""
    assert shipped_head("stance_en.json").card["sure_from"] == UNCERTAIN_BELOW
    assert shipped_head("stance.json").card["sure_from"] == UNCERTAIN_BELOW_OTHER_LANGUAGES
