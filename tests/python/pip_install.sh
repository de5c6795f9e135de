#!/usr/bin/env bash
# `pip install .` from the checkout, offline, then `import cadenza` from another folder.
# Debian's python3 is externally managed (PEP 668), so the install goes into a fresh venv
# that sees the system's NumPy (--system-site-packages); --no-build-isolation keeps pip
# from fetching setuptools and --no-index from reaching any package index.
# Usage: pip_install.sh SOURCE_DIR PYTHON
set -euo pipefail
src=$1
python=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset PYTHONPATH
"$python" -m venv --system-site-packages "$tmp/venv"
cd "$tmp"
"$tmp/venv/bin/pip" install --no-build-isolation --no-index --no-deps --quiet "$src"
"$tmp/venv/bin/python" - "$tmp" "$src" <<'PY'
import pathlib, sys
tmp, src = map(pathlib.Path, sys.argv[1:])
import cadenza as cz, cadenza.music as cm, cadenza.models as models
where = pathlib.Path(cz.__file__).resolve()
assert tmp in where.parents, f"imported {where}, not the installed package"
assert (where.parent / "py.typed").exists() and (where.parent / "_cadenza" / "__init__.pyi").exists()
assert (cz.tensor([1.0, 2.0]) * 2).tolist() == [2.0, 4.0]
score = cm.read_midi(src / "zoo" / "bach_chorales" / "sample.mid")
assert len(score) > 0 and score.png()[:4] == b"\x89PNG"
assert len(models.load("bach_chorales").sample(length=4, seed=1)) > 0
print(f"pip install . works: {where}")
PY
