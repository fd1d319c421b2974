"""Loads LayerGen's .keras files of models with `initial_state` calls in real Keras and compares the predictions.

usage:
  LAYERGEN_INITIAL_STATE_EXPORT_DIR=/tmp/lg-init dotnet test tests/KerasFormat.Tests -c Release --filter InitialStateFixtureTests
  /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_layergen_initial_state_exports.py /tmp/lg-init

The directory holds what InitialStateFixtureTests writes: resaved_<case>.keras (the Keras fixtures of
Fixtures/initial-state saved again by LayerGen, compared with reference.json's predictions) and lg_seq2seq.keras (a
GRU encoder and a Bidirectional GRU decoder built from LayerGen's constructors) with lg_seq2seq.json (its inputs and
LayerGen's prediction).

Result recorded (2026-12-07, 4 resaved_* + lg_seq2seq): Keras 3.15.1, numpy backend: 5 of 5 load; all predictions
agree (max |diff| 1.2e-07; the LSTM and GRU encoder-decoders, a state as model input, Bidirectional with four states,
and LayerGen's own Bidirectional GRU decoder starting both directions from one encoder state).
"""
import json
import os
import sys

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1]


def arrays(items):
    return [np.asarray(i["values"], dtype=i.get("dtype", "float32")).reshape(i["shape"]) for i in items]


def main():
    ref = json.load(open(os.path.join(HERE, "..", "Fixtures", "initial-state", "reference.json")))["cases"]
    ok = bad = 0
    worst = 0.0
    for f in sorted(os.listdir(DIR)):
        if not f.endswith(".keras"):
            continue
        name = f[:-6]
        case = ref[name[len("resaved_"):]] if name.startswith("resaved_") else json.load(open(os.path.join(DIR, name + ".json")))
        try:
            model = keras.saving.load_model(os.path.join(DIR, f))
        except Exception as e:  # noqa: BLE001
            print(f"{name}: does not load: {type(e).__name__}: {str(e)[:300]}")
            bad += 1
            continue
        got = model.predict(arrays(case["inputs"]), verbose=0)
        if not isinstance(got, (list, tuple)):
            got = [got]
        diff = max(float(np.max(np.abs(np.asarray(g).ravel() - np.asarray(w["values"], dtype="float32"))))
                   for g, w in zip(got, case["outputs"]))
        worst = max(worst, diff)
        status = "ok" if diff < 1e-4 and len(got) == len(case["outputs"]) else "DIFFERS"
        ok += status == "ok"
        bad += status != "ok"
        print(f"{name:40s} {status} max|diff|={diff:.2e}")
    print(f"{ok} agree, {bad} do not; worst max|diff| {worst:.2e} (Keras {keras.__version__}, {keras.backend.backend()})")


if __name__ == "__main__":
    main()
