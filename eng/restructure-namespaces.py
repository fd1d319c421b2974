#!/usr/bin/env python3
"""Namespaces follow folders: the mechanical part of issue 15 item 4, re-runnable on any tree.

Run from anywhere inside the repository (python3, standard library only):

    python3 eng/restructure-namespaces.py            # do it
    python3 eng/restructure-namespaces.py --dry-run  # print what it would do

What it does, in order (each step is idempotent, so running it twice changes nothing the second time):

1. MOVES: `git mv` of the runtime folders and files below whose place changes. A missing source is skipped;
   when the destination folder exists already, the files left in the source (added later on another
   branch) are moved in one by one.
2. NAMESPACES: every runtime file's `namespace ...;` becomes the namespace of its folder (FOLDER_NAMESPACES:
   the longest matching folder prefix wins, so files other branches add in any folder get the right one).
3. QUALIFIED NAMES: `LayerGen.T` / `global::LayerGen.T` (and the old `LayerGen.Sub.T`) for every runtime type
   T whose namespace changed is rewritten to the new full name, in all C# sources, snapshots and docs of the
   repository. This updates src/Shared/KnownNames.cs (so the generators emit the new `global::` names), the
   code fixes, the generator snapshots and the docs.
4. USINGS, written from the namespaces that exist after step 2, so no source file needs a `using` edit:
   - src/Runtime/GlobalUsings.cs: the runtime sees all of its own namespaces (as when it was one namespace);
   - src/Runtime/buildTransitive/LayerGen.Usings.targets: `<Using>` items a package consumer gets when
     ImplicitUsings is on (CONSUMER_USINGS; opt out with LayerGenImplicitUsings=false), imported by
     buildTransitive/LayerGen.targets;
   - Directory.Build.targets: the same file imported by the repository's tests, samples and benchmarks that
     compile against the runtime without eng/UseLayerGen.props;
   - tests/Shared/LayerGenImplicitUsings.cs: the same list as C# text, for test compilations built in memory.

After it: build, fix what the compiler reports (partially qualified names the rewrite cannot see), run the
architecture test (tests/Runtime.Tests/ArchitectureTests.cs), which lists the layers in the same order as
LAYERS below.
"""

import os
import re
import subprocess
import sys

# --------------------------------------------------------------------------------------------- the map

RUNTIME = "src/Runtime"

# (source, destination) relative to src/Runtime.
MOVES = [
    ("Layers/Models", "Models"),             # Model, Sequential, functional graphs: the layer above Layers
    ("Keras.cs", "Models/Keras.cs"),         # Keras.Input builds InputLayers: a Models-level facade
    ("Random", "Tensors/Random"),            # seeded random tensors belong to the tensor layer
    ("Layers/Config/ConfigException.cs", "Errors/ConfigException.cs"),  # users catch it: stays in LayerGen
    # What users write or call stays with the layers: [KerasSerializable], [ConfigKey], the registries and the
    # KerasObject base (LayerGen.Layers, beside LayerRegistry); Serialization keeps only the hidden Config helpers.
    ("Layers/Config/KerasSerializableAttribute.cs", "Layers/KerasSerializableAttribute.cs"),
    ("Layers/Config/ConfigKeyAttribute.cs", "Layers/ConfigKeyAttribute.cs"),
    ("Layers/Config/KerasRegistry.cs", "Layers/KerasRegistry.cs"),
    ("Layers/Config/KerasObject.cs", "Layers/KerasObject.cs"),
    ("Layers/Config", "Serialization"),      # Config, KerasObject: LayerGen.Serialization, hidden plumbing
    ("Formats/AtomicFile.cs", "IO/AtomicFile.cs"),     # byte-level IO shared by checkpoints, graphs, formats
    ("Formats/Crc32C.cs", "IO/Crc32C.cs"),
    ("Formats/TensorBytes.cs", "IO/TensorBytes.cs"),
    ("Formats/Protobuf", "IO/Protobuf"),
    ("Formats/TensorBoard/EventFileWriter.cs", "IO/EventFileWriter.cs"),  # used by the TensorBoard callback and graph export
    ("Formats/FormatErrors.cs", "IO/FormatErrors.cs"),          # the exception factory the byte-level readers take
    ("Formats/ByteSource.cs", "IO/ByteSource.cs"),
    ("Formats/SeekableStreams.cs", "IO/SeekableStreams.cs"),
    ("Formats/Checkpoints", "Checkpoints"),  # layers restore deferred variables through checkpoints: below Layers
    # What every weights format shares (the store interface, the all-or-nothing restore, its report and errors,
    # object paths): LayerGen.Saving, below Checkpoints, so checkpoints and the file formats use it alike.
    ("Formats/IWeightsStore.cs", "Saving/IWeightsStore.cs"),
    ("Formats/IStreamWeightsStore.cs", "Saving/IStreamWeightsStore.cs"),
    ("Formats/VariableAssignment.cs", "Saving/VariableAssignment.cs"),
    ("Formats/RestoreReport.cs", "Saving/RestoreReport.cs"),
    ("Formats/CheckpointMismatchException.cs", "Saving/CheckpointMismatchException.cs"),
    ("Formats/CheckpointVariableInfo.cs", "Saving/CheckpointVariableInfo.cs"),
    ("Formats/ObjectPaths.cs", "Saving/ObjectPaths.cs"),
]

