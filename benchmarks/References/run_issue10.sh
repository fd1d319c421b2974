#!/usr/bin/env bash
# Issue 10's reference measurements in one go. First everything is built (so no build runs while something is
# measured), then, one after the other:
#   1. PyTorch (Debian's python3-torch on /usr/bin/python3), OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset
#   2. LayerGen.AotBench under the JIT (dotnet run --no-build)
#   3. LayerGen.AotBench published with NativeAOT: default settings, IlcInstructionSet=native, IlcInstructionSet=x86-64-v3
#   4. BenchmarkDotNet: ONNX Runtime vs LayerGen (OnnxRuntimeBenchmarks.cs), --job short (BDN builds its own
#      project first, then measures in a child process)
# Outputs go to $OUT (default artifacts/issue10/). On the shared 2-core machines run it under the build lock,
# which it then holds for the whole run (about 5 minutes) so no other build disturbs the numbers:
#   flock /tmp/layergen-build.lock benchmarks/References/run_issue10.sh
# (do not wrap the inner commands in flock again: the lock is already held).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-artifacts/issue10}"
mkdir -p "$OUT"
date -u '+%Y-%m-%d %H:%M UTC' | tee "$OUT/date.txt"
# the commit measured (COMMIT overrides it, e.g. for a `git archive` snapshot that is not a checkout)
echo "${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}" | tee "$OUT/commit.txt"
git status --short -- src benchmarks > "$OUT/dirty.txt" 2>/dev/null || true

# --- build everything first ---
dotnet build -c Release benchmarks/LayerGen.Benchmarks > "$OUT/build-benchmarks.log" 2>&1 || { cat "$OUT/build-benchmarks.log"; exit 1; }
dotnet build -c Release benchmarks/LayerGen.AotBench > "$OUT/build-aotbench.log" 2>&1 || { cat "$OUT/build-aotbench.log"; exit 1; }
variants=(default native x86-64-v3)
for variant in "${variants[@]}"; do
  extra=(-p:LayerGenAllowBaselineInstructionSet=true)   # the default variant is measured on purpose (LG0014)
  [ "$variant" != default ] && extra=(-p:IlcInstructionSet=$variant)
  dotnet publish benchmarks/LayerGen.AotBench -c Release -r linux-x64 -p:PublishAot=true "${extra[@]}" \
    -o "$OUT/aotbench-$variant" > "$OUT/publish-$variant.log" 2>&1 || { cat "$OUT/publish-$variant.log"; exit 1; }
  if grep -qi 'warning' "$OUT/publish-$variant.log"; then
    echo "publish ($variant) printed warnings:"; grep -i warning "$OUT/publish-$variant.log"; exit 1
  fi
done
sleep 5   # let the build processes exit
uptime | tee "$OUT/load-before.txt"

# --- measure --- (each step under `timeout`, so a hang fails the run instead of holding the lock)
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  timeout 600 env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 benchmarks/References/pytorch_reference.py 2>&1 | tee "$OUT/pytorch.txt"
else
  echo "PyTorch reference skipped: /usr/bin/python3 cannot import torch (apt-get install -y python3-torch)" | tee "$OUT/pytorch.txt"
fi

timeout 600 dotnet run -c Release --no-build --project benchmarks/LayerGen.AotBench 2>&1 | tee "$OUT/aot-jit.txt"
for variant in "${variants[@]}"; do
  timeout 900 "$OUT/aotbench-$variant/LayerGen.AotBench" 2>&1 | tee "$OUT/aot-$variant.txt"
done

# BenchmarkDotNet builds its own project around the benchmarks, which does not get the System.GC.LOHThreshold
# (8 MiB) that LayerGen's buildTransitive/LayerGen.targets gives an application; the same setting goes in through
# the environment so LayerGen is measured as an app referencing the package runs it (ORT allocates nothing managed).
DOTNET_GCLOHThreshold=0x800000 \
  timeout 1800 dotnet run -c Release --no-build --project benchmarks/LayerGen.Benchmarks -- --filter '*OnnxRuntime*' --job short 2>&1 | tee "$OUT/ort-bdn.log"
uptime | tee "$OUT/load-after.txt"
