"""The suite's own shape: test modules share helpers only through tests/utils/ and fixtures, never by importing
each other, and HTML is read by the one parser of tests/utils/html.py."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the folder that holds tests/


def imported_modules(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of each import in the file, relative ones resolved; ``from x import y`` counts as ``x.y``,
    since y may be a module."""
    package = ".".join(path.relative_to(root).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            base = ".".join([*anchor, *([node.module] if node.module else [])])
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def foreign_test_imports(path: Path, root: Path = ROOT) -> list[str]:
    """The file's imports of a module under tests/ other than the shared helpers of tests/utils/."""
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for line, module in imported_modules(path, root)
        if module.startswith("tests.") and not (module == "tests.utils" or module.startswith("tests.utils."))
    ]


def html_parser_subclasses(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {"HTMLParser"} | {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "html.parser"
        for alias in node.names
        if alias.name == "HTMLParser"
    }
    return [
        f"{path.relative_to(root)}:{node.lineno} class {node.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for base in node.bases
        if (isinstance(base, ast.Name) and base.id in names)
        or (isinstance(base, ast.Attribute) and base.attr == "HTMLParser")
    ]


def test_no_test_module_imports_another_test_module():
    offenders = [
        offence
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name != "conftest.py"
        for offence in foreign_test_imports(path)
    ]

    assert offenders == [], "share helpers through tests/utils/ or fixtures in conftest.py:\n" + "\n".join(offenders)


def test_html_is_read_only_by_the_shared_parser():
    offenders = [
        offence
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.relative_to(ROOT / "tests").parts[0] != "utils"
        for offence in html_parser_subclasses(path)
    ]

    assert offenders == [], "read HTML with tests.utils.html (parse, get_page, parse_fragment):\n" + "\n".join(
        offenders
    )


def test_the_checks_catch_each_way_of_writing_what_they_forbid(tmp_path):
    (tmp_path / "tests" / "articles").mkdir(parents=True)
    path = tmp_path / "tests" / "articles" / "test_example.py"
    path.write_text(
        "from tests.articles.test_views import parse\n"
        "from . import test_models\n"
        "from ..comments.test_views import bodies\n"
        "import tests.comments.test_views\n"
        "from tests import processes\n"
        "from tests.utils.html import get_page\n"
        "from tests.utils import factories\n"
        "from tests import utils\n"
        "from ..utils.clock import ago\n"
        "from html.parser import HTMLParser as Base\n"
        "import html.parser\n"
        "class A(Base): pass\n"
        "class B(html.parser.HTMLParser): pass\n"
    )

    assert [offence.split(" imports ")[1] for offence in foreign_test_imports(path, tmp_path)] == [
        "tests.articles.test_views.parse",
        "tests.articles.test_models",
        "tests.comments.test_views.bodies",
        "tests.comments.test_views",
        "tests.processes",
    ]
    assert [offence.split(" class ")[1] for offence in html_parser_subclasses(path, tmp_path)] == ["A", "B"]