# Folder (relative to src/Runtime, after the moves) -> namespace. Longest prefix wins; "" is the root folder.
# One namespace per area; a subfolder gets its own only where a family already had one (Losses, Metrics,
# Optimizers, Callbacks, Kernels, Formats.Keras). Subfolders named like a static class (Initializers,
# Regularizers, Constraints, SafeTensors, SavedModel) must NOT become namespaces: `Initializers.Zeros()`
# would then resolve to the namespace.
FOLDER_NAMESPACES = {
    "": "LayerGen",
    "Errors": "LayerGen",
    "Tensors": "LayerGen.Tensors",
    "IO": "LayerGen.IO",
    "Datasets": "LayerGen.Datasets",         # keras.datasets: files -> tensors; needs only Tensors and IO
    "Ops": "LayerGen.Operations",            # not LayerGen.Ops: the static class Ops would clash with it
    "Ops/Kernels": "LayerGen.Kernels",
    "Variables": "LayerGen.Variables",
    "Autodiff": "LayerGen.Autodiff",
    "Graphs": "LayerGen.Graphs",
    "Modules": "LayerGen.Modules",
    "Checkpoints": "LayerGen.Checkpoints",
    "Layers": "LayerGen.Layers",
    "Serialization": "LayerGen.Serialization",
    "Models": "LayerGen.Models",
    "Training": "LayerGen.Training",
    "Training/Losses": "LayerGen.Losses",
    "Training/Metrics": "LayerGen.Metrics",
    "Training/Optimizers": "LayerGen.Optimizers",
    "Training/Schedules": "LayerGen.Optimizers",   # keras.optimizers.schedules; was LayerGen.Optimizers already
    "Training/Callbacks": "LayerGen.Callbacks",
    "Formats": "LayerGen.Formats",
    "Formats/Keras": "LayerGen.Formats.Keras",
    "Saving": "LayerGen.Saving",
    "Distributed": "LayerGen.Distributed",   # data parallelism over MPI (Distributed/Mpi: the binding)
}

