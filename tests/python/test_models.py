"""cadenza.models: zoo models, sampling, evaluation, and training with a callback."""
import math
import os
import pathlib
import signal
import threading

import numpy as np
import pytest

import cadenza as cz
import cadenza.models as models
import cadenza.music as cm

ROOT = pathlib.Path(__file__).resolve().parents[2]
JSB = str(ROOT / "data" / "jsb-chorales-quarter.json")
TINY = dict(model="poly_rnn", data=JSB, batch=2, lr=0.01, config={"config": {"hidden": 16}})


@pytest.fixture(scope="module")
def chorales():
    return models.load("bach_chorales")


def test_the_zoo_lists_bach_chorales():
    zoo = {z["name"]: z for z in models.zoo()}
    assert zoo["bach_chorales"]["family"] == "poly_rnn"
    assert "poly_rnn" in models.families()


def test_load_a_zoo_model(chorales):
    assert chorales.family == "poly_rnn" and chorales.step > 0
    assert chorales.module.num_parameters() == sum(p.numel() for p in chorales.module.parameters())
    assert chorales.spec["model"] == "poly_rnn"
    assert chorales.config["output"] == "nade"


def test_sample_returns_a_score_and_is_seeded(chorales):
    a = chorales.sample(length=16, seed=3)
    assert isinstance(a, cm.Score) and len(a) > 0
    # 16 quarter-note frames at the model's grid.
    assert a.end_tick <= 16 * a.ticks_per_quarter
    assert a == chorales.sample(length=16, seed=3)
    assert a != chorales.sample(length=16, seed=4)
    both = chorales.samples(2, length=8, seed=3)
    assert len(both) == 2 and all(isinstance(s, cm.Score) for s in both)


def test_sample_continues_a_primer(chorales):
    primer = cm.read_midi(ROOT / "zoo" / "bach_chorales" / "sample.mid")
    s = chorales.sample(length=4, primer=primer, seed=0)
    assert len(s) > 0


def test_eval_reports_the_nll(chorales):
    r = chorales.eval(data=JSB, split="test")
    assert r["model"] == "poly_rnn" and r["unit"] == "nats/frame"
    assert 0 < r["nll"] < 20 and r["steps"] > 0
    assert 0 <= r["accuracy"] <= 1


@pytest.mark.parametrize("kwargs, message", [
    (dict(temperature=0), "temperature must be positive"),
    (dict(top_p=1.5), r"top_p must be in \(0, 1\]"),
    (dict(length=-1), "length must be positive"),
])
def test_bad_sample_arguments_raise_the_engines_message(chorales, kwargs, message):
    with pytest.raises(cz.Error, match=message):
        chorales.sample(**kwargs)


def test_an_unknown_model_is_one_line():
    with pytest.raises(Exception) as e:
        models.load("no_such_model_here")
    assert "no_such_model_here" in str(e.value) and "\n" not in str(e.value)


def test_train_a_few_steps_with_a_callback(tmp_path):
    seen = []
    r = models.train(tmp_path / "run", steps=3, callback=seen.append, **TINY)
    assert r["status"] == "finished" and r["step"] == 3
    assert [s["step"] for s in seen] == [1, 2, 3]
    assert all(math.isfinite(s["loss"]) and s["steps"] == 3 for s in seen)
    assert math.isfinite(seen[-1]["valid_nll"])  # the last step validates
    trained = models.load(tmp_path / "run")
    assert trained.step == 3 and trained.config["hidden"] == 16
    # The one validation (at the last step) is the best so far: best.safetensors holds it.
    assert r["best_step"] == 3 and models.load(tmp_path / "run" / "best.safetensors").step == 3
    # Resuming continues where the run stopped, given the same settings again or none;
    # only steps (and the device) may change.
    more = []
    r = models.train(tmp_path / "run", resume=True, steps=5, callback=more.append, **TINY)
    assert [s["step"] for s in more] == [4, 5] and r["step"] == 5
    with pytest.raises(cz.Error, match=r"only --steps and --device may change, not train.lr \(the run's: "):
        models.train(tmp_path / "run", resume=True, steps=6, lr=0.1)


def test_an_exception_in_the_callback_stops_training_cleanly(tmp_path):
    def stop_at_two(s):
        if s["step"] == 2:
            raise KeyError("enough")

    with pytest.raises(KeyError, match="enough"):
        models.train(tmp_path / "run", steps=50, callback=stop_at_two, **TINY)
    # The checkpoint of the step that raised is on disk, and the run resumes from it.
    assert models.load(tmp_path / "run").step == 2
    r = models.train(tmp_path / "run", resume=True, steps=3)
    assert r["step"] == 3 and r["status"] == "finished"


def test_ctrl_c_stops_training_like_the_command(tmp_path):
    """SIGINT while the loop runs without the GIL: KeyboardInterrupt, the checkpoint saved."""
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            models.train(tmp_path / "run", steps=5000, **TINY)
    finally:
        timer.cancel()
    step = models.load(tmp_path / "run").step
    assert 1 <= step < 5000


def test_python_and_cli_runs_share_their_rules(tmp_path):
    with pytest.raises(cz.Error, match="--steps must be positive, not 0"):
        models.train(tmp_path / "a", model="poly_rnn", steps=0)
    with pytest.raises(cz.Error, match="train needs --model"):
        models.train(tmp_path / "a", steps=1)
    with pytest.raises(Exception, match="no_such_family"):
        models.train(tmp_path / "a", model="no_such_family", steps=1)
    with pytest.raises(cz.Error, match="callback must be callable"):
        models.train(tmp_path / "a", model="poly_rnn", steps=1, callback=3)


def test_a_trained_model_samples_like_the_zoo_one(tmp_path):
    models.train(tmp_path / "run", steps=1, **TINY)
    s = models.load(tmp_path / "run").sample(length=8, seed=0)
    assert isinstance(s, cm.Score)
    assert s.piano_roll(steps_per_quarter=1).shape[1] <= 8
    assert np.all(s.notes["velocity"] > 0)
