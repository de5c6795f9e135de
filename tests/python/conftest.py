"""The suite runs against the build tree's package (PYTHONPATH=<build>/python, set by CTest)."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(0)