# The layers, lowest first (what the architecture test checks; documented in docs/design/architecture.md).
LAYERS = [
    ["LayerGen", "LayerGen.Tensors", "LayerGen.SourceGeneration"],  # SourceGeneration: src/Shared/Naming.cs, linked
    ["LayerGen.IO"],
    ["LayerGen.Datasets"],
    ["LayerGen.Operations", "LayerGen.Kernels"],
    ["LayerGen.Variables"],
    ["LayerGen.Autodiff"],
    ["LayerGen.Graphs", "LayerGen.Onnx"],  # LayerGen.Onnx: the classes generated from Graphs/Onnx/onnx.proto
    ["LayerGen.Modules"],
    ["LayerGen.Saving"],
    ["LayerGen.Checkpoints"],
    ["LayerGen.Layers", "LayerGen.Serialization"],
    ["LayerGen.Models"],
    ["LayerGen.Training", "LayerGen.Losses", "LayerGen.Metrics", "LayerGen.Optimizers", "LayerGen.Callbacks"],
    ["LayerGen.Formats", "LayerGen.Formats.Keras"],
    ["LayerGen.Distributed"],  # drives Training from outside, through its ITrainingDistribution hook
]

# What `using LayerGen;` plus the implicit usings give a user: the namespaces README-style code needs. The
# families that were opt-in before (Losses, Metrics, Optimizers, Callbacks) stay opt-in: Losses and Metrics
# share class names (MeanSquaredError), so importing both everywhere would make them ambiguous.
CONSUMER_USINGS = [
    "LayerGen",
    "LayerGen.Tensors",
    "LayerGen.Operations",
    "LayerGen.Variables",
    "LayerGen.Autodiff",
    "LayerGen.Graphs",
    "LayerGen.Modules",
    "LayerGen.Saving",
    "LayerGen.Checkpoints",
    "LayerGen.Layers",
    "LayerGen.Models",
    "LayerGen.Training",
    "LayerGen.Formats",
    "LayerGen.Formats.Keras",
    "LayerGen.IO",
    "LayerGen.Distributed",
]

# Aliases win over imported namespaces:
# `Tensor` stays LayerGen's tensor next to
# System.Numerics.Tensors (which the kernels import for TensorPrimitives).
# `Module` stays LayerGen's module next to System.Reflection.
ALIASES = {"Tensor": "LayerGen.Tensors.Tensor",
           "Module": "LayerGen.Modules.Module"}

# Namespaces the runtime's GlobalUsings.cs leaves out (files that use them import them, as before).
RUNTIME_USINGS_EXCLUDED = {"LayerGen", "LayerGen.Losses", "LayerGen.Metrics", "LayerGen.Optimizers",
                           "LayerGen.Callbacks", "LayerGen.Formats.Keras", "LayerGen.Onnx"}

# Where qualified names are rewritten (step 3).
REWRITE_ROOTS = ["src", "tests", "samples", "benchmarks", "docs", "README.md"]
REWRITE_EXTENSIONS = (".cs", ".md", ".txt", ".props", ".targets", ".csproj")
SKIP_DIRS = {"bin", "obj", ".git", "artifacts", "TestResults", "BenchmarkDotNet.Artifacts"}

GENERATED_HEADER = "Written by eng/restructure-namespaces.py; edit the map there and run it again."

# --------------------------------------------------------------------------------------------- helpers

DRY = "--dry-run" in sys.argv


def repo_root():
    out = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.abspath(__file__)))
    return out.stdout.strip()


ROOT = repo_root()


def rt(*parts):
    return os.path.join(ROOT, RUNTIME, *parts)


def say(msg):
    print(msg)


def git_mv(src, dst):
    say(f"git mv {os.path.relpath(src, ROOT)} {os.path.relpath(dst, ROOT)}")
    if DRY:
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    subprocess.run(["git", "mv", src, dst], check=True, cwd=ROOT)


def walk_files(base, extensions):
    if os.path.isfile(base):
        if base.endswith(extensions):
            yield base
        return
    for d, dirs, files in os.walk(base):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS]
        for f in files:
            if f.endswith(extensions):
                yield os.path.join(d, f)


def write_if_changed(path, text):
    old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if old == text:
        return False
    say(("would write " if DRY else "write ") + os.path.relpath(path, ROOT))
    if not DRY:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return True


def read(path):
    with open(path, encoding="utf-8-sig") as f:
        return f.read()


def has_bom(path):
    with open(path, "rb") as f:
        return f.read(3) == b"\xef\xbb\xbf"


