"""The domain imports only the standard library (import-linter checks our own packages; this checks
that nothing third-party sneaks in under a name the contract does not list)."""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "tracker_desktop" / "domain"


def test_domain_imports_only_the_standard_library_and_itself():
    offenders = []
    for path in sorted(DOMAIN.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: inside the domain
                    continue
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and name.split(".")[:2] != ["tracker_desktop", "domain"]:
                    offenders.append(f"{path.name}:{node.lineno} imports {name}")
    assert offenders == []
    assert len(list(DOMAIN.rglob("*.py"))) >= 5
