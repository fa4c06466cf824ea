"""The dependencies: pyproject.toml pins the direct ones, `make lock` compiles them into hash-pinned
requirements files, and the private-API notes beside the pins name real code and real tests.

Each note sits beside the pin it depends on and names the test comparing the
fast path with the public one; these checks keep the notes from going stale.
"""

import ast
import importlib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
NOTE = re.compile(r"^# private API: (?P<apis>.+?) in (?P<used_in>\S+); guarded by (?P<tests>.+)$")
# A pin as pyproject.toml lists it ("Flask-Limiter[redis]==4.1.1",) or a requirements file does.
PIN = re.compile(r'^"?(?P<name>[A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(?P<version>[^",; \\]+)')
LOCKS = {"requirements.txt": None, "requirements-dev.txt": "dev", "requirements-bench.txt": "bench"}


def pyproject_lines() -> list[str]:
    return [line.strip() for line in PYPROJECT.read_text(encoding="utf-8").splitlines()]


def private_api_notes() -> list[tuple[int, dict[str, str]]]:
    notes = []
    for number, line in enumerate(pyproject_lines()):
        if line.startswith("# private API:"):
            match = NOTE.match(line)
            assert match is not None, f"pyproject.toml line {number + 1} does not read as a note: {line}"
            notes.append((number, match.groupdict()))
    return notes


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins_in(requirements: str) -> dict[str, str]:
    """A requirements file's pins, and a check that each carries its hashes: {normalised name: version}."""
    text = (ROOT / requirements).read_text(encoding="utf-8")
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        if block.startswith("#") or not block.strip():
            continue
        pin = PIN.match(block)
        assert pin is not None, f"{requirements}: not an exact pin: {block.splitlines()[0]}"
        assert "--hash=sha256:" in block, f"{requirements}: {pin['name']} has no hash"
        pins[normalised(pin["name"])] = pin["version"]
    return pins


def declared(extra: str | None) -> dict[str, str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {normalised(PIN.match(item)["name"]): PIN.match(item)["version"] for item in listed}


@pytest.mark.parametrize("requirements, extra", LOCKS.items())
def test_every_package_is_pinned_with_hashes_at_the_version_pyproject_names(requirements, extra):
    pins = pins_in(requirements)
    wanted = declared(None) | (declared(extra) if extra else {})
    for name, version in wanted.items():
        assert pins.get(name) == version, (
            f"{requirements} pins {name} at {pins.get(name)}, pyproject.toml at {version}: run make lock"
        )
    assert len(pins) > len(wanted), "the packages the pins pull in are pinned too"


@pytest.mark.parametrize("requirements", ["requirements-dev.txt", "requirements-bench.txt"])
def test_the_tool_sets_install_the_runtime_set_at_its_own_versions(requirements):
    runtime, tools = pins_in("requirements.txt"), pins_in(requirements)
    assert {name: tools.get(name) for name in runtime} == runtime


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
        assert name in functions, f"{node_id} named in pyproject.toml does not exist"


@pytest.mark.parametrize("line, note", private_api_notes(), ids=lambda value: str(value)[:40])
def test_note_sits_beside_the_pin_it_depends_on(line, note):
    """A library's note is the line above its pin; the standard library's sits by the Python line."""
    lines = pyproject_lines()
    top_module = note["apis"].split(",")[0].strip().split(".")[0]
    if top_module in sys.stdlib_module_names:
        assert lines[line - 1].startswith("# Python "), "a standard-library note follows the Python line"
        return
    pin = PIN.match(lines[line + 1])
    assert pin is not None, f"no pin below the note on line {line + 1}"
    distributions = importlib.metadata.packages_distributions()[top_module]
    assert pin["name"].lower() in {name.lower() for name in distributions}
