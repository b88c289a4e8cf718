"""The package's layout: imports go one way only (records ← privacy ← site ← county ← cli), no
module imports itself in a circle, every sub-package ships, and a plain (non-editable) install
builds a data root that has neither theme/ nor mkdocs.yml."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
from helpers import DEMO_EPOCH, REPO, copy_demo

PACKAGE = REPO / "generator"

# Lower layers first. A module may import its own layer, any lower layer and the shared leaves.
LAYERS = ["records", "privacy", "site", "report", "county", "editor", "cli"]
LEAVES = {"problems", "ids", "theme", "settings", "digest"}  # import only each other (and the standard library)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path) -> set[str]:
    """Every generator module this module imports, at any depth of the file (lazy imports too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    known = modules()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("generator")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("generator"):
                continue
            for alias in node.names:  # `from generator.site import urls` imports a module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {f for f in found if f != name}


def unit(module: str) -> str:
    """The layer or leaf a module belongs to: generator.site.views → site; generator.ids → ids."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "generator"


def rank(u: str) -> int:
    if u in LEAVES or u == "generator":
        return -1
    assert u in LAYERS, f"generator/{u} is in no layer: add it to LAYERS in tests/test_layout.py and to the README's map"
    return LAYERS.index(u)


def test_imports_go_one_way_only():
    upward = []
    for name, path in modules().items():
        here = unit(name)
        for target in imports_of(name, path):
            there = unit(target)
            if here in LEAVES and there not in LEAVES and there != "generator":
                upward.append(f"{name} (a shared leaf) imports {target}")
            elif rank(there) > rank(here):
                upward.append(f"{name} ({here}) imports {target} ({there})")
    assert upward == []


def test_no_import_cycles():
    graph = {name: imports_of(name, path) for name, path in modules().items()}
    # package __init__ files are imported implicitly by their modules: not edges of their own
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The check above can fail: a records module importing the site is reported."""
    bad = tmp_path / "generator" / "records" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from generator.site.views import school_site\nfrom ..county import pipeline\n", encoding="utf-8")
    name = "generator.records.bad"
    found = {unit(t) for t in imports_of(name, bad)}
    assert found == {"site", "county"}
    assert all(rank(u) > rank("records") for u in found)


def test_every_sub_package_ships():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    present = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    assert present <= listed, f"add to [tool.setuptools] packages: {sorted(present - listed)}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """careportal installed from a wheel (not editable) into a fresh virtual environment. Its
    dependencies come from the test environment's site-packages (added as a plain path, so the
    checkout's editable hook there is not loaded); careportal itself only from the wheel."""
    base = tmp_path_factory.mktemp("wheel")
    wheels = base / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "-w", str(wheels), str(REPO)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    wheel = next(wheels.glob("careportal-*.whl"))
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def test_a_plain_install_builds_a_data_root_without_theme_or_base_config(installed, tmp_path):
    root = copy_demo(tmp_path / "root")
    assert not (root / "theme").exists() and not (root / "mkdocs.yml").exists()
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import generator; print(generator.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout + where.stderr  # not the checkout
    out = tmp_path / "site"
    result = subprocess.run([str(installed / "bin" / "careportal"), "build", "--root", str(root), "--out", str(out)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<title>" in (out / "index.html").read_text(encoding="utf-8")
    schools = sorted(p.name for p in (root / "schools").iterdir())
    for slug in schools:
        page = (out / slug / "index.html").read_text(encoding="utf-8")
        assert "assets/careportal/careportal." in page  # careportal's own theme files, from the wheel
        assert (out / slug / "zh-Hant" / "index.html").is_file()
    shutil.rmtree(out)
