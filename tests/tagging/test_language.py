"""Language detection: foreign comments are recognised, short English is not mistaken."""

import pytest

from poll.tagging.language import detect_language
from poll.tagging.training.datasets import STANCE_FILE, rows_of


@pytest.mark.parametrize(
    "text, language",
    [
        ("북한의 미사일 발사는 도발입니다. 대화가 필요합니다.", "ko"),
        ("Nordkorea muss mit Diplomatie begegnet werden, nicht mit Waffen und Drohungen.", "de"),
        ("La diplomatie est la seule voie possible avec Pyongyang, pas les bombes.", "fr"),
        ("Нужно вести переговоры с Северной Кореей, а не угрожать ей.", "ru"),
        ("北朝鮮との対話が必要だと思います。", "ja"),
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