def write_keep_bom(path, text):
    bom = has_bom(path)
    if DRY:
        return
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        f.write(text)

# --------------------------------------------------------------------------------------------- 1. moves


def do_moves():
    for src_rel, dst_rel in MOVES:
        src, dst = rt(src_rel), rt(dst_rel)
        if not os.path.exists(src):
            continue
        if os.path.isdir(src) and os.path.isdir(dst):
            for d, _, files in os.walk(src):
                for f in files:
                    s = os.path.join(d, f)
                    t = os.path.join(dst, os.path.relpath(s, src))
                    if not os.path.exists(t) and is_tracked(s):
                        git_mv(s, t)
        elif not os.path.exists(dst):
            if os.path.isdir(src) and not any(is_tracked(os.path.join(d, f)) for d, _, fs in os.walk(src) for f in fs):
                continue
            git_mv(src, dst)
        else:
            say(f"warning: both {src_rel} and {dst_rel} exist; left as they are")


def is_tracked(path):
    r = subprocess.run(["git", "ls-files", "--error-unmatch", path], capture_output=True, cwd=ROOT)
    return r.returncode == 0

# --------------------------------------------------------------------------------------------- 2. namespaces


NAMESPACE_LINE = re.compile(r"^namespace\s+([A-Za-z_][\w.]*)\s*(;|\{|$)", re.M)
TOP_LEVEL_TYPE = re.compile(
    r"^(?!\s)(?!//)(?:\[[^\]]*\]\s*)*(?:(?:public|internal|file|static|sealed|abstract|partial|readonly|unsafe|ref|new)\s+)*"
    r"(?:(?:class|struct|interface|enum)\s+(\w+)|record\s+(?:struct\s+|class\s+)?(\w+)|delegate\s+[^(=;]+?\s+(\w+)\s*[<(])",
    re.M)


def folder_namespace(rel_path):
    folder = os.path.dirname(rel_path).replace(os.sep, "/")
    best = None
    for prefix, ns in FOLDER_NAMESPACES.items():
        if prefix == "" or folder == prefix or folder.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, ns)
    if best[0] == "" and folder != "":
        top = folder.split("/")[0]
        ns = "LayerGen." + top
        say(f"warning: no namespace mapped for folder {folder}; using {ns} (add it to FOLDER_NAMESPACES)")
        return ns
    return best[1]


def runtime_sources():
    for path in walk_files(rt(), (".cs",)):
        rel = os.path.relpath(path, rt())
        if rel == "GlobalUsings.cs":
            continue
        yield path, rel


def type_names(text):
    for t in TOP_LEVEL_TYPE.finditer(text):
        yield t.group(1) or t.group(2) or t.group(3)


def do_namespaces():
    """Rewrites each runtime file's namespace; returns {(old namespace, type): new namespace}."""
    moved = {}
    for path, rel in runtime_sources():
        text = read(path)
        m = NAMESPACE_LINE.search(text)
        if not m or not (m.group(1) == "LayerGen" or m.group(1).startswith("LayerGen.")):
            continue
        old, new = m.group(1), folder_namespace(rel)
        for name in type_names(text):
            moved[(old, name)] = new
        if old != new:
            say(f"namespace {old} -> {new}: {rel}")
            write_keep_bom(path, text[:m.start(1)] + new + text[m.end(1):])
    return moved


# --------------------------------------------------------------------------------------------- 3. qualified names


def qualified_name_rules(moved):
    """(pattern, replacement) for every old full name of a runtime type that changed."""
    # Where each type name lives now (after step 2), to map LayerGen.T written on other branches or after a first run.
    homes = {}
    for (_, name), new in moved.items():
        homes.setdefault(name, set()).add(new)
    renames = {(old, name): new for (old, name), new in moved.items() if old != new}
    for name, news in homes.items():
        if ("LayerGen", name) in moved or "LayerGen" in news:
            continue
        if len(news) == 1:
            renames[("LayerGen", name)] = next(iter(news))
        else:
            say(f"warning: LayerGen.{name} is ambiguous ({', '.join(sorted(news))}); not rewritten")
    rules = []
    for (old, name), new in sorted(renames.items()):
        names = [name]
        if name.endswith("Attribute") and len(name) > len("Attribute"):
            names.append(name[: -len("Attribute")])       # [LayerGen.ConfigConstructor]
        for n in names:
            pattern = re.compile(r"(?<![\w.])(global::)?" + re.escape(old) + r"\." + re.escape(n) + r"(?!\w)")
            rules.append((pattern, new + "." + n))
    return rules


