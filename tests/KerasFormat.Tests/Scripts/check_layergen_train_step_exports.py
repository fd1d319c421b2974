"""Reverse check of the train-step-torch-* fixtures: the models LayerGen trained one SGD step and saved load in real
Keras, hold the weights Keras reached (reference.json, sgd), and predict what Keras's own model predicts after its step.

usage: LAYERGEN_TRAIN_STEP_EXPORT=/tmp/lg-ts dotnet test tests/KerasFormat.Tests -c Release \
           --filter "FullyQualifiedName~TrainStepFixtureTests.TrainedModelSavedByLayerGenLoadsBack"
       /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/check_layergen_train_step_exports.py /tmp/lg-ts
       (also with the numpy backend, Keras 3.15.1: drop --backend torch; it loads the .keras files whole, 3.11.3 only
       their model.weights.h5, and only torch can take Keras's own step to compare predictions)
"""
import json
import os
import sys
import tempfile
import zipfile

import numpy as np

import keras

HERE = os.path.dirname(os.path.abspath(__file__))
root = sys.argv[1]
ok = bad = 0
for folder in sorted(os.listdir(root)):
    fixtures = os.path.join(HERE, "..", "Fixtures", folder)
    reference = json.load(open(os.path.join(fixtures, "reference.json")))
    batch = reference["batch"]
    for name in sorted(f[:-6] for f in os.listdir(os.path.join(root, folder)) if f.endswith(".keras")):
        case = reference["cases"][name]
        xs = [np.asarray(i["values"], i["dtype"]).reshape((batch,) + tuple(i["shape"])) for i in case["inputs"]]
        x = xs if len(xs) > 1 else xs[0]
        try:
            path = os.path.join(root, folder, name + ".keras")
            if keras.__version__.startswith("3.11"):
                # Keras 3.11.3 refuses LayerGen's configs (3.15's quantization_config key, docs/formats/keras.md): load the
                # fixture's own model and LayerGen's weights file from the archive into it.
                mine = keras.saving.load_model(os.path.join(fixtures, name + ".keras"))
                with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as tmp:
                    z.extract("model.weights.h5", tmp)
                    mine.load_weights(os.path.join(tmp, "model.weights.h5"))
            else:
                mine = keras.saving.load_model(path)
            after = case["optimizers"]["sgd"]["weights_after"]
            worst_w = max(float(np.max(np.abs(np.asarray(keras.ops.convert_to_numpy(w)).ravel() - np.asarray(a["values"]))))
                          for w, a in zip(mine.weights, after))
            assert len(mine.weights) == len(after), f"{len(mine.weights)} weights, Keras has {len(after)}"
            if keras.backend.backend() == "torch":  # the fixture's own step needs fit (torch)
                theirs = keras.saving.load_model(os.path.join(fixtures, name + ".keras"))
                theirs.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
                theirs.train_on_batch(x, np.asarray(case["y"], "float32").reshape((batch,) + tuple(case["output_shape"])))
                worst_p = float(np.max(np.abs(mine.predict(x, verbose=0) - theirs.predict(x, verbose=0))))
            else:
                mine.predict(x, verbose=0)
                worst_p = 0.0
            good = worst_w < 1e-4 and worst_p < 1e-4
            ok += good
            bad += not good
            print(f"{'ok ' if good else 'BAD'} {folder}/{name:40s} weights {worst_w:.2e} predictions {worst_p:.2e}")
        except Exception as e:  # noqa: BLE001
            bad += 1
            print(f"BAD {folder}/{name}: {type(e).__name__}: {str(e)[:300]}")
print(f"{ok} ok, {bad} bad")
sys.exit(1 if bad else 0)
