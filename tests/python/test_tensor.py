"""Tensors and NumPy: shared memory both ways, lifetimes, dtypes, and one-line errors."""
import gc

import numpy as np
import pytest

import cadenza as cz


def test_from_numpy_shares_memory_both_ways():
    a = np.zeros((2, 3), np.float32)
    t = cz.from_numpy(a)
    a[1, 2] = 5.0  # a NumPy write is seen by the tensor
    assert t.tolist() == [[0, 0, 0], [0, 0, 5]]
    t.fill_(2.0)  # a tensor write is seen by the array
    assert (a == 2.0).all()


def test_numpy_of_a_tensor_is_a_view():
    t = cz.Tensor.zeros([3])
    v = t.numpy()
    v[0] = 7.0
    assert t.tolist() == [7.0, 0.0, 0.0]
    assert np.asarray(t)[0] == 7.0


def test_the_array_outlives_its_last_python_reference():
    t = cz.from_numpy(np.arange(6, dtype=np.float64).reshape(2, 3))
    gc.collect()
    assert t.dtype == "float64"
    assert t.tolist() == [[0, 1, 2], [3, 4, 5]]


def test_the_storage_outlives_the_tensor_behind_a_view():
    v = cz.Tensor.ones([4]).numpy()
    gc.collect()
    assert v.tolist() == [1, 1, 1, 1]


def test_strided_views_are_shared_not_copied():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = cz.from_numpy(a.T)  # a transposed view: strides (1, 4) elements
    assert t.shape == (4, 3)
    assert t.strides == (1, 4)
    assert not t.is_contiguous()
    a[0, 1] = 100.0
    assert t.numpy()[1, 0] == 100.0


def test_layouts_the_engine_cannot_share_are_refused_in_one_line():
    a = np.arange(6, dtype=np.float32)
    with pytest.raises(cz.Error, match="stride of -4 bytes"):
        cz.from_numpy(a[::-1])
    with pytest.raises(cz.Error, match="no cadenza dtype"):
        cz.from_numpy(np.zeros(3, np.complex64))
    ro = np.zeros(3, np.float32)
    ro.flags.writeable = False
    with pytest.raises(cz.Error, match="read-only"):
        cz.from_numpy(ro)


def test_tensor_copies_and_converts():
    a = np.ones(3, np.float64)
    t = cz.tensor(a)  # a copy, in float32 by default
    a[0] = 9.0
    assert t.dtype == "float32" and t.tolist() == [1.0, 1.0, 1.0]
    assert cz.tensor([[1, 2], [3, 4]], dtype="int64").dtype == "int64"
    assert cz.tensor(2.5).item() == 2.5
    assert t.to("float64").dtype == "float64"


def test_dtypes_map_to_numpy():
    for name in ("float32", "float64", "int32", "int64"):
        a = np.zeros(2, dtype=name)
        assert cz.from_numpy(a).dtype == name
        assert cz.from_numpy(a).numpy().dtype == np.dtype(name)


def test_bad_arguments_raise_the_engine_message():
    a = cz.Tensor.ones([2, 3])
    b = cz.Tensor.ones([4, 5])
    with pytest.raises(cz.Error, match=r"matmul.*\[2, 3\].*\[4, 5\]"):
        cz.matmul(a, b)
    with pytest.raises(cz.Error, match="unknown device 'gpu'"):
        a.to("gpu")
    with pytest.raises(RuntimeError):  # cz.Error is a RuntimeError
        a.reshape([7])
