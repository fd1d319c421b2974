#!/usr/bin/python3
"""PyTorch reference timings for issue 10 (LayerGen's runtime speed on the CPU).

Runs on Debian's python3-torch (PyTorch 1.13, `apt-get install -y python3-torch`), which is installed for
/usr/bin/python3, not for a pyenv python that may come first on PATH. Debian's torch does its matrix
products through the system BLAS (OpenBLAS when libopenblas0-pthread is installed), so unset
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for the run, as for the OpenBLAS reference:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_reference.py

Same shapes as LayerGen's benchmarks (weights are seeded but not LayerGen's): the seed model (Linear 3->3,
ReLU, Linear 3->2) at batch 1, an MLP 784-256-256-10 (ReLU) at batch 128 forward, one training step of the
same MLP (forward, cross-entropy, backward, SGD step) at batch 128, and torch.mm at 512, 1024, 2048.
Two threads (torch.set_num_threads(2)). Each case is warmed up, then timed with time.perf_counter over
`reps` calls per sample and `samples` samples; the table shows the median and the minimum per call.
Options: --quick (fewer repetitions, for a smoke test).
"""
import os
import statistics
import sys
import time

try:
    import torch
except ImportError as e:  # pragma: no cover - the message is the point
    print(f"PyTorch is not importable from {sys.executable}: {e}. "
          "Install Debian's package: apt-get install -y python3-torch (runs on /usr/bin/python3).")
    sys.exit(2)


def measure(fn, reps, samples, warmup):
    """Per-call seconds for each sample of `reps` calls, after `warmup` calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        out.append((time.perf_counter() - t0) / reps)
    return out


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    return f"{seconds * 1e3:.3f} ms"


def main():
    quick = "--quick" in sys.argv
    scale = 10 if quick else 1
    torch.set_num_threads(2)
    torch.manual_seed(3)

    rows = []

    def case(name, fn, reps, samples=15, warmup=None, flops=None):
        reps = max(1, reps // scale)
        times = measure(fn, reps, samples, warmup if warmup is not None else reps)
        med, best = statistics.median(times), min(times)
        extra = f"{flops / med / 1e9:.0f} GFLOP/s (median)" if flops else ""
        rows.append((name, fmt(med), fmt(best), reps, samples, extra))

    # Seed model: Linear 3->3, ReLU, Linear 3->2, batch 1.
    seed = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)).eval()
    x1 = torch.randn(1, 3)
    with torch.inference_mode():
        case("seed model forward, batch 1 (inference_mode)", lambda: seed(x1), reps=20000)

    # MLP 784-256-256-10, batch 128.
    mlp = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10))
    xb = torch.randn(128, 784)
    yb = torch.randint(0, 10, (128,))
    mlp.eval()
    with torch.inference_mode():
        case("MLP 784-256-256-10 forward, batch 128 (inference_mode)", lambda: mlp(xb), reps=500,
             flops=2 * 128 * (784 * 256 + 256 * 256 + 256 * 10))
    mlp.train()
    opt = torch.optim.SGD(mlp.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def train_step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(mlp(xb), yb)
        loss.backward()
        opt.step()

    case("MLP training step (forward, cross-entropy, backward, SGD), batch 128", train_step, reps=100)

    # sgemm through torch.mm (the system BLAS).
    with torch.inference_mode():
        for n in (512, 1024, 2048):
            a, b = torch.randn(n, n), torch.randn(n, n)
            c = torch.empty(n, n)
            reps = {512: 100, 1024: 20, 2048: 4}[n]
            case(f"sgemm {n} (torch.mm, out= preallocated)", lambda: torch.mm(a, b, out=c), reps=reps,
                 samples=11, flops=2 * n ** 3)

    capability = next((line.strip(" -") for line in torch.__config__.show().splitlines() if "CPU capability" in line),
                      "CPU capability unknown")
    print(f"PyTorch {torch.__version__} on {sys.executable} (Python {sys.version.split()[0]}), "
          f"threads={torch.get_num_threads()}, {capability}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}, "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE', '(unset)')}{', --quick' if quick else ''}")
    print()
    print("| work | median | min | calls x samples | |")
    print("|---|---:|---:|---:|---|")
    for name, med, best, reps, samples, extra in rows:
        print(f"| {name} | {med} | {best} | {reps} x {samples} | {extra} |")


if __name__ == "__main__":
    main()
