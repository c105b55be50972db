"""The suite collects every app's tests: an app left out of pytest's testpaths would have its tests skipped
in CI without a word (dues, development, transfers and workbench were, until 3 December)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_with_tests_is_collected():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["testpaths"])
    with_tests = {
        path.relative_to(ROOT).parts[0]
        for path in ROOT.glob("*/**/test_*.py")
        if not path.relative_to(ROOT).parts[0].startswith(".") and path.relative_to(ROOT).parts[0] not in {"var"}
    }
    assert with_tests, "no test files found"
    assert with_tests <= testpaths, f"not collected by pytest: {sorted(with_tests - testpaths)}"
