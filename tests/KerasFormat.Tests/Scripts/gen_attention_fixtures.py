"""Writes the attention-layer fixtures with real Keras 3.15.1 (numpy backend).

usage: /root/keras-oracle/run.sh tests/KerasFormat.Tests/Scripts/gen_attention_fixtures.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/attention)

For each case the layer is called eagerly on seeded inputs after its weights are set to seeded normal values
(so biases are not zero); OUTDIR/reference.json gets, per case, the layer's class and get_config() (after the
call, so built values such as MultiHeadAttention's attention_axes are in it), its weights (path, shape, values),
the inputs, the call's keyword arguments (masks as arrays), the output `y` and, with return_attention_scores,
the scores. With `--backend torch` (Keras 3.11.3) and an OUTDIR, the same cases are written for
check_attention_fixtures_torch.py (cases whose arguments that Keras lacks are skipped). Cases marked MODEL also save a functional model around the layer as OUTDIR/<case>.keras (inputs
passed positionally: query, value). Everything Keras computes here is numpy (einsum, softmax): no jax stand-in
is needed.
"""
import json
import os
import sys

import numpy as np

import keras
from keras import layers

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "attention")


def causal(t, s):
    return np.tril(np.ones((t, s), bool))


# name -> (input shapes without batch (positional), factory, kwargs builder(rng, batch) -> dict, list call?, save model?)
CASES = {
    # EinsumDense
    "einsum_dense_basic": ([(5,)], lambda: layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c"), None, False, True),
    "einsum_dense_3d_nobias": ([(3, 5)], lambda: layers.EinsumDense("abc,cd->abd", output_shape=(None, 4)), None, False, True),
    "einsum_dense_left_ellipsis": ([(2, 3, 4)], lambda: layers.EinsumDense("...b,bc->...c", output_shape=6, bias_axes="c", activation="relu"), None, False, True),
    "einsum_dense_heads": ([(3, 6)], lambda: layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de"), None, False, True),
    "einsum_dense_right_ellipsis": ([(4, 3)], lambda: layers.EinsumDense("ab...,bc->ac...", output_shape=5, bias_axes="c"), None, False, True),
    "einsum_dense_bias_partial": ([(3, 6)], lambda: layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="d"), None, False, False),
    # MultiHeadAttention
    "mha_self": ([(4, 6), (4, 6)], lambda: layers.MultiHeadAttention(2, 3), None, False, True),
    "mha_cross_value_dim": ([(4, 6), (5, 8)], lambda: layers.MultiHeadAttention(3, 2, value_dim=4), None, False, True),
    "mha_key": ([(4, 6), (5, 8), (5, 3)], lambda: layers.MultiHeadAttention(2, 3), None, False, False),
    "mha_output_shape_nobias": ([(4, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3, use_bias=False, output_shape=(2, 5)), None, False, False),
    "mha_causal": ([(5, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 4), lambda rng, b: {"use_causal_mask": True}, False, False),
    "mha_attention_mask": ([(4, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3),
                           lambda rng, b: {"attention_mask": rng.random((b, 4, 5)) > 0.3}, False, False),
    "mha_scores": ([(4, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3),
                   lambda rng, b: {"return_attention_scores": True, "attention_mask": rng.random((b, 4, 5)) > 0.3}, False, False),
    "mha_causal_scores": ([(4, 6), (4, 6)], lambda: layers.MultiHeadAttention(2, 3),
                          lambda rng, b: {"return_attention_scores": True, "use_causal_mask": True}, False, False),
    "mha_value_mask": ([(4, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3),
                       lambda rng, b: {"value_mask": np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)}, False, False),
    "mha_2d_attention_axes": ([(3, 4, 6), (3, 4, 6)], lambda: layers.MultiHeadAttention(2, 3, attention_axes=(1, 2)), None, False, False),
    "mha_gate": ([(4, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3, use_gate=True), None, False, False),
    "mha_sliding_window": ([(5, 6), (5, 6)], lambda: layers.MultiHeadAttention(2, 3, sliding_window=2), None, False, False),
    # Attention / AdditiveAttention: Keras calls them on a list
    "attention_dot": ([(4, 3), (5, 3)], lambda: layers.Attention(), None, True, False),
    "attention_scale": ([(4, 3), (5, 3)], lambda: layers.Attention(use_scale=True), None, True, False),
    "attention_concat": ([(4, 3), (5, 3)], lambda: layers.Attention(score_mode="concat", use_scale=True), None, True, False),
    "attention_key_causal": ([(4, 3), (4, 3), (4, 3)], lambda: layers.Attention(), lambda rng, b: {"use_causal_mask": True}, True, False),
    "attention_mask": ([(4, 3), (5, 3)], lambda: layers.Attention(),
                       lambda rng, b: {"mask": [np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool), np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], bool)]}, True, False),
    "attention_scores": ([(4, 3), (5, 3)], lambda: layers.Attention(), lambda rng, b: {"return_attention_scores": True}, True, False),
    "additive_attention": ([(4, 3), (5, 3)], lambda: layers.AdditiveAttention(), None, True, False),
    "additive_attention_noscale_mask": ([(4, 3), (5, 3), (5, 3)], lambda: layers.AdditiveAttention(use_scale=False),
                                        lambda rng, b: {"mask": [None, np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 0]], bool)]}, True, False),
    # GroupedQueryAttention
    "gqa_basic": ([(4, 6), (5, 6)], lambda: layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2), None, False, False),
    "gqa_causal_scores": ([(4, 6), (4, 6)], lambda: layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, use_bias=False),
                          lambda rng, b: {"use_causal_mask": True, "return_attention_scores": True}, False, False),
}


