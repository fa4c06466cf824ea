"""The private-API notes in requirements.txt name real code and real tests.

Each note sits beside the pin it depends on and names the test comparing the
fast path with the public one; these checks keep the notes from going stale.
"""

import ast
import importlib
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
NOTE = re.compile(r"^# private API: (?P<apis>.+?) in (?P<used_in>\S+); guarded by (?P<tests>.+)$")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==")


def private_api_notes() -> list[tuple[int, dict[str, str]]]:
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    notes = []
    for number, line in enumerate(lines):
        if line.startswith("# private API:"):
            match = NOTE.match(line)
            assert match is not None, f"requirements.txt line {number + 1} does not read as a note: {line}"
            notes.append((number, match.groupdict()))
    return notes


def resolve(dotted: str):
    """The object at ``dotted``: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            target = getattr(target, attribute)
        return target
    raise ImportError(dotted)


@pytest.mark.parametrize("line, note", private_api_notes(), ids=lambda value: str(value)[:40])
def test_note_names_an_api_its_code_uses_and_tests_that_exist(line, note):
    used_in = ROOT / note["used_in"]
    source = used_in.read_text(encoding="utf-8")
    for api in (api.strip() for api in note["apis"].split(",")):
        resolve(api)  # still there in the installed version
        # the code still uses it: `from re import _parser`, `self._but_check(`, `compiled.positiontup`
        last = api.rpartition(".")[2]
        assert re.search(rf"\b{re.escape(last)}\b", source), f"{note['used_in']} no longer uses {api}"
    for node_id in (test.strip() for test in note["tests"].split(",")):
        path, _, name = node_id.partition("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{node_id} named in requirements.txt does not exist"


@pytest.mark.parametrize("line, note", private_api_notes(), ids=lambda value: str(value)[:40])
def test_note_sits_beside_the_pin_it_depends_on(line, note):
    """A library's note is the line above its pin; the standard library's sits by the Python line."""
    lines = REQUIREMENTS.read_text(encoding="utf-8").splitlines()
    top_module = note["apis"].split(",")[0].strip().split(".")[0]
    if top_module in sys.stdlib_module_names:
        assert lines[line - 1].startswith("# Python "), "a standard-library note follows the Python line"
        return
    pin = PIN.match(lines[line + 1])
    assert pin is not None, f"no pin below the note on line {line + 1}"
    distributions = importlib.metadata.packages_distributions()[top_module]
    assert pin["name"].lower() in {name.lower() for name in distributions}
