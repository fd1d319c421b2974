"""Cross-check of Fixtures/attention (Keras 3.15.1, numpy backend) against Keras 3.11.3 on torch 1.13.

usage: /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_attention_fixtures.py /tmp/att-torch
       /usr/bin/python3 tests/KerasFormat.Tests/Scripts/check_attention_fixtures_torch.py /tmp/att-torch
Both runs seed inputs and weights the same way per case, so outputs must agree to float32 rounding.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ref = json.load(open(os.path.join(HERE, "..", "Fixtures", "attention", "reference.json")))["cases"]
other = json.load(open(os.path.join(sys.argv[1], "reference.json")))["cases"]
bad = 0
for name, case in other.items():
    err = float(np.max(np.abs(np.asarray(case["y"]) - np.asarray(ref[name]["y"]))))
    if case.get("scores") is not None:
        err = max(err, float(np.max(np.abs(np.asarray(case["scores"]) - np.asarray(ref[name]["scores"])))))
    bad += err > 2e-5
    print(f"{name:35s} {'ok' if err <= 2e-5 else 'DIFF'} {err:.2e}")
print(f"{len(other) - bad}/{len(other)} cases agree; {len(ref) - len(other)} not available on the torch backend")
sys.exit(1 if bad else 0)
