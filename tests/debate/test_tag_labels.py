"""How a comment's tags read to moderators: incivility as a score with its threshold,
the cues for the stance shown only, and sentiment as VADER's tone."""

import pytest

from poll.database.models import Comment
from poll.debate.tag_labels import incivility_label, shown_cues, tone_label
from poll.tagging import TAGGER_VERSION, incivility_threshold, version_with
from poll.vocabulary import CIVIL_FLAGGED_BY_LANGUAGE

_, ENGLISH = incivility_threshold("en")
_, OTHER = incivility_threshold("ko")


def comment(**fields) -> Comment:
    values = {
        "stance": "diplomacy",
        "stance_confidence": 0.9,
        "stance_cues": [],
        "sentiment": "neutral",
        "compound": 0.0,
        "incivility": 0.12,
        "uncivil": False,
        "language": "en",
        "tagger_version": TAGGER_VERSION,
    }
    return Comment(**{**values, **fields})


@pytest.mark.parametrize(
    "fields, text, meaning, needs_look",
    [
        ({"incivility": 0.93, "uncivil": True}, "uncivil: 0.93", f"uncivil from {ENGLISH:.2f}", True),
        ({"incivility": 0.12, "uncivil": False}, "civil: 0.12", f"uncivil from {ENGLISH:.2f}", False),
        # Korean is scored by the multilingual head, at its other-languages threshold.
        (
            {
                "incivility": 0.6,
                "uncivil": False,
                "language": "ko",
                "tagger_version": version_with(None, "ko"),
            },
            "civil: 0.60",
            f"from {OTHER:.2f}",
            False,
        ),
        ({"incivility": None, "uncivil": False}, "incivility: not scored", "read it", True),
    ],
)
def test_incivility_reads_as_a_score_with_its_threshold(fields, text, meaning, needs_look):
    label = incivility_label(comment(**fields))
    assert (label.text, label.needs_look) == (text, needs_look)
    assert meaning in label.meaning


def test_another_languages_label_says_how_often_its_civil_comments_score_as_high():
    """The other languages' head flags a different share of civil comments in each language (model card):
    the label says the comment's language's share; an English comment's says none."""
    korean = incivility_label(
        comment(incivility=0.8, uncivil=True, language="ko", tagger_version=version_with(None, "ko"))
    )
    german = incivility_label(
        comment(incivility=0.8, uncivil=True, language="de", tagger_version=version_with(None, "de"))
    )
    share = {language: f"{CIVIL_FLAGGED_BY_LANGUAGE[language]:.0%}" for language in ("ko", "de")}
    assert f"about {share['ko']} of civil comments score as high: read it before acting" in korean.meaning
    assert f"about {share['de']} of civil comments score as high" in german.meaning
    assert share["ko"] != share["de"]
    assert korean.needs_look
    english = incivility_label(comment(incivility=0.8, uncivil=True))
    assert "civil comments score as high" not in english.meaning


def test_a_score_from_an_earlier_head_does_not_claim_todays_threshold():
    label = incivility_label(
        comment(incivility=0.5, uncivil=True, tagger_version="old+incivility-e5-1/vader")
    )
    assert label.text == "uncivil: 0.50" and "from" not in label.meaning


def test_cues_shown_are_those_for_the_stance_shown_a_correction_included():
    cues = ["bomb \u2192 military", "talks \u2192 diplomacy", "strike (negated) \u2192 diplomacy"]
    assert shown_cues(comment(stance="diplomacy", stance_cues=cues)) == cues[1:]
    assert shown_cues(comment(stance="diplomacy", corrected_stance="military", stance_cues=cues)) == cues[:1]
    assert shown_cues(comment(stance="neutral", stance_cues=cues)) == []


def test_tone_is_vaders_label_and_signed_score():
    assert tone_label(comment(sentiment="positive", compound=0.4939)) == "positive +0.49"
    assert tone_label(comment(sentiment="negative", compound=-0.7)) == "negative -0.70"
