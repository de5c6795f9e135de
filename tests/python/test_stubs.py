"""The type stubs beside the extension (python/cadenza/_cadenza/*.pyi) say what the module
holds: every public name of each (sub)module is in its stub and the other way round, and
the stubs are exactly what python/stubgen.py writes from the built module. Every bound
function has a docstring of its own, not just pybind11's signature line."""
import ast
import importlib.util
import inspect
import pathlib

import pytest

import cadenza
import cadenza._cadenza as ext

ROOT = pathlib.Path(__file__).resolve().parents[2]
STUBS = ROOT / "python" / "cadenza" / "_cadenza"


def load_stubgen():
    spec = importlib.util.spec_from_file_location("stubgen", ROOT / "python" / "stubgen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stubgen = load_stubgen()
MODULES = [("__init__.pyi", ext)] + [(name + ".pyi", sub) for name, sub in stubgen.submodules(ext)]


def public(names):
    return {n for n in names if not n.startswith("__")}


def stub_names(tree):
    """Top-level names of a stub: {name: set of member names for a class, else None}."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for n in node.body:
                if isinstance(n, ast.FunctionDef):
                    members.add(n.name)
                elif isinstance(n, ast.AnnAssign):
                    members.add(n.target.id)
            out[node.name] = members
        elif isinstance(node, ast.FunctionDef):
            out[node.name] = None
        elif isinstance(node, ast.AnnAssign):
            out[node.target.id] = None
        elif isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                out[alias.asname or alias.name] = None
    return out


@pytest.mark.parametrize("filename, module", MODULES, ids=[f for f, _ in MODULES])
def test_every_public_name_is_in_the_stub_and_back(filename, module):
    path = STUBS / filename
    assert path.exists(), f"{path} is missing: run python/stubgen.py"
    names = stub_names(ast.parse(path.read_text()))
    assert public(names) == public(vars(module)), "run python/stubgen.py " + str(STUBS)
    for name, members in names.items():
        value = getattr(module, name)
        if members is None or not isinstance(value, type):
            continue
        real = {n for n in vars(value) if n in members or (not n.startswith("__") and not n.startswith("_pybind"))}
        real = {n for n in real if not n.startswith("__") or n in stubgen.KEEP_DUNDER}
        assert members == real, f"{filename}: class {name}"


@pytest.mark.parametrize("filename, module", MODULES, ids=[f for f, _ in MODULES])
def test_the_stubs_are_what_stubgen_writes(filename, module):
    assert (STUBS / filename).read_text() == stubgen.module_stub(module), \
        f"{filename} is stale: run PYTHONPATH=build/python python3 python/stubgen.py {STUBS}"


def bound_functions():
    for filename, module in MODULES:
        for name, value in vars(module).items():
            if name.startswith("__"):
                continue
            if isinstance(value, type):
                for attr, member in vars(value).items():
                    if attr.startswith("__") and attr not in stubgen.KEEP_DUNDER - {"__init__", "__repr__"}:
                        continue
                    if attr.startswith("_pybind") or not callable(member) or isinstance(member, type):
                        continue
                    func = member.__func__ if isinstance(member, staticmethod) else member
                    yield f"{module.__name__}.{name}.{attr}", func
            elif callable(value) and not inspect.isclass(value):
                yield f"{module.__name__}.{name}", value


def has_own_doc(func):
    lines = [line for line in (func.__doc__ or "").splitlines() if line.strip()]
    if len(lines) > 1 and lines[1].strip() == "Overloaded function.":
        # Each overload: "N. signature" then its text; at least one must say something.
        return any(not line.strip()[0].isdigit() for line in lines[2:])
    return len(lines) > 1


def test_every_bound_function_has_a_docstring():
    missing = [name for name, func in bound_functions() if not has_own_doc(func)]
    assert not missing, "no docstring: " + ", ".join(sorted(missing))


def test_the_package_ships_py_typed():
    assert (pathlib.Path(cadenza.__file__).parent / "py.typed").exists()
