"""Float64 reference values for NumericsReferenceTests.cs (issue 21 items 1-5).

Computed with Python's math module in float64, independently of LayerGen. Inputs that the tests feed as float32
are first rounded to float32 (struct 'f'), so the references are the exact float64 function of the float32 input.
Run: python3 numerics_references.py
"""
import math
import struct


def f32(x):
    return struct.unpack('f', struct.pack('f', x))[0]


print("# tanh(x) and sech(x)^2 = 1 - tanh(x)^2 at float32 inputs")
for x in [0.0, 1e-30, 1e-5, 1e-3, 0.2, 0.5, 1.0, 2.0, 3.0, 4.5, 6.0, 9.0, -0.7, -12.0]:
    x = f32(x)
    print(f"({x!r}, {math.tanh(x)!r}, {1 / math.cosh(x) ** 2!r}),")

print("# elu'(x) = alpha * exp(x) for x <= 0, alpha = 1; selu'(x) = scale * alpha * exp(x)")
alpha, scale = 1.6732632423543772, 1.0507009873554805
for x in [-1.0, -10.0, -20.0, -30.0]:
    print(f"({x!r}, {math.exp(x)!r}, {scale * alpha * math.exp(x)!r}),")

print("# float64 binary crossentropy of target 1, prediction 0 (clipped to 1e-7): -log(1e-7)")
print(repr(-math.log(1e-7)))
print("# float64 binary crossentropy of target 0, prediction 1 (clipped to 1 - 1e-7): -log(1 - (1 - 1e-7))")
print(repr(-math.log(1 - (1 - 1e-7))))
print("# float64 categorical crossentropy of one-hot [0, 1] and prediction [1, 0] (normalised, clipped): -log(1e-7)")
print(repr(-math.log(1e-7)))
