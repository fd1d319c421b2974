"""Issue 18: one training step continued on both sides for merge, attention, normalization and activation layers
(Keras 3.11.3 / torch). Dropout-like layers (Dropout, GaussianNoise, GaussianDropout, AlphaDropout) draw random numbers
in training and are left out.

usage: /root/keras-oracle/run.sh --backend torch tests/KerasFormat.Tests/Scripts/gen_train_step_attn.py [OUTDIR]
       (OUTDIR defaults to tests/KerasFormat.Tests/Fixtures/train-step-torch-attn; driver: train_step_common.py)
Read by tests/KerasFormat.Tests/TrainStepFixtureTests.cs.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402
import train_step_common  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "Fixtures", "train-step-torch-attn")

VEC = ((3,), "float32", "normal")
Q = ((4, 3), "float32", "normal")
V = ((5, 3), "float32", "normal")
IDS = ((4,), "int32", "ids:6")
MASK = ((4, 5), "float32", "binary")


def merge(layer):
    return ([VEC, VEC], lambda a, b: layers.Dense(2)(layer([layers.Dense(4)(a), layers.Dense(4, activation="tanh")(b)])))


def between(layer, shape=VEC):
    return ([shape], lambda x: layers.Dense(2)(layer(layers.Dense(4)(x))))


CASES = {
    "concatenate": merge(layers.Concatenate()),
    "add": merge(layers.Add()),
    "subtract": merge(layers.Subtract()),
    "multiply": merge(layers.Multiply()),
    "average": merge(layers.Average()),
    "maximum": merge(layers.Maximum()),
    "minimum": merge(layers.Minimum()),
    "dot": merge(layers.Dot(axes=1)),
    "dot_normalize": merge(layers.Dot(axes=1, normalize=True)),
    "concatenate_sequences_axis1": ([Q, V], lambda a, b: layers.Dense(2)(layers.Concatenate(axis=1)([a, b]))),
    "einsum_dense": ([Q], lambda x: layers.EinsumDense("abc,cd->abd", output_shape=(4, 2), bias_axes="d", activation="tanh")(x)),
    "einsum_dense_heads": ([Q], lambda x: layers.Reshape((16,))(layers.EinsumDense("abc,cde->abde", output_shape=(4, 2, 2), bias_axes="de")(x))),
    "multi_head_attention": ([Q, V], lambda q, v: layers.MultiHeadAttention(num_heads=2, key_dim=2)(q, v)),
    "multi_head_attention_key_value_dims": ([Q, V, V], lambda q, v, k: layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=2)(q, v, key=k)),
    "multi_head_attention_mask": ([Q, V, MASK], lambda q, v, m: layers.MultiHeadAttention(num_heads=2, key_dim=2)(q, v, attention_mask=m)),
    "multi_head_attention_causal": ([Q], lambda q: layers.MultiHeadAttention(num_heads=2, key_dim=2)(q, q, use_causal_mask=True)),
    "multi_head_attention_embedding_mask": ([IDS], lambda x: (lambda e: layers.MultiHeadAttention(num_heads=2, key_dim=2)(e, e))(
        layers.Embedding(6, 3, mask_zero=True)(x))),
    "attention_dot": ([Q, V], lambda q, v: layers.Attention()([layers.Dense(3)(q), v])),
    "attention_dot_scale_key": ([Q, V, V], lambda q, v, k: layers.Attention(use_scale=True)([layers.Dense(3)(q), v, k])),
    "attention_concat": ([Q, V], lambda q, v: layers.Attention(score_mode="concat")([layers.Dense(3)(q), v])),
    "attention_concat_scale_causal": ([Q], lambda q: (lambda d: layers.Attention(use_scale=True, score_mode="concat")([d, d], use_causal_mask=True))(layers.Dense(3)(q))),
    "additive_attention": ([Q, V], lambda q, v: layers.AdditiveAttention()([layers.Dense(3)(q), v])),
    "additive_attention_no_scale": ([Q, V, V], lambda q, v, k: layers.AdditiveAttention(use_scale=False)([layers.Dense(3)(q), v, k])),
    "grouped_query_attention": ([Q, V], lambda q, v: layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)(q, v)),
    "grouped_query_attention_causal": ([Q], lambda q: layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(q, q, use_causal_mask=True)),
    "group_normalization": ([Q], lambda x: layers.Dense(2)(layers.GroupNormalization(groups=2)(layers.Dense(4)(x)))),
    "unit_normalization": between(layers.UnitNormalization()),
    "layer_normalization": between(layers.LayerNormalization()),
    "layer_normalization_no_center": ([Q], lambda x: layers.Dense(2)(layers.LayerNormalization(center=False, epsilon=0.01)(layers.Dense(4)(x)))),
    "normalization": ([VEC], lambda x: layers.Dense(2)(layers.Normalization(mean=[0.5, -0.2, 0.1], variance=[2.0, 0.5, 1.5])(x))),
    "prelu": between(layers.PReLU()),
    "leaky_relu": between(layers.LeakyReLU(negative_slope=0.2)),
    "elu": between(layers.ELU(alpha=0.7)),
    "softmax": between(layers.Softmax()),
    "relu": between(layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2)),
}

if __name__ == "__main__":
    np.random.seed(18)
    train_step_common.run(CASES, OUT, seed=18000, zero_gradient_suffixes=("/key/bias",))