def do_qualified_names(types):
    rules = qualified_name_rules(types)
    this_script = os.path.abspath(__file__)
    changed = 0
    for root in REWRITE_ROOTS:
        for path in walk_files(os.path.join(ROOT, root), REWRITE_EXTENSIONS):
            if os.path.abspath(path) == this_script:
                continue
            text = read(path)
            if "LayerGen." not in text:
                continue
            new_text = text
            for pattern, replacement in rules:
                new_text = pattern.sub(lambda m, r=replacement: (m.group(1) or "") + r, new_text)
            if new_text != text:
                changed += 1
                say(f"qualified names: {os.path.relpath(path, ROOT)}")
                write_keep_bom(path, new_text)
    return changed


def check_known_names(moved):
    path = os.path.join(ROOT, "src/Shared/KnownNames.cs")
    if not os.path.exists(path):
        return
    located = {f"{new}.{name}" for (_, name), new in moved.items()}
    for m in re.finditer(r'"(LayerGen\.[\w.]+)"', read(path)):
        full = m.group(1)
        if full in located or full.startswith(("LayerGen.Generators", "LayerGen.Analyzers")) or full == "LayerGen":
            continue
        if full.endswith((".Parse", ".Models")):      # incremental-step tracking names, not types
            continue
        say(f"warning: KnownNames names {full}, which is no runtime type the script found; check it by hand")


# --------------------------------------------------------------------------------------------- 4. usings


def existing_namespaces():
    found = set()
    for path, _ in runtime_sources():
        m = NAMESPACE_LINE.search(read(path))
        if m and (m.group(1) == "LayerGen" or m.group(1).startswith("LayerGen.")):
            found.add(m.group(1))
    return found


