#!/usr/bin/env python3
"""Issue 23's "generated code volume" measurement.

Writes a synthetic project of N [Layer] and M [Module] classes (default 300 + 300, one per file), and the
same project without the attributes, then:
  * builds the attributed project once with EmitCompilerGeneratedFiles and counts the lines the
    generators wrote (per [Layer] and per [Module] file) against the hand-written lines;
  * times full builds (dotnet build --no-incremental --no-restore) of both projects in paired runs
    (with/without, then without/with, ...), wall clock and the Csc task's time from MSBuild's
    performance summary, and prints the ratio per pair and the median.

Both projects reference the built runtime (LayerGen.dll) and load the generators and analyzers the way
the NuGet package does (as analyzers), so only the 600 classes are compiled. The attribute-free project
differs only in the attribute line and in the base class of the layers: the plain layers derive from one
hand-written PlainLayer (written when Layer's InvokeRecorded was abstract; kept so runs stay comparable).

Build the runtime first (dotnet build src/Runtime/Runtime.csproj -c Release), then run, e.g.
    python3 benchmarks/GeneratedVolume/generated_volume.py --pairs 5
To time a change of the generators against the state before it in the same session, copy the bin/ folders of
src/Runtime, src/Generators, src/Analyzers, src/Analyzers.CodeFixes (and src/Runtime/buildTransitive) before the
change to a directory laid out like the repository, and pass it as --compare-root: every round then builds the
attributed project with the new and the old generators and the attribute-free one, rotating the order.
(on the shared development machine: flock /tmp/dotnet.lock python3 ...). The projects go to
--out (default: a fresh directory under /tmp) and are left there for inspection.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

HEADER = "using LayerGen;\n\nnamespace Volume.Group{group};\n\n"


def layer_source(i: int, attributed: bool) -> str:
    """One hand-written layer, one of three shapes (a projection with training, two inputs, a block of sub-layers)."""
    attribute = "[Layer]\n" if attributed else ""
    base = "Layer" if attributed else "PlainLayer"
    group = i % 10
    kind = i % 3
    if kind == 0:
        body = f"""/// <summary>Synthetic layer {i}: a projection with an optional bias, a scale and dropout-like damping.</summary>
{attribute}public partial class Projection{i} : {base}
{{
    private readonly int units;
    private readonly bool useBias;
    private readonly float rate;
    private readonly float scale;
    private Variable kernel = null!;
    private Variable? bias;

    /// <summary>Creates the layer.</summary>
    public Projection{i}(int units, bool useBias = true, float rate = 0.1f, float scale = 1f)
    {{
        this.units = units;
        this.useBias = useBias;
        this.rate = rate;
        this.scale = scale;
    }}

    protected void Build(Shape inputShape)
    {{
        kernel = AddWeight("kernel", [inputShape[^1], units]);
        if (useBias)
            bias = AddWeight("bias", [units], Initializers.Zeros());
    }}

    protected Tensor Call(Tensor inputs, bool training = false)
    {{
        var outputs = Ops.MatMul(inputs, kernel);
        if (bias is not null)
            outputs += bias;
        if (training && rate > 0)
            outputs *= 1 - rate;
        return outputs * scale;
    }}
}}
"""
    elif kind == 1:
        body = f"""/// <summary>Synthetic layer {i}: mixes two inputs with learned gates.</summary>
{attribute}public partial class Mixer{i} : {base}
{{
    private readonly float epsilon;
    private Variable gateA = null!;
    private Variable gateB = null!;

    /// <summary>Creates the layer.</summary>
    public Mixer{i}(float epsilon = 1e-3f)
    {{
        this.epsilon = epsilon;
    }}

    protected void Build(Shape aShape, Shape bShape)
    {{
        gateA = AddWeight("gate_a", [aShape[^1]], Initializers.Ones());
        gateB = AddWeight("gate_b", [bShape[^1]], Initializers.Ones());
    }}

    protected Tensor Call(Tensor a, Tensor b)
    {{
        var mixed = a * gateA + b * gateB;
        return mixed + epsilon;
    }}
}}
"""
    else:
        previous = f"Projection{i - 2}" if i >= 2 else None
        inner = f"global::Volume.Group{(i - 2) % 10}.{previous}" if previous else None
        child = f"    private readonly {inner} inner = new(units: 4);\n" if inner else ""
        # (the block does not call inner.Invoke: the attribute-free project has no generated Invoke)
        use = "        if (training)\n            x = Ops.Relu(x);\n"
        body = f"""/// <summary>Synthetic layer {i}: a block that owns sub-layers and has nothing of its own to build.</summary>
{attribute}public partial class Block{i} : {base}
{{
    private readonly int depth;
{child}    private readonly List<Layer> extra = [];

    /// <summary>Creates the layer.</summary>
    public Block{i}(int depth = 2)
    {{
        this.depth = depth;
    }}

    protected Tensor Call(Tensor x, bool training = false)
    {{
{use}        for (int k = 0; k < depth; k++)
            x = Ops.Relu(x);
        return x;
    }}
}}
"""
    return HEADER.format(group=group) + body


def module_source(i: int, attributed: bool) -> str:
    """One hand-written module: variables, a list of child modules, a computation."""
    attribute = "[Module]\n" if attributed else ""
    group = i % 10
    child = f"    public List<global::Volume.Group{(i - 1) % 10}.Cell{i - 1}> Children {{ get; }} = [];\n" if i > 0 else ""
    body = f"""/// <summary>Synthetic module {i}.</summary>
{attribute}public partial class Cell{i} : Module
{{
    private readonly Variable weight = new(Tensor.Ones([4]), name: "weight");
    public Variable Offset {{ get; }} = new(0f, name: "offset");
{child}    public Dictionary<string, Variable> Extra {{ get; }} = new();

    public Tensor Call(Tensor x)
    {{
        var y = x * weight + Offset;
        foreach (var v in Extra.Values)
            y += v;
        return y;
    }}

    public int Helper() => {i};
}}
"""
    return HEADER.format(group=group) + body


PLAIN_LAYER = """using LayerGen;

