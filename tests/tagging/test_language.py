"""Language detection: foreign comments are recognised, short English is not mistaken."""

import pytest

from poll.tagging.heads import shipped_head
from poll.tagging.language import MACROLANGUAGES, _identifier, detect_language
from poll.tagging.training.datasets import STANCE_FILE, rows_of


@pytest.mark.parametrize(
    "text, language",
    [
        ("북한의 미사일 발사는 도발입니다. 대화가 필요합니다.", "ko"),
        ("Nordkorea muss mit Diplomatie begegnet werden, nicht mit Waffen und Drohungen.", "de"),
        ("La diplomatie est la seule voie possible avec Pyongyang, pas les bombes.", "fr"),
        ("Нужно вести переговоры с Северной Кореей, а не угрожать ей.", "ru"),
        ("北朝鮮との対話が必要だと思います。", "ja"),
        # Cantonese, which py3langid names "yue": read as Chinese, which the heads score.
        ("佢哋又射導彈，真係冇完冇了，點算好呀", "zh"),
        # Unsure guesses (py3langid: 0.42-0.56, one "tl") that a second look among the heads' Latin-script
        # languages is sure of.
        ("Mejor hablar que disparar, Ana.", "es"),
        ("Otra vez misiles. Qué cansancio, de verdad.", "es"),
        ("Mais uma vez, Pyongyang provoca. Chega.", "pt"),
        ("nuke em", "en"),
        ("lol", "en"),
        ("Kim Jong Un", "en"),
        ("!!!", "en"),
        ("", "en"),
    ],
)
def test_detects_the_language(text, language):
    assert detect_language(text) == language


def test_no_english_comment_of_the_labelled_set_is_taken_for_another_language():
    texts = [row["text"] for row in rows_of(STANCE_FILE)]
    foreign = [text for text in texts if detect_language(text) != "en"]
    assert foreign == []


def test_the_regional_varieties_it_names_apart_are_languages_the_heads_score():
    """py3langid can answer each of these codes, and each maps to a language the incivility head reads."""
    classes = set(_identifier().nb_classes)
    scored = set(shipped_head("incivility.json").card["languages"])
    assert set(MACROLANGUAGES) <= classes
    assert set(MACROLANGUAGES.values()) <= scored


def test_a_short_comment_in_latin_script_is_still_read_in_the_polls_language():
    """Under 20 letters there is no second look, however sure it would be."""
    assert detect_language("Gut so, Herr Nachbar.") == "en"