def to_np(t):
    return np.asarray(keras.ops.convert_to_numpy(t))


def tolist(v):
    if v is None:
        return None
    if isinstance(v, list):
        return [tolist(x) for x in v]
    a = to_np(v)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().astype(float).tolist()}


def main():
    os.makedirs(OUT, exist_ok=True)
    reference = {"keras_version": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for i, (name, (shapes, factory, kw, as_list, save)) in enumerate(CASES.items()):
        keras.backend.clear_session()
        rng = np.random.default_rng(2000 + i)
        b = 2
        xs = [rng.normal(0, 1, (b,) + s).astype("float32") for s in shapes]
        kwargs = kw(rng, b) if kw else {}
        try:
            layer = factory()
        except (TypeError, ValueError, AttributeError) as e:  # arguments newer than this Keras (use_gate, sliding_window, ...)
            print(f"{name:35s} skipped on Keras {keras.__version__}: {e}")
            continue
        call_args = (xs,) if as_list else tuple(xs)
        try:
            layer(*call_args, **kwargs)  # build
        except RuntimeError as e:  # the torch backend refuses some calls (see check_attention_fixtures_torch.py)
            if keras.backend.backend() != "torch":
                raise
            print(f"{name:35s} refused by Keras {keras.__version__} on torch: {str(e).splitlines()[-1][:120]}")
            continue
        layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.weights])
        out = layer(*call_args, **kwargs)
        scores = None
        if kwargs.get("return_attention_scores"):
            out, scores = out
        case = {
            "class_name": type(layer).__name__,
            "config": layer.get_config(),
            "input_shapes": [list(s) for s in shapes],
            "as_list": as_list,
            "x": [x.tolist() for x in xs],
            "kwargs": {k: (tolist(v) if not isinstance(v, bool) else v) for k, v in kwargs.items()},
            "weights": [{"name": w.name, "path": w.path, "shape": list(w.shape),
                         "values": np.asarray(keras.ops.convert_to_numpy(w)).ravel().tolist()} for w in layer.weights],
            "y": to_np(out).tolist(),
            "scores": None if scores is None else to_np(scores).tolist(),
        }
        if save:
            keras.backend.clear_session()
            inputs = [keras.Input(shape=s) for s in shapes]
            layer2 = layer.__class__.from_config(layer.get_config())
            y = layer2(*inputs)
            model = keras.Model(inputs, y, name=name)
            model.set_weights([np.asarray(keras.ops.convert_to_numpy(w)) for w in layer.weights])
            case["model_y"] = to_np(model.predict(xs if len(xs) > 1 else xs[0], verbose=0)).tolist()
            model.save(os.path.join(OUT, name + ".keras"))
        reference["cases"][name] = case
        print(f"{name:35s} {type(layer).__name__:22s} {shapes} -> {to_np(out).shape}")
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(reference, f, indent=1)


if __name__ == "__main__":
    main()
