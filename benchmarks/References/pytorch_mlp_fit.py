#!/usr/bin/python3
"""PyTorch reference for issue 22: the MLP 784-256-256-10 (ReLU) on Fashion-MNIST, PyTorch's usual loop.

Runs on Debian's python3-torch (PyTorch 1.13) for /usr/bin/python3, two threads, with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (see docs/benchmarks.md):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_mlp_fit.py [--epochs N] [--infer-batches 1024,10000]

Data: Debian's dataset-fashion-mnist files read with gzip + NumPy, flattened to 784 and scaled to [0, 1].
Reported:
  - epochs over the 60,000 training images (a shuffled index each epoch, batch 128, the last batch of 96 kept):
    zero_grad, forward, cross-entropy, backward, Adam step; time per epoch (the first and the best warm one) and
    per step;
  - evaluation / prediction over the 10,000 test images (model.eval(), torch.inference_mode()), batch 128, the
    loss and accuracy computed as Keras's evaluate does: median and minimum of 5 passes after one warm-up pass.
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
    epochs = arg("--epochs", 3)
    torch.set_num_threads(2)
    torch.manual_seed(3)
    x_train = torch.from_numpy((read_idx("train-images-idx3-ubyte.gz", 16, (60000, 784)) / 255.0).astype(np.float32))
    y_train = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz", 8, (60000,)).astype(np.int64))
    x_test = torch.from_numpy((read_idx("t10k-images-idx3-ubyte.gz", 16, (10000, 784)) / 255.0).astype(np.float32))
    y_test = torch.from_numpy(read_idx("t10k-labels-idx1-ubyte.gz", 8, (10000,)).astype(np.int64))

    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    times = []
    for epoch in range(epochs):
        model.train()
        t0 = time.perf_counter()
        order = torch.randperm(60000)
        total = 0.0
        for lo in range(0, 60000, 128):
            idx = order[lo:lo + 128]
            xb, yb = x_train[idx], y_train[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        times.append(time.perf_counter() - t0)
        print(f"epoch {epoch + 1}: {times[-1]:.3f} s ({times[-1] / 469 * 1e3:.2f} ms/step), loss {total / 60000:.4f}")
    warm = times[1:] or times
    print(f"PyTorch MLP fit: first epoch {times[0]:.3f} s, best warm epoch {min(warm):.3f} s, median warm {statistics.median(warm):.3f} s")

    def evaluate():
        model.eval()
        with torch.inference_mode():
            loss, correct = 0.0, 0
            for lo in range(0, 10000, 128):
                out = model(x_test[lo:lo + 128])
                loss += loss_fn(out, y_test[lo:lo + 128]).item() * out.shape[0]
                correct += int((out.argmax(1) == y_test[lo:lo + 128]).sum())
        return loss / 10000, correct / 10000

    def predict():
        model.eval()
        with torch.inference_mode():
            return torch.cat([model(x_test[lo:lo + 128]) for lo in range(0, 10000, 128)])

    for name, fn in (("evaluate", evaluate), ("predict", predict)):
        fn()
        samples = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - t0)
        print(f"PyTorch MLP {name} 10k (batch 128): median {statistics.median(samples) * 1e3:.1f} ms, min {min(samples) * 1e3:.1f} ms")
    # PyTorch's best batch for inference (issue 22 compares against it as well as against batch 128):
    # --infer-batches 1024,10000 times predict at those batch sizes too.
    if "--infer-batches" in sys.argv:
        for b in (int(v) for v in sys.argv[sys.argv.index("--infer-batches") + 1].split(",")):
            def predict_at(b=b):
                model.eval()
                with torch.inference_mode():
                    return torch.cat([model(x_test[lo:lo + b]) for lo in range(0, 10000, b)])
            predict_at()
            samples = []
            for _ in range(5):
                t0 = time.perf_counter()
                predict_at()
                samples.append(time.perf_counter() - t0)
            print(f"PyTorch MLP predict 10k (batch {b}): median {statistics.median(samples) * 1e3:.1f} ms, min {min(samples) * 1e3:.1f} ms")
    print("test loss/accuracy:", evaluate())


if __name__ == "__main__":
    main()
