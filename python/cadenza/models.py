"""Trained models: load a run directory or a zoo model, sample Scores, evaluate, train.

::

    import cadenza.models as models
    m = models.load("bach_chorales")          # a zoo name, a run directory or DIR/best.safetensors
    score = m.sample(length=64, seed=1)       # a cadenza.music.Score
    m.eval(split="valid")["nll"]
    models.train("runs/poly", model="poly_rnn", preset="nade", steps=100,
                 callback=lambda s: print(s["step"], s["loss"]))

train() takes the flags of ``cadenza train`` as keywords (``--init-from`` is ``init_from``,
``--config FILE`` is ``config=dict``) and follows the same rules.
"""
from ._cadenza._models import TrainedModel, families, load, train, zoo  # noqa: F401

__all__ = ["TrainedModel", "load", "train", "zoo", "families"]
