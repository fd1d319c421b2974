#!/usr/bin/python3
"""PyTorch reference for issue 16: the keras.io convnet on Fashion-MNIST, trained and run by PyTorch's usual loop.

Runs on Debian's python3-torch (PyTorch 1.13) for /usr/bin/python3, two threads, with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (see docs/benchmarks.md):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_convnet.py [--steps N] [--epoch]

The model is the one samples/FashionMnist builds and benchmarks/LayerGen.Benchmarks/ConvNetBenchmarks.cs measures:
Conv2d 1->32 3x3 ReLU, MaxPool 2, Conv2d 32->64 3x3 ReLU, MaxPool 2, Flatten, Dropout 0.5, Linear 1600->10
(softmax folded into the cross-entropy, as PyTorch code does). Data: Debian's dataset-fashion-mnist files read with
gzip + NumPy, scaled to [0, 1]. Reported:
  - training step (model.train(); zero_grad, forward, loss, backward, Adam step), batch 128: median and minimum
    over --steps steps after 5 warm-up steps, and the epoch time that implies (469 steps of 60,000 images);
    with --epoch also one real epoch over the 60,000 training images (shuffled, batch 128), timed end to end;
  - inference over the 10,000 test images (model.eval(), torch.inference_mode()), batch 1000 and batch 128,
    median and minimum of 5 passes, after one warm-up pass.
"""
import gzip
import statistics
import sys
import time

import numpy as np

try:
    import torch
except ImportError as e:  # pragma: no cover - the message is the point
    print(f"PyTorch is not importable from {sys.executable}: {e}. "
          "Install Debian's package: apt-get install -y python3-torch (runs on /usr/bin/python3).")
    sys.exit(2)

DIRECTORY = "/usr/share/datasets/fashion-mnist"


def read_idx(name, offset, shape):
    with gzip.open(f"{DIRECTORY}/{name}", "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset).reshape(shape)


def arg(name, default):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main():
    torch.set_num_threads(2)
    torch.manual_seed(16)
    steps = arg("--steps", 40)
    x_train = torch.from_numpy((read_idx("train-images-idx3-ubyte.gz", 16, (60000, 1, 28, 28)) / 255.0).astype(np.float32))
    y_train = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz", 8, (60000,)).astype(np.int64))
    x_test = torch.from_numpy((read_idx("t10k-images-idx3-ubyte.gz", 16, (10000, 1, 28, 28)) / 255.0).astype(np.float32))

    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(1600, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    print(f"PyTorch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"MKLDNN available {torch.backends.mkldnn.is_available()}, params {sum(p.numel() for p in model.parameters())}")

    def step(xb, yb):
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        return loss

    model.train()
    times = []
    for i in range(5 + steps):
        lo = (i * 128) % (60000 - 128)
        xb, yb = x_train[lo:lo + 128], y_train[lo:lo + 128]
        t0 = time.perf_counter()
        step(xb, yb)
        if i >= 5:
            times.append(time.perf_counter() - t0)
    med, best = statistics.median(times), min(times)
    print(f"train step, batch 128: median {med * 1e3:.1f} ms, min {best * 1e3:.1f} ms over {steps} steps "
          f"-> epoch of 469 steps {med * 469:.1f} s (median), {best * 469:.1f} s (min)")

    if "--epoch" in sys.argv:
        t0 = time.perf_counter()
        order = torch.randperm(60000)
        for lo in range(0, 60000, 128):
            idx = order[lo:lo + 128]
            step(x_train[idx], y_train[idx])
        print(f"one epoch (60,000 images, batch 128, shuffled): {time.perf_counter() - t0:.1f} s")

    model.eval()
    for batch in (1000, 128):
        with torch.inference_mode():
            def infer():
                for lo in range(0, 10000, batch):
                    model(x_test[lo:lo + batch])
            infer()
            passes = []
            for _ in range(5):
                t0 = time.perf_counter()
                infer()
                passes.append(time.perf_counter() - t0)
        print(f"inference, 10,000 test images, batch {batch}: median {statistics.median(passes) * 1e3:.0f} ms, "
              f"min {min(passes) * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
