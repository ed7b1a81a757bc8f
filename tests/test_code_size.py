"""Modules a newcomer can read in one sitting: no application module over about 300 lines, no function over 60
(tests and migrations aside; the benchmark and the reliability scenarios included)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "articles",
    "comments",
    "follows",
    "pagecache",
    "throttling",
    "soundtrack_site",
    "replicas",
    "mailing",
    "privacy",
    "bench",
    "reliability",
]
MAX_MODULE_LINES = 330  # "about 300": a module a little over it is not worth a split for its own sake
MAX_FUNCTION_LINES = 60
# Every setting the environment controls, in one place, is easier to read than settings spread over modules.
LONGER_ON_PURPOSE = {"soundtrack_site/settings.py"}


def application_modules(root: Path = ROOT) -> list[Path]:
    return sorted(
        path for package in PACKAGES for path in (root / package).rglob("*.py") if "migrations" not in path.parts
    )


def modules_too_long(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)}: {lines} lines"
        for path in paths
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
        and str(path.relative_to(root)) not in LONGER_ON_PURPOSE
    ]


def functions_too_long(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def test_no_application_module_is_much_over_300_lines():
    assert modules_too_long(application_modules()) == []


def test_no_function_is_over_60_lines():
    assert functions_too_long(application_modules()) == []


def test_the_checks_see_a_long_module_and_a_long_function(tmp_path):
    package = tmp_path / "articles"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (package / "long.py").write_text("def long():\n" + body + "\n" + "\n" * MAX_MODULE_LINES)
    (package / "short.py").write_text("def short():\n    return 1\n")
    paths = sorted(package.glob("*.py"))

    assert modules_too_long(paths, tmp_path) == [f"articles/long.py: {MAX_FUNCTION_LINES + 1 + MAX_MODULE_LINES} lines"]
    assert functions_too_long(paths, tmp_path) == [f"articles/long.py:1 long: {MAX_FUNCTION_LINES + 1} lines"]