namespace Volume;

/// <summary>The attribute-free project's layer base (from when Layer.InvokeRecorded was abstract).</summary>
public abstract class PlainLayer : Layer
{
    protected override Tensor[] InvokeRecorded(CallArguments arguments) => throw new NotSupportedException();
}
"""

def project_file(configuration: str, root: str) -> str:
    runtime = os.path.join(root, "src", "Runtime", "bin", configuration, "net10.0", "LayerGen.dll")
    analyzers = [os.path.join(root, "src", name, "bin", configuration, "netstandard2.0", f"LayerGen.{dll}.dll")
                 for name, dll in (("Generators", "Generators"), ("Analyzers", "Analyzers"), ("Analyzers.CodeFixes", "Analyzers.CodeFixes"))]
    for path in [runtime, *analyzers]:
        if not os.path.exists(path):
            sys.exit(f"missing {path}: build src/Runtime/Runtime.csproj -c {configuration} first")
    targets = os.path.join(root, "src", "Runtime", "buildTransitive", "LayerGen.targets")
    items = "\n".join(f'    <Analyzer Include="{a}" />' for a in analyzers)
    return f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NoWarn>$(NoWarn);CS1591</NoWarn>
    <!-- under obj/: out of the default compile globs -->
    <CompilerGeneratedFilesOutputPath>obj/generated</CompilerGeneratedFilesOutputPath>
  </PropertyGroup>
  <ItemGroup>
    <Reference Include="LayerGen"><HintPath>{runtime}</HintPath></Reference>
{items}
  </ItemGroup>
  <!-- what the package's buildTransitive gives an app: the global usings (LayerGen.Usings.targets) -->
  <Import Project="{targets}" />
</Project>
"""


