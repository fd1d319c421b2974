"""One training step of sequence models on Keras 3.11.3 / torch, for LayerGen to repeat.

usage: /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_sequence_training_fixture.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/sequence-train-torch)

For each case: a model with seeded weights saved as OUTDIR/<case>.keras (before training), then one
`train_on_batch(x, y)` with SGD(learning_rate=0.1) and mean squared error; reference.json gets x, y, the loss and the
weights after the step (in model.weights order). LayerGen loads the file, compiles with the same optimizer and loss,
trains on the same batch and must reach the same weights.
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "sequence-train-torch")

CASES = {
    "embedding_lstm_masked": ((6,), "int32", lambda: [layers.Embedding(7, 3, mask_zero=True), layers.LSTM(4), layers.Dense(2)]),
    "gru_sequences_simple_rnn": ((5, 3), "float32", lambda: [layers.GRU(3, return_sequences=True), layers.SimpleRNN(2)]),
    "bidirectional_gru_reset_before": ((5, 3), "float32", lambda: [layers.Bidirectional(layers.GRU(2, reset_after=False)), layers.Dense(2)]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, (shape, dtype, factory)) in enumerate(CASES.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(3000 + i)
        model = keras.Sequential([keras.Input(shape=shape, dtype=dtype)] + factory(), name=name)
        model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
        if dtype == "int32":
            x = rng.integers(1, 7, (4,) + shape).astype(dtype)
            x[0, 3:] = 0
            x[1, 1:] = 0
        else:
            x = rng.normal(0, 1, (4,) + shape).astype(dtype)
        y = rng.normal(0, 1, (4,) + tuple(model.output_shape[1:])).astype("float32")
        model.save(os.path.join(OUT, name + ".keras"))
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        loss = model.train_on_batch(x, y)
        reference["cases"][name] = {
            "input_shape": list(shape), "input_dtype": dtype, "output_shape": list(model.output_shape[1:]),
            "x": x.tolist(), "y": y.tolist(), "loss": float(np.asarray(loss)),
            "weights_after": [{"path": w.path, "values": np.asarray(keras.ops.convert_to_numpy(w)).ravel().tolist()} for w in model.weights],
        }
        print(f"{name:35s} loss={float(np.asarray(loss)):.6f}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
