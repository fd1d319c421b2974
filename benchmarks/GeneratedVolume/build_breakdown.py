#!/usr/bin/env python3
"""Where the attributed volume project's extra build time goes (issue 23).

Reads the two projects generated_volume.py left in --out (WithAttributes, built once with
EmitCompilerGeneratedFiles, and WithoutAttributes) and times full builds of variants in rounds (order reversed
every other round), printing the median wall and Csc time of each:

  without                 the attribute-free project (the baseline of the 1.3x target)
  without+emptyFiles      the same plus one empty `partial class X { }` file per class (the cost of 600 more files)
  without+oneEmptyFile    the same 600 empty partial classes in one file
  gen                     the real attributed build (generators and analyzers)
  plain                   the attributed classes plus the generated files as ordinary sources, no generator:
                          gen - plain is the generators' run, plain - without compiling what they emit
  plain-none              plain with every generated member removed (empty partial parts, no registration file)
  plain-noVisit, -noInvoke, -noBuildCall, -noGetConfig, -noFromConfig (also drops the registration file, which
                          names FromConfig), -noRegistration: plain without one kind of generated member
  plain-onlyVisit, -onlyInvoke, -onlyBuildCall, -onlyGetConfig, -onlyFromConfig (with the registration file):
                          plain with only one kind of generated member left
  plain=oneFile, plain=fileperKind, plain-none=oneFile: the per-class generated parts concatenated into one file
                          (block namespaces), or one file per kind (layers, modules)
  plain+floor             plain plus FloorGenerator/ (built here): a generator that only finds the [Layer] and [Module]
                          classes with ForAttributeWithMetadataName and reads their members' types, the floor of any
                          attribute-driven generator; plain+floorWalk: the same without reading the members
  plain+floor:<dll>       plain plus any other generator assembly
  plain-noLGanalyzers, gen-noLGanalyzers: without LayerGen's analyzers
  <variant>%noAnalyzers   the variant built with RunAnalyzers=false
  plain~<transform>       plain with a text transform of the generated files (TRANSFORMS below: annot = nullable
                          annotations only, visitNoGuard = no null guards in VisitMembers, explicitGenerics,
                          newArrays = array creations instead of collection expressions)

Usage (on the shared machine every dotnet command goes through the lock):
  flock /tmp/dotnet.lock python3 benchmarks/GeneratedVolume/generated_volume.py --pairs 1 --out /tmp/vol
  flock /tmp/dotnet.lock python3 benchmarks/GeneratedVolume/build_breakdown.py /tmp/vol --rounds 3 \\
      --variants without,gen,plain,plain-none,plain-noVisit,plain-noGetConfig,plain-noFromConfig
Add --shared to build with UseSharedCompilation=true (a warm compiler server; the first build of a run warms it);
then the compiler server's CPU seconds per build are printed too (from /proc, VBCSCompiler's user + system time).
For the compiler's own time without MSBuild, the server or analyzers, run CompileProbe/ on the variant folders
(its Program.cs says how).
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

MEMBER_KINDS = {
    "noVisit": ("VisitMembers",),
    "noInvoke": ("Invoke",),
    "noBuildCall": ("BuildLayer", "CallLayer"),
    "noGetConfig": ("GetConfig",),
    "noFromConfig": ("FromConfig",),
}
# Text transforms of the generated files for "plain~<name>" variants (experiments on the shape of the generated code
# without changing the generators): each maps a generated file's text to the variant's text.
TRANSFORMS = {
    # nullable annotations only: the compiler's nullable flow analysis does not run on the generated bodies
    "annot": lambda text: text.replace("#nullable enable\n", "#nullable enable annotations\n", 1),
    # no `is not null` guards around single members (the visitors skip null members themselves)
    "visitNoGuard": lambda text: re.sub(r"if \((this\.\w+) is not null\) (visitor\.\w+\([^;]*, )\1\);", r"\2\1!);", text),
    # explicit type arguments on the generic TrackedMembers helpers (no method type inference)
    "explicitGenerics": lambda text: text.replace("TrackedMembers.VariableDictionary(",
                                                  "TrackedMembers.VariableDictionary<global::LayerGen.Variables.Variable>("),
    # array creation expressions instead of collection expressions
    "newArrays": lambda text: re.sub(r"=> \[(this\.Call\(.*\))\];", r"=> new global::LayerGen.Tensors.Tensor[] { \1 };",
                                     re.sub(r"CallArguments\(\[([^\]]*)\]", r"CallArguments(new global::LayerGen.Tensors.Tensor[] { \1 }", text)),
}
# VisitMembers with an empty body / as a private method that overrides nothing / no doc comments at all
TRANSFORMS["visitEmpty"] = lambda text: re.sub(r"(void VisitMembers\([^)]*\)\n    )\{\n(?:        .*\n)*?    \}", r"\1{\n    }", text)
TRANSFORMS["visitNonOverride"] = lambda text: text.replace("protected override void VisitMembers(", "private void VisitMembersHere(") \
    .replace("        base.VisitMembers(visitor);\n", "")
TRANSFORMS["noDocs"] = lambda text: re.sub(r"^ *///.*\n", "", text, flags=re.MULTILINE)
# VisitMembers without its TrackedMembers lines / without its single-member lines / with the collection passed
# through object (no variance conversion of a constructed collection type for the compiler to check)
TRANSFORMS["visitNoCollections"] = lambda text: re.sub(r"^ *global::LayerGen\.Modules\.TrackedMembers\..*\n", "", text, flags=re.MULTILINE)
TRANSFORMS["visitNoSingles"] = lambda text: re.sub(r"^ *if \(this\.\w+ is not null\) visitor\..*\n", "", text, flags=re.MULTILINE)
TRANSFORMS["visitViaObject"] = lambda text: re.sub(r"(TrackedMembers\.Modules\(visitor, \"\w+\", )(this\.\w+)\)",
    r"\1(global::System.Collections.Generic.IEnumerable<global::LayerGen.Modules.Module?>?)(object?)\2)", text)
def merge_build_call(text: str) -> str:
    """BuildLayer and CallLayer as one method (a private one: the runtime has no such override; the compile cost is
    what a merged generated member would cost)."""
    build = re.search(r"    /// <summary>Runs <c>Build</c>.*\n    protected override void BuildLayer\(global::LayerGen\.Layers\.CallArguments arguments\)\n        => (.*);\n\n", text)
    call = re.search(r"(    /// <summary>Runs <c>Call</c>.*\n)    protected override (global::LayerGen\.Tensors\.Tensor\[\]) CallLayer\(global::LayerGen\.Layers\.CallArguments arguments, bool training\)\n        => (.*);\n", text)
    if not build or not call:
        return text
    merged = (call.group(1) + f"    private {call.group(2)}? RunLayer(global::LayerGen.Layers.CallArguments arguments, bool training, bool build)\n"
              f"    {{\n        if (build)\n        {{\n            {build.group(1)};\n            return null;\n        }}\n"
              f"        return {call.group(3)};\n    }}\n")
    text = text[:call.start()] + merged + text[call.end():]
    return text[:build.start()] + text[build.end():]


TRANSFORMS["mergeBuildCall"] = merge_build_call
TRANSFORMS["all"] = lambda text: TRANSFORMS["annot"](TRANSFORMS["visitNoGuard"](TRANSFORMS["explicitGenerics"](TRANSFORMS["newArrays"](text))))
LAYERGEN_ANALYZERS = ("LayerGen.Analyzers.dll", "LayerGen.Analyzers.CodeFixes.dll")


def csc_seconds(output: str) -> float:
    match = re.search(r"^\s*(\d+) ms\s+Csc\s+\d+ calls", output, re.MULTILINE)
    return int(match.group(1)) / 1000 if match else float("nan")


def drop_analyzer(project: str, dll: str) -> str:
    return re.sub(r'\s*<Analyzer Include="[^"]*' + re.escape(dll) + r'" />', "", project)


def strip_member(text: str, name: str) -> str:
    """Removes a generated member (its doc comment, signature and body) named `name`."""
    lines = text.split("\n")
    kept = []
    i = 0
    while i < len(lines):
        if lines[i].strip().startswith("///"):
            j = i
            while lines[j].strip().startswith("///"):
                j += 1
            signature = lines[j]
            if re.search(r"\b" + name + r"\(", signature) and re.search(r"\b(override|public|protected)\b", signature):
                k = j
                if k + 1 < len(lines) and lines[k + 1].strip() == "{":
                    k += 1
                    while lines[k] != "    }":
                        k += 1
                else:
                    while not lines[k].rstrip().endswith(";"):
                        k += 1
                i = k + 1
                if i < len(lines) and lines[i].strip() == "":
                    i += 1
                continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def block_namespace(text: str) -> str:
    """A generated part with its header dropped and its file-scoped namespace turned into a block (to concatenate)."""
    text = text.replace("// <auto-generated/>\n", "", 1).replace("#nullable enable\n", "", 1)
    m = re.search(r"^namespace ([\w.]+);\n", text, re.MULTILINE)
    if not m:
        return text
    body = text[m.end():].strip("\n")
    body = "\n".join(("    " + line) if line else line for line in body.split("\n"))
    return text[:m.start()] + f"namespace {m.group(1)}\n{{\n{body}\n}}\n"


class Variants:
    def __init__(self, base: str):
        self.with_dir = os.path.join(base, "WithAttributes")
        self.without_dir = os.path.join(base, "WithoutAttributes")
        self.out = os.path.join(base, "breakdown")
        self.generated = glob.glob(os.path.join(self.with_dir, "obj", "generated", "**", "*.cs"), recursive=True)
        if not self.generated:
            sys.exit(f"no generated files under {self.with_dir}/obj/generated: run generated_volume.py with this --out first")

    def make(self, name, source, plain=False, drop=(), members=(), registration=True, add=(), empty_files=False, transform=None,
             combine=None):
        directory = os.path.join(self.out, re.sub(r"[^A-Za-z0-9+.-]", "_", name))
        if os.path.exists(directory):
            shutil.rmtree(directory)
        shutil.copytree(source, directory, ignore=shutil.ignore_patterns("obj", "bin"))
        path = os.path.join(directory, "Volume.csproj")
        project = open(path).read()
        for dll in drop:
            project = drop_analyzer(project, dll)
        if plain:
            project = drop_analyzer(project, "LayerGen.Generators.dll")
            os.makedirs(os.path.join(directory, "Generated"))
            combined = {}
            for f in self.generated:
                text = open(f, encoding="utf-8-sig").read()
                per_class = os.path.basename(f).endswith((".Layer.g.cs", ".Module.g.cs"))
                if per_class:
                    for member in members:
                        text = strip_member(text, member)
                if transform is not None:
                    text = transform(text)
                elif not registration and not per_class:
                    continue
                if combine and per_class:
                    kind = "all" if combine == "all" else os.path.basename(f).rsplit(".", 3)[-3]
                    combined.setdefault(kind, []).append(block_namespace(text))
                    continue
                with open(os.path.join(directory, "Generated", os.path.basename(f)), "w") as out:
                    out.write(text)
            for kind, parts in combined.items():
                with open(os.path.join(directory, "Generated", f"Combined.{kind}.g.cs"), "w") as out:
                    out.write("// <auto-generated/>\n#nullable enable\n" + "".join(parts))
        if empty_files:
            os.makedirs(os.path.join(directory, "Empty"))
            parts = []
            for f in self.generated:
                m = re.search(r"Volume\.(Group\d+)\.(\w+)\.(Layer|Module)\.g\.cs$", f)
                if m:
                    if empty_files == "one":
                        parts.append(f"\nnamespace Volume.{m.group(1)}\n{{\n    partial class {m.group(2)}\n    {{\n    }}\n}}\n")
                        continue
                    with open(os.path.join(directory, "Empty", os.path.basename(f)), "w") as out:
                        out.write(f"// <auto-generated/>\n#nullable enable\n\nnamespace Volume.{m.group(1)};\n\n"
                                  f"partial class {m.group(2)}\n{{\n}}\n")
            if parts:
                with open(os.path.join(directory, "Empty", "Empty.g.cs"), "w") as out:
                    out.write("// <auto-generated/>\n#nullable enable\n" + "".join(parts))
        for dll in add:
            project = project.replace("</ItemGroup>", f'  <Analyzer Include="{os.path.abspath(dll)}" />\n  </ItemGroup>', 1)
        with open(path, "w") as f:
            f.write(project)
        result = subprocess.run(["dotnet", "restore", "-nologo"], cwd=directory, capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(result.stdout[-3000:])
        return directory

    def create(self, name):
        if name.endswith("%noAnalyzers"):
            # the same variant built with RunAnalyzers=false (no analyzers, and so no generators: use with plain/without)
            source = self.create(name[:-len("%noAnalyzers")])
            target = os.path.join(self.out, re.sub(r"[^A-Za-z0-9+.-]", "_", name))
            if os.path.exists(target):
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("obj", "bin"))
            path = os.path.join(target, "Volume.csproj")
            project = open(path).read().replace("<Nullable>", "<RunAnalyzers>false</RunAnalyzers>\n    <Nullable>", 1)
            open(path, "w").write(project)
            subprocess.run(["dotnet", "restore", "-nologo"], cwd=target, capture_output=True, text=True)
            return target
        if name == "without":
            return self.without_dir
        if name == "gen":
            return self.with_dir
        if name == "without+emptyFiles":
            return self.make(name, self.without_dir, empty_files=True)
        if name == "without+oneEmptyFile":
            return self.make(name, self.without_dir, empty_files="one")
        if name in ("plain=oneFile", "plain=fileperKind"):
            # the per-class generated parts concatenated into one file (or one per kind: layers, modules)
            return self.make(name, self.with_dir, plain=True, combine="all" if name.endswith("oneFile") else "kind")
        if name in ("plain-none=oneFile",):
            members = [m for kind in MEMBER_KINDS.values() for m in kind]
            return self.make(name, self.with_dir, plain=True, members=members, registration=False, combine="all")
        if name == "gen-noLGanalyzers":
            return self.make(name, self.with_dir, drop=LAYERGEN_ANALYZERS)
        if name == "plain":
            return self.make(name, self.with_dir, plain=True)
        if name == "plain-noLGanalyzers":
            return self.make(name, self.with_dir, plain=True, drop=LAYERGEN_ANALYZERS)
        if name == "plain-none":
            members = [m for kind in MEMBER_KINDS.values() for m in kind]
            return self.make(name, self.with_dir, plain=True, members=members, registration=False)
        if name == "plain-noRegistration":
            return self.make(name, self.with_dir, plain=True, registration=False)
        if name.startswith("plain~") and name[6:] in TRANSFORMS:
            return self.make(name, self.with_dir, plain=True, transform=TRANSFORMS[name[6:]])
        if name.startswith("plain-only") and "no" + name[10:] in MEMBER_KINDS:
            # plain with only one kind of generated member left (the registration file only with FromConfig)
            kept = "no" + name[10:]
            members = [m for kind, names in MEMBER_KINDS.items() if kind != kept for m in names]
            return self.make(name, self.with_dir, plain=True, members=members, registration=kept == "noFromConfig")
        if name.startswith("plain-") and name[6:] in MEMBER_KINDS:
            kind = name[6:]
            return self.make(name, self.with_dir, plain=True, members=MEMBER_KINDS[kind], registration=kind != "noFromConfig")
        if name in ("plain+floor", "plain+floorWalk"):
            mode = "walk" if name.endswith("Walk") else "members"
            output = os.path.join(self.out, "floor-" + mode)
            project = os.path.join(os.path.dirname(os.path.abspath(__file__)), "FloorGenerator", "FloorGenerator.csproj")
            result = subprocess.run(["dotnet", "build", project, "-c", "Release", "-nologo", "-o", output, f"-p:FloorMode={mode}"],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(result.stdout[-3000:])
            return self.make(name, self.with_dir, plain=True, add=(os.path.join(output, "LayerGen.FloorGenerator.dll"),))
        if name.startswith("plain+floor:"):
            return self.make(name, self.with_dir, plain=True, add=(name[len("plain+floor:"):],))
        sys.exit(f"unknown variant {name}")


def server_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by the running compiler servers (VBCSCompiler), from /proc."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"VBCSCompiler" not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            continue
    return total


def build(directory: str, shared: bool):
    """Wall seconds, the Csc task's seconds and (with a shared compiler) the compiler server's CPU seconds."""
    args = ["dotnet", "build", "--no-restore", "--no-incremental", "-c", "Release", "-nologo", "-clp:PerformanceSummary",
            "-p:EmitCompilerGeneratedFiles=false", f"-p:UseSharedCompilation={'true' if shared else 'false'}"]
    cpu = server_cpu_seconds()
    started = time.perf_counter()
    result = subprocess.run(args, cwd=directory, capture_output=True, text=True)
    wall = time.perf_counter() - started
    cpu = server_cpu_seconds() - cpu
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.exit(f"build failed in {directory}")
    return wall, csc_seconds(result.stdout), cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", help="the --out directory of generated_volume.py")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="without,gen,plain,plain-none")
    parser.add_argument("--shared", action="store_true", help="UseSharedCompilation=true (warm compiler server)")
    args = parser.parse_args()
    variants = Variants(args.out)
    names = args.variants.split(",")
    directories = {name: variants.create(name) for name in names}
    for directory in directories.values():
        build(directory, args.shared)  # warm-up, and a check that every variant compiles
    results = {name: [] for name in names}
    for r in range(args.rounds):
        for name in (names if r % 2 == 0 else list(reversed(names))):
            results[name].append(build(directories[name], args.shared))
    base = statistics.median(w for w, _, _ in results[names[0]])
    print(f"{'variant':28} {'wall':>6} {'Csc':>6} {'/' + names[0]:>10} {'cpu':>6} {'/' + names[0]:>10}   wall per round / server cpu per round")
    base_cpu = statistics.median(c for _, _, c in results[names[0]]) or float("nan")
    for name in names:
        walls = [w for w, _, _ in results[name]]
        cscs = [c for _, c, _ in results[name]]
        cpus = [c for _, _, c in results[name]]
        print(f"{name:28} {statistics.median(walls):6.2f} {statistics.median(cscs):6.2f} {statistics.median(walls) / base:9.2f}x "
              f"{statistics.median(cpus):6.2f} {statistics.median(cpus) / base_cpu:9.2f}x   "
              + " ".join(f"{w:5.2f}" for w in walls) + "  /  " + " ".join(f"{c:5.2f}" for c in cpus))


if __name__ == "__main__":
    main()