def write_project(directory: str, attributed: bool, layers: int, modules: int, configuration: str, root: str) -> int:
    """Writes one project; returns the hand-written lines of the layer and module files."""
    if os.path.exists(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    with open(os.path.join(directory, "Volume.csproj"), "w") as f:
        f.write(project_file(configuration, root))
    if not attributed:
        with open(os.path.join(directory, "PlainLayer.cs"), "w") as f:
            f.write(PLAIN_LAYER)
        # LG0015 (a class deriving from Layer without [Layer]) is the point of this project: silence it.
        with open(os.path.join(directory, ".globalconfig"), "w") as f:
            f.write("is_global = true\ndotnet_diagnostic.LG0015.severity = none\n")
    lines = 0
    for i in range(layers):
        text = layer_source(i, attributed)
        lines += text.count("\n")
        with open(os.path.join(directory, f"Layer{i}.cs"), "w") as f:
            f.write(text)
    for i in range(modules):
        text = module_source(i, attributed)
        lines += text.count("\n")
        with open(os.path.join(directory, f"Module{i}.cs"), "w") as f:
            f.write(text)
    return lines


def dotnet(args, cwd):
    started = time.perf_counter()
    result = subprocess.run(["dotnet", *args], cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:])
        sys.stderr.write(result.stderr[-3000:])
        sys.exit(f"dotnet {' '.join(args)} failed in {cwd}")
    return elapsed, result.stdout


def csc_seconds(output: str) -> float:
    # MSBuild's task performance summary: "      4321 ms  Csc                                        1 calls"
    match = re.search(r"^\s*(\d+) ms\s+Csc\s+\d+ calls", output, re.MULTILINE)
    return int(match.group(1)) / 1000 if match else float("nan")


def full_build(directory: str, configuration: str, emit: bool = False):
    args = ["build", "--no-restore", "--no-incremental", "-c", configuration, "-nologo", "-clp:PerformanceSummary",
            f"-p:EmitCompilerGeneratedFiles={'true' if emit else 'false'}"]
    wall, output = dotnet(args, directory)
    return wall, csc_seconds(output)


