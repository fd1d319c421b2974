"""Reverse check: LayerGen's own .keras files of the attention fixtures load in real Keras 3.15.1 and predict
what Keras predicted from its original files.

usage: LAYERGEN_ATTENTION_EXPORT=/tmp/lg-att dotnet test tests/KerasFormat.Tests -c Release \
           --filter "FullyQualifiedName~AttentionFixtureTests"     (writes <case>.keras re-saved by LayerGen)
       /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/check_layergen_attention_exports.py /tmp/lg-att
"""
import json
import os
import sys

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
folder = sys.argv[1]
reference = json.load(open(os.path.join(HERE, "..", "Fixtures", "attention", "reference.json")))
ok = bad = 0
for name in sorted(f[:-6] for f in os.listdir(folder) if f.endswith(".keras")):
    case = reference["cases"][name]
    try:
        model = keras.saving.load_model(os.path.join(folder, name + ".keras"))
        xs = [np.asarray(x, "float32") for x in case["x"]]
        y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        err = float(np.max(np.abs(np.asarray(y) - np.asarray(case["model_y"], "float32"))))
        good = err < 2e-5
    except Exception as e:  # noqa: BLE001 - report every case
        err, good = repr(e)[:200], False
    ok += good
    bad += not good
    print(f"{name:35s} {'ok' if good else 'FAIL'} {err}")
print(f"{ok}/{ok + bad} LayerGen files read by Keras {keras.__version__} with Keras's predictions")
sys.exit(1 if bad else 0)
