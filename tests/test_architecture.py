"""Lint rule: the functional core imports no Django and nothing of ours outside itself.

``safepassage.core`` holds the domain arithmetic (money, ledger, allocation, routing,
pricing, crypto) as plain typed functions; Django apps adapt to it, never the reverse.
This test reads every module of the core with ``ast`` (nothing is imported) and names
the file and line of each forbidden import, including imports under TYPE_CHECKING,
relative imports that climb out of the core and ``importlib.import_module("...")``
with a literal name.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

CORE_PACKAGE = "safepassage.core"
SOURCE_ROOT = Path(__file__).resolve().parent.parent / "src"
CORE_DIRECTORY = SOURCE_ROOT / "safepassage" / "core"
DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True, slots=True)
class ForbiddenImport:
    """One import the core may not make."""

    path: str
    line: int
    module: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module}"


def is_forbidden(module: str) -> bool:
    """Whether a module of that absolute name may not be imported by the core."""
    top = module.split(".", 1)[0]
    if top == "django":
        return True
    if top == "safepassage":
        return not (module == CORE_PACKAGE or module.startswith(CORE_PACKAGE + "."))
    return False


def _resolve_relative(node: ast.ImportFrom, *, module_name: str, is_package: bool) -> str:
    """The absolute name a ``from ... import`` refers to."""
    if node.level == 0:
        return node.module or ""
    parts = module_name.split(".")
    package = parts if is_package else parts[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, node.module] if node.module else base)


def _imported_modules(node: ast.AST, *, module_name: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _resolve_relative(node, module_name=module_name, is_package=is_package)
        # "from safepassage import accounts" imports safepassage.accounts.
        return [f"{base}.{alias.name}" if base else alias.name for alias in node.names]
    if isinstance(node, ast.Call) and node.args:
        function = node.func
        name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        first = node.args[0]
        if (
            name in DYNAMIC_IMPORTERS
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
        ):
            return [first.value]
    return []


def find_forbidden_imports(
    source: str, *, path: str, module_name: str, is_package: bool = False
) -> list[ForbiddenImport]:
    """Every forbidden import in one module's source, in line order."""
    tree = ast.parse(source, filename=path)
    found = [
        ForbiddenImport(path=path, line=node.lineno, module=module)
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom | ast.Call)
        for module in _imported_modules(node, module_name=module_name, is_package=is_package)
        if is_forbidden(module)
    ]
    return sorted(found, key=lambda forbidden: (forbidden.line, forbidden.module))


def core_modules() -> list[Path]:
    return sorted(CORE_DIRECTORY.rglob("*.py"))


def test_the_core_imports_no_django_and_nothing_of_ours_outside_itself() -> None:
    # Given every module of the core
    modules = core_modules()
    assert modules, f"no modules found under {CORE_DIRECTORY}"

    # When their imports are read
    found: list[ForbiddenImport] = []
    for path in modules:
        relative = path.relative_to(SOURCE_ROOT)
        module_name = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        found += find_forbidden_imports(
            path.read_text(encoding="utf-8"),
            path=str(Path("src") / relative),
            module_name=module_name,
            is_package=path.name == "__init__.py",
        )

    # Then none is forbidden
    assert not found, "the core must not import Django or other SafePassage packages:\n" + (
        "\n".join(str(forbidden) for forbidden in found)
    )


@pytest.mark.parametrize(
    "source",
    [
        "import decimal\nfrom dataclasses import dataclass",
        "import numpy as np\nimport highspy",
        "from safepassage.core.money import Money",
        "from safepassage.core import ledger",
        "import safepassage.core.routing.graph",
        "from . import money",
        "from .. import pricing",
        "from ..money import Money",
        "from djangoish import thing",
        "importlib.import_module('safepassage.core.pricing')",
        "name = 'django'",
    ],
)
def test_allowed_imports_pass(source: str) -> None:
    # When a core module (safepassage.core.allocation.plan) has these imports
    found = find_forbidden_imports(
        source, path="plan.py", module_name="safepassage.core.allocation.plan"
    )

    # Then the rule accepts them
    assert found == []


@pytest.mark.parametrize(
    ("source", "line", "module"),
    [
        ("import django", 1, "django"),
        ("import decimal\nfrom django.db import models", 2, "django.db.models"),
        (
            "from django.utils.translation import gettext_lazy as _",
            1,
            "django.utils.translation.gettext_lazy",
        ),
        ("import django.conf", 1, "django.conf"),
        ("from safepassage.accounts.models import User", 1, "safepassage.accounts.models.User"),
        ("from safepassage import accounts", 1, "safepassage.accounts"),
        ("import safepassage", 1, "safepassage"),
        ("import safepassage.ledger.models", 1, "safepassage.ledger.models"),
        ("from ... import accounts", 1, "safepassage.accounts"),
        ("from ...ledger.models import Posting", 1, "safepassage.ledger.models.Posting"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from django.http import X",
            3,
            "django.http.X",
        ),
        ("def f():\n    import django.db\n", 2, "django.db"),
        ("import importlib\nimportlib.import_module('django.conf')", 2, "django.conf"),
        ("__import__('safepassage.cases')", 1, "safepassage.cases"),
    ],
)
def test_forbidden_imports_are_named_with_their_line(source: str, line: int, module: str) -> None:
    # When a core module (safepassage.core.allocation.plan) has this import
    found = find_forbidden_imports(
        source, path="plan.py", module_name="safepassage.core.allocation.plan"
    )

    # Then the rule names the file, the line and the module
    assert [str(forbidden) for forbidden in found] == [f"plan.py:{line}: imports {module}"]


def test_relative_imports_resolve_from_a_package_init() -> None:
    # Given the __init__ of safepassage.core.crypto, where "." is the package itself
    source = "from . import keys\nfrom .. import money\nfrom ... import cases"

    # When its imports are read
    found = find_forbidden_imports(
        source, path="__init__.py", module_name="safepassage.core.crypto", is_package=True
    )

    # Then only the one that leaves the core is forbidden
    assert [str(forbidden) for forbidden in found] == ["__init__.py:3: imports safepassage.cases"]