def count_generated(directory: str):
    """Lines of the generated files, per kind (*.Layer.g.cs, *.Module.g.cs, others)."""
    counts = {"Layer": [0, 0], "Module": [0, 0], "other": [0, 0]}
    root = os.path.join(directory, "obj", "generated")
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".cs"):
                continue
            with open(os.path.join(folder, name)) as f:
                n = sum(1 for _ in f)
            kind = "Layer" if name.endswith(".Layer.g.cs") else "Module" if name.endswith(".Module.g.cs") else "other"
            counts[kind][0] += 1
            counts[kind][1] += n
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=300)
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3, help="paired full builds (with, without) to time")
    parser.add_argument("--configuration", default="Release")
    parser.add_argument("--out", default=None, help="where to write the two projects (default: a new /tmp directory)")
    parser.add_argument("--root", default=None,
                        help="read src/<Project>/bin/<configuration> and src/Runtime/buildTransitive from this copy instead of the repository")
    parser.add_argument("--compare-root", default=None,
                        help="also build the attributed project against this copy (e.g. the bin/ folders saved before a change), "
                             "interleaved with the other two in every round, to time an old and a new generator in the same session")
    args = parser.parse_args()
    root = os.path.abspath(args.root) if args.root else REPO

    out = args.out or tempfile.mkdtemp(prefix="generated-volume-")
    with_dir = os.path.join(out, "WithAttributes")
    without_dir = os.path.join(out, "WithoutAttributes")
    compare_dir = os.path.join(out, "WithAttributesCompare") if args.compare_root else None
    hand = write_project(with_dir, True, args.layers, args.modules, args.configuration, root)
    write_project(without_dir, False, args.layers, args.modules, args.configuration, root)
    if compare_dir:
        write_project(compare_dir, True, args.layers, args.modules, args.configuration, os.path.abspath(args.compare_root))
    print(f"projects in {out}: {args.layers} [Layer] + {args.modules} [Module] classes, {hand} hand-written lines")

    for d in (with_dir, without_dir, compare_dir):
        if d:
            dotnet(["restore", "-nologo"], d)

    # Count what the generators write (a build with EmitCompilerGeneratedFiles), also the warm-up build.
    for d, label in ((compare_dir, "compare-root: "), (with_dir, "")):
        if not d:
            continue
        shutil.rmtree(os.path.join(d, "obj", "generated"), ignore_errors=True)
        full_build(d, args.configuration, emit=True)
        counts = count_generated(d)
        generated = sum(c[1] for c in counts.values())
        for kind, (files, lines) in counts.items():
            if files:
                print(f"{label}generated {kind:6}: {files:4} files, {lines:6} lines, {lines / files:6.1f} per file")
        print(f"{label}generated total : {generated} lines = {generated / hand:.2f}x the hand-written {hand}")
    full_build(without_dir, args.configuration)  # warm-up

    if compare_dir:
        # Rounds of three builds (with, compare, without), rotating which goes first.
        projects = [("with", with_dir), ("compare", compare_dir), ("without", without_dir)]
        ratios = {"with": ([], []), "compare": ([], [])}
        print(f"{'round':>5} {'with s':>7} {'compare s':>9} {'without s':>9} {'with/w.o.':>9} {'cmp/w.o.':>8}   Csc: "
              f"{'with':>6} {'compare':>7} {'without':>7} {'with/w.o.':>9} {'cmp/w.o.':>8}")
        for p in range(args.pairs):
            order = projects[p % 3:] + projects[:p % 3]
            times = {name: full_build(d, args.configuration) for name, d in order}
            for name in ratios:
                ratios[name][0].append(times[name][0] / times["without"][0])
                ratios[name][1].append(times[name][1] / times["without"][1])
            w, c, o = times["with"], times["compare"], times["without"]
            print(f"{p + 1:>5} {w[0]:7.2f} {c[0]:9.2f} {o[0]:9.2f} {w[0] / o[0]:9.2f} {c[0] / o[0]:8.2f}        "
                  f"{w[1]:6.2f} {c[1]:7.2f} {o[1]:7.2f} {w[1] / o[1]:9.2f} {c[1] / o[1]:8.2f}")
        for name, label in (("with", "with (--root)"), ("compare", "compare (--compare-root)")):
            print(f"median ratio {label}: wall {statistics.median(ratios[name][0]):.2f}x, "
                  f"Csc {statistics.median(ratios[name][1]):.2f}x over {args.pairs} rounds")
        return

    ratios_wall, ratios_csc = [], []
    print(f"{'pair':>4} {'with s':>8} {'without s':>10} {'ratio':>6} {'csc with':>9} {'csc w/o':>8} {'ratio':>6}")
    for p in range(args.pairs):
        order = [(True, with_dir), (False, without_dir)] if p % 2 == 0 else [(False, without_dir), (True, with_dir)]
        times = {}
        for attributed, d in order:
            times[attributed] = full_build(d, args.configuration)
        (w_wall, w_csc), (o_wall, o_csc) = times[True], times[False]
        ratios_wall.append(w_wall / o_wall)
        ratios_csc.append(w_csc / o_csc)
        print(f"{p + 1:>4} {w_wall:8.2f} {o_wall:10.2f} {w_wall / o_wall:6.2f} {w_csc:9.2f} {o_csc:8.2f} {w_csc / o_csc:6.2f}")
    print(f"median ratio: wall {statistics.median(ratios_wall):.2f}x, Csc {statistics.median(ratios_csc):.2f}x over {args.pairs} pairs")


if __name__ == "__main__":
    main()
