"""The stance rules (the explainer behind ``cues``) and the tagger, tested without an app."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from poll.tagging import tag
from poll.tagging.stance import classify_stance

DATA = Path(__file__).resolve().parents[2] / "data"
POLL_PACKAGE = Path(__file__).resolve().parents[2] / "poll"


@pytest.mark.parametrize(
    "text, stance",
    [
        # negation and failure predicates
        ("Military action won't solve anything.", "diplomacy"),
        ("No more talks. They lie every time.", "military"),
        ("Diplomacy has failed for thirty years; respond with force.", "military"),
        ("Don't give up on diplomacy.", "diplomacy"),
        ("Bombing them would start a war that kills millions.", "diplomacy"),
        # contrast and concession
        ("Sanctions matter, but talks are the only way.", "diplomacy"),
        ("Talking sounds nice, but deterrence is what keeps Seoul safe.", "military"),
        ("Although dialogue sounds reasonable, only strength deters Kim.", "military"),
        ("No more talks, respond with force.", "military"),
        # mixed positions and pure questions
        ("We need both strong deterrence and serious talks.", "neutral"),
        ("Carrots and sticks at the same time.", "neutral"),
        ("Should we strike first or keep negotiating?", "neutral"),
        ("How many missiles were fired?", "neutral"),
        # military words used to argue for peace
        ("The best deterrent is a peace deal.", "diplomacy"),
        ("More weapons only mean more risk of war.", "diplomacy"),
        # anti-appeasement with no military word
        ("Rewarding their provocations with summits only emboldens them.", "military"),
        ("Every concession gets pocketed before the next launch.", "military"),
        # word forms and multi-word phrases
        ("Negotiating a freeze is the smart move.", "diplomacy"),
        ("They only understand strength.", "military"),
        ("A show of force is overdue.", "military"),
        # event reports carry no stance
        ("The missiles landed in the sea at 7:30 am.", "neutral"),
    ],
)
def test_hard_cases(text, stance):
    assert classify_stance(text).stance == stance


def test_cues_name_what_decided():
    result = classify_stance("Military action won't solve anything.")
    assert result.cues == ("military action (said to fail) \u2192 diplomacy",)
    assert 0 < result.confidence <= 1


def test_confidence_grows_with_evidence():
    weak = classify_stance("Deterrence.")
    strong = classify_stance("Deterrence and a show of force: they only understand strength.")
    assert weak.stance == strong.stance == "military"
    assert strong.confidence > weak.confidence


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01", "😀" * 500, "<script>alert(1)</script>", "a" * 2_000]
)
def test_odd_input_is_neutral_civil_and_scored_by_vader(text):
    """Nothing in these argues a side or attacks anyone: no stance, no flag, VADER's own tone."""
    result = tag(text)
    assert (result.stance, result.cues, result.uncivil) == ("neutral", (), False)
    assert result.compound == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


@pytest.mark.slow
def test_tagging_imports_neither_flask_nor_the_database():
    """Loaded on its own (the app's package stands empty: its create_app never
    imported), tagging and the vocabulary it shares pull in no web or database code."""
    code = (
        "import sys, types; poll = types.ModuleType('poll'); poll.__path__ = [sys.argv[1]];"
        "sys.modules['poll'] = poll; import poll.tagging as tagging; tagging.tag('talks now');"
        "bad = [m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, str(POLL_PACKAGE)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.slow
def test_the_web_app_imports_neither_the_tagger_nor_numpy(tmp_path):
    """A web worker serves pages; the encoders, the heads and numpy load where comments are tagged (the
    tagging worker, TAGGING=inline, `flask tag`), not when the app is imported, nor when the queue draws
    a comment's incivility against its head's threshold."""
    code = (
        "import sys, wsgi; from poll.database.models import Comment;"
        "from poll.debate.tag_labels import incivility_label;"
        "label = incivility_label(Comment(incivility=0.9, uncivil=True, language='ko',"
        " tagger_version='stance-nk-e5-4+incivility-e5-12/vader-3.3.2'));"
        "assert 'uncivil from' in label.meaning, label;"
        "loaded = [m for m in ('poll.tagging', 'numpy') if m in sys.modules];"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    environ = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}", "SECRET_KEY": "k" * 32}
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=POLL_PACKAGE.parent, env=environ, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
