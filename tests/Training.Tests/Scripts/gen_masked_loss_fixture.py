"""Keras 3.15.1 (numpy backend, /root/keras-oracle/run.sh) masked loss and metric numbers for
tests/Training.Tests/MaskedLossTests.cs: a model whose output carries a mask (Embedding(mask_zero=True) ->
TimeDistributed(Dense softmax)), evaluated with and without (per-step) sample weights, and the loss/metric objects called on
the masked prediction directly. Writes ../Fixtures/keras-3.15.1-masked-loss.json.

    /root/keras-oracle/run.sh tests/Training.Tests/Scripts/gen_masked_loss_fixture.py

Keras 3.11.3 on torch (--backend torch, output path changed) gives the same numbers to 1e-6.
"""
import json
import os

import numpy as np

import keras
from keras import layers
from keras.src.backend.common.masking import get_keras_mask

x = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0], [2, 2, 2, 2, 1]], dtype="int32")
y = np.array([[0, 1, 2, 3, 0], [1, 1, 0, 2, 3], [3, 2, 1, 0, 1]], dtype="int32")
# per-step ("temporal") weights: Keras 3.15's apply_mask multiplies the weights by the (batch, steps) mask in place, so
# per-sample weights of shape (batch,) fail to broadcast there (numpy backend)
sample_weight = np.array([[1.0, 2.0, 0.5, 1.5, 3.0], [0.25, 1.0, 2.0, 1.0, 1.0], [1.0, 1.0, 0.0, 2.0, 0.5]], dtype="float32")

inputs = keras.Input((5,), dtype="int32")
h = layers.Embedding(6, 3, mask_zero=True)(inputs)
outputs = layers.TimeDistributed(layers.Dense(4, activation="softmax"))(h)
model = keras.Model(inputs, outputs)
embeddings = (np.sin(np.arange(18, dtype="float32")) * 0.8).reshape(6, 3)
kernel = (np.cos(np.arange(12, dtype="float32") * 0.7)).reshape(3, 4)
bias = np.array([0.1, -0.2, 0.05, 0.0], dtype="float32")
model.set_weights([embeddings, kernel, bias])
model.compile(loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])

evaluate = model.evaluate(x, y, batch_size=3, return_dict=True, verbose=0)
evaluate_weighted = model.evaluate(x, y, sample_weight=sample_weight, batch_size=3, return_dict=True, verbose=0)

pred = model(x)
mask = get_keras_mask(pred)
assert mask is not None, "the prediction carries no mask"
scce = keras.losses.SparseCategoricalCrossentropy()
scce_sum = keras.losses.SparseCategoricalCrossentropy(reduction="sum")
accuracy = keras.metrics.SparseCategoricalAccuracy()
accuracy.update_state(y, pred)
# the same loss on an unmasked copy, to show the mask changes the numbers
unmasked = keras.ops.convert_to_numpy(pred)

fixture = {
    "keras_version": keras.__version__,
    "backend": keras.backend.backend(),
    "x": x.tolist(),
    "y": y.tolist(),
    "sample_weight": sample_weight.tolist(),
    "embeddings": embeddings.tolist(),
    "kernel": kernel.tolist(),
    "bias": bias.tolist(),
    "prediction": keras.ops.convert_to_numpy(pred).tolist(),
    "mask": keras.ops.convert_to_numpy(mask).astype(bool).tolist(),
    "evaluate_loss": float(evaluate["loss"]),
    "evaluate_accuracy": float(evaluate["sparse_categorical_accuracy"]),
    "evaluate_weighted_loss": float(evaluate_weighted["loss"]),
    "evaluate_weighted_accuracy": float(evaluate_weighted["sparse_categorical_accuracy"]),
    "loss": float(scce(y, pred)),
    "loss_weighted": float(scce(y, pred, sample_weight=sample_weight)),
    "loss_sum": float(scce_sum(y, pred)),
    "loss_sum_weighted": float(scce_sum(y, pred, sample_weight=sample_weight)),
    "loss_unmasked": float(scce(y, unmasked)),
    "accuracy": float(accuracy.result()),
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "keras-3.15.1-masked-loss.json")
with open(out, "w") as f:
    json.dump(fixture, f, indent=1)
print(json.dumps({k: v for k, v in fixture.items() if not isinstance(v, list)}, indent=1))
