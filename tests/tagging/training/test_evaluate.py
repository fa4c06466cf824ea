"""``python -m poll.tagging.training.evaluate``."""

import subprocess
import sys

import pytest

from poll.tagging.training.evaluate import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "poll.tagging.training.evaluate", *args], capture_output=True, text=True
    )


@pytest.mark.slow
def test_prints_accuracy_macro_f1_and_confusion(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(
        'text,stance\n"Talks, talks and more talks.",diplomacy\nNo more talks!,military\n'
        "How many missiles?,neutral\nThe best deterrent is a peace deal.,military\n",
        encoding="utf-8",
    )
    completed = run(str(path), "--errors")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "comments:  4" in out
    assert "macro-F1:" in out and "expected calibration error:" in out
    assert "confusion (rows true, columns predicted):" in out
    # The accuracy printed is the share of rows not listed as misclassified.
    misclassified = out.split("misclassified (true -> predicted):\n")[1].strip().splitlines()
    assert f"accuracy:  {(4 - len(misclassified)) / 4:.3f}" in out
    confusion = out.split("columns predicted):\n")[1].split("\n\n")[0].splitlines()[1:]
    assert sum(int(cell) for line in confusion for cell in line.split()[1:]) == 4


def test_bad_files_give_a_clear_error(tmp_path, capsys):
    # In this process (the test above runs the module as a program): a bad file is refused before
    # the model is asked anything.
    missing_column = tmp_path / "a.csv"
    missing_column.write_text("comment,label\nx,y\n")
    unknown_label = tmp_path / "b.csv"
    unknown_label.write_text("text,stance\nhello,hawkish\n")
    for path, message in [
        (missing_column, "expected columns"),
        (unknown_label, "unknown stance 'hawkish'"),
        (tmp_path / "none.csv", "No such file"),
    ]:
        assert main([str(path)]) == 2
        assert message in capsys.readouterr().err