def do_usings():
    present = existing_namespaces()
    runtime = sorted(ns for ns in present if ns not in RUNTIME_USINGS_EXCLUDED)
    lines = [f"// {GENERATED_HEADER}",
             "// The runtime's folders are namespaces; inside the runtime every one of them is in scope, as when it was",
             "// one namespace. (The families that were namespaces of their own before import them where used.)"]
    lines += [f"global using {ns};" for ns in runtime]
    lines += [f"global using {alias} = {target};" for alias, target in sorted(ALIASES.items())]
    write_if_changed(rt("GlobalUsings.cs"), "\n".join(lines) + "\n")

    consumer = [ns for ns in CONSUMER_USINGS if ns in present]
    missing = [ns for ns in CONSUMER_USINGS if ns not in present]
    for ns in missing:
        say(f"warning: CONSUMER_USINGS names {ns}, which no runtime file declares; left out")
    items = "\n".join(f'    <Using Include="{ns}" />' for ns in consumer)
    items += "\n" + "\n".join(f'    <Using Include="{t}" Alias="{a}" />' for a, t in sorted(ALIASES.items()))
    removes = "\n".join(f'    <Using Remove="{ns}" />' for ns in consumer)
    removes += "\n" + "\n".join(f'    <Using Remove="{t}" />' for _, t in sorted(ALIASES.items()))
    targets = f"""<!--
  {GENERATED_HEADER}
  Imported by LayerGen.targets (the package's buildTransitive targets) and, in this repository, by
  Directory.Build.targets: LayerGen's namespaces follow its folders (docs/design/architecture.md), and an
  app with ImplicitUsings on gets the ones README-style code needs, as the SDK adds System and friends.
  Set
  LayerGenImplicitUsings to false to import them yourself.
-->
<Project>
  <PropertyGroup>
    <LayerGenUsingsImported>true</LayerGenUsingsImported>
  </PropertyGroup>
  <ItemGroup Condition="('$(ImplicitUsings)' == 'enable' or '$(ImplicitUsings)' == 'true') and '$(LayerGenImplicitUsings)' != 'false'">
    <!-- Remove first: imported twice (package and repository), the items stay single. -->
{removes}
{items}
  </ItemGroup>
</Project>
"""
    write_if_changed(rt("buildTransitive", "LayerGen.Usings.targets"), targets)

    main_targets = rt("buildTransitive", "LayerGen.targets")
    if os.path.exists(main_targets):
        text = read(main_targets)
        imp = '  <Import Project="$(MSBuildThisFileDirectory)LayerGen.Usings.targets" />\n'
        if "LayerGen.Usings.targets" not in text:
            text = text.replace("<Project>\n", "<Project>\n" + imp, 1)
            write_if_changed(main_targets, text)

    dbt = f"""<!--
  {GENERATED_HEADER}
  The repository's tests, samples and benchmarks get the implicit usings a package consumer gets
  (src/Runtime/buildTransitive/LayerGen.Usings.targets). Those that import eng/UseLayerGen.props have them
  through LayerGen.targets already; the others reference src/Runtime directly. Packaging.Tests compiles
  nothing against the runtime.
-->
<Project>
  <Import Project="$(MSBuildThisFileDirectory)src/Runtime/buildTransitive/LayerGen.Usings.targets"
          Condition="'$(LayerGenUsingsImported)' != 'true' and '$(MSBuildProjectName)' != 'Packaging.Tests' and ($(MSBuildProjectDirectory.StartsWith('$(MSBuildThisFileDirectory)tests')) or $(MSBuildProjectDirectory.StartsWith('$(MSBuildThisFileDirectory)samples')) or $(MSBuildProjectDirectory.StartsWith('$(MSBuildThisFileDirectory)benchmarks')))" />
</Project>
"""
    write_if_changed(os.path.join(ROOT, "Directory.Build.targets"), dbt)

    cs_usings = "".join(f"global using {ns};\\n" for ns in consumer)
    cs_usings += "".join(f"global using {a} = {t};\\n" for a, t in sorted(ALIASES.items()))
    cs_line = " ".join([f"using {ns};" for ns in consumer if ns != "LayerGen"] + [f"using {a} = {t};" for a, t in sorted(ALIASES.items())])
    shared = f"""// {GENERATED_HEADER}
namespace LayerGen.Tests.Shared;

/// <summary>
/// The global usings a project with ImplicitUsings gets from the LayerGen package
/// (src/Runtime/buildTransitive/LayerGen.Usings.targets), as C# text: test compilations built in memory add it
/// so their sources see the runtime as a user's project does.
/// </summary>
internal static class LayerGenImplicitUsings
{{
    /// <summary>The <c>global using</c> directives, one a line.</summary>
    public const string Source = "{cs_usings}";

    /// <summary>The same as plain <c>using</c> directives on one line (without <c>using LayerGen;</c>), for test sources whose line numbers must not move.</summary>
    public const string Line = "{cs_line}";
}}
"""
    write_if_changed(os.path.join(ROOT, "tests", "Shared", "LayerGenImplicitUsings.cs"), shared)

# --------------------------------------------------------------------------------------------- main


def main():
    os.chdir(ROOT)
    do_moves()
    moved = do_namespaces()
    # Types whose files an earlier run rewrote already: their namespace now is their folder's.
    for path, rel in runtime_sources():
        for name in type_names(read(path)):
            key = next((k for k in moved if k[1] == name), None)
            if key is None:
                moved[(folder_namespace(rel), name)] = folder_namespace(rel)
    do_qualified_names(moved)
    check_known_names(moved)
    do_usings()
    say("done" + (" (dry run: nothing written)" if DRY else ""))


if __name__ == "__main__":
    main()
