"""pip install . — the cadenza Python package, built by the project's CMake.

Offline, with what Debian 12 provides (python3-setuptools, python3-wheel, pybind11-dev,
python3-dev): no build dependency is downloaded. Debian's /usr/bin/python3 is externally
managed (PEP 668), so install into a virtual environment that sees the system's NumPy:

    python3 -m venv --system-site-packages ~/.venvs/cadenza
    ~/.venvs/cadenza/bin/pip install --no-build-isolation .

(--no-build-isolation: pip would otherwise fetch setuptools into a fresh environment.)
CMake builds in build-pip/ in the checkout, RelWithDebInfo like the README's build/ and at
the same depth, so ccache serves what that build compiled; CMAKE_BUILD_PARALLEL_LEVEL sets
the jobs (default 2).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SOURCE = Path(__file__).resolve().parent
BUILD = SOURCE / "build-pip"
# setuptools' own folder starts empty each time: files a previous install staged there
# (build/lib) would otherwise be installed again even when they are no longer part of the
# package. CMake's build beside it is kept, for incremental builds.
shutil.rmtree(BUILD / "setuptools", ignore_errors=True)
(BUILD / "setuptools").mkdir(parents=True)  # egg_info writes there before the build


class CMakeExtension(Extension):
    """The extension cadenza._cadenza, which CMake (python/CMakeLists.txt) builds."""

    def __init__(self):
        super().__init__("cadenza._cadenza", sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        cmake_build = BUILD
        configure = ["cmake", "-S", str(SOURCE), "-B", str(cmake_build), "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                     f"-DPython3_EXECUTABLE={sys.executable}", "-DCADENZA_PYTHON=ON",
                     "-DCADENZA_BUILD_TESTS=OFF", "-DCADENZA_BUILD_BENCH=OFF"]
        subprocess.run(configure, check=True)
        env = dict(os.environ)
        env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(cmake_build), "--target", "cadenza_python"], check=True, env=env)
        built = sorted((cmake_build / "python" / "cadenza").glob("_cadenza*.so"))
        if not built:
            raise RuntimeError(f"CMake built no _cadenza module in {cmake_build}/python/cadenza")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="cadenza",
    version="0.1.0",
    description="A deep learning engine for symbolic music (C++), from Python",
    packages=["cadenza"],
    package_dir={"cadenza": "python/cadenza"},
    package_data={"cadenza": ["py.typed", "_cadenza/*.pyi"]},
    ext_modules=[CMakeExtension()],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    zip_safe=False,
    # setuptools' own build and egg-info folders, out of the CMake build/ and the sources.
    options={"build": {"build_base": str(BUILD / "setuptools")}, "egg_info": {"egg_base": str(BUILD / "setuptools")}},
)
