using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

// Usage: CompileProbe <references.txt> <rounds> <variant dir>...
// Compiles each variant directory's *.cs (bin/ left out; obj/**/*.cs included: the global usings) against the references
// listed one per line, in-process with a warm JIT, the variants interleaved, and prints per variant the median and min
// of: parse, GetDiagnostics (declare + bind + flow analysis of every body), Emit (a fresh compilation: bind + lower +
// IL + portable PDB), single-threaded (concurrentBuild: false) so the numbers are CPU time of one core.
// Only obj/ folders ending in net10.0 are read (obj/Release/net10.0: the global usings; not obj/generated). Variant
// folders made by build_breakdown.py that were never built have no obj/: copy WithAttributes/obj/Release/net10.0/*.cs
// (with the .NETCoreApp,... file) into them first. The references: the /reference: arguments of the volume project's
// Csc command line (dotnet build -v:d), one per line. On the shared machine:
//   flock /tmp/dotnet.lock dotnet build -c Release -o /tmp/probe benchmarks/GeneratedVolume/CompileProbe
//   cd /tmp/vol && flock /tmp/dotnet.lock dotnet /tmp/probe/CompileProbe.dll refs.txt 3 WithoutAttributes breakdown/plain-none breakdown/plain
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: CompileProbe <references.txt> <rounds> <variant dir>...");
    return 1;
}
var references = File.ReadAllLines(args[0]).Where(l => l.Length > 0).Select(p => MetadataReference.CreateFromFile(p)).ToArray();
int rounds = int.Parse(args[1]);
var dirs = args[2..];
var parseOptions = new CSharpParseOptions(LanguageVersion.Default, preprocessorSymbols: ["RELEASE", "NET", "NET10_0"]);
var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
    optimizationLevel: OptimizationLevel.Release, concurrentBuild: false, specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress });
var texts = dirs.ToDictionary(d => d, d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories)
    .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/breakdown/", StringComparison.Ordinal)
                && (!f.Contains("/obj/", StringComparison.Ordinal) || Path.GetDirectoryName(f)!.EndsWith("net10.0", StringComparison.Ordinal)))
    .Order(StringComparer.Ordinal).Select(f => (Path: f, Text: File.ReadAllText(f))).ToArray());
var times = dirs.ToDictionary(d => d, _ => (Parse: new List<double>(), Diagnose: new List<double>(), Emit: new List<double>()));

for (int r = -1; r < rounds; r++)
{
    foreach (var dir in r % 2 == 0 ? dirs : dirs.Reverse().ToArray())
    {
        var sw = Stopwatch.StartNew();
        var trees = texts[dir].Select(t => CSharpSyntaxTree.ParseText(Microsoft.CodeAnalysis.Text.SourceText.From(t.Text, System.Text.Encoding.UTF8), parseOptions, t.Path)).ToArray();
        double parse = sw.Elapsed.TotalSeconds;
        var compilation = CSharpCompilation.Create("Volume", trees, references, options);
        sw.Restart();
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        double diagnose = sw.Elapsed.TotalSeconds;
        if (errors.Count > 0)
        {
            Console.Error.WriteLine($"{dir}: {errors.Count} errors, first: {errors[0]}");
            return 2;
        }
        var fresh = CSharpCompilation.Create("Volume", trees, references, options);
        sw.Restart();
        using (var pe = new MemoryStream())
        using (var pdb = new MemoryStream())
        {
            var result = fresh.Emit(pe, pdb, options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb));
            if (!result.Success)
            {
                Console.Error.WriteLine($"{dir}: emit failed: {result.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)}");
                return 3;
            }
        }
        double emit = sw.Elapsed.TotalSeconds;
        if (r < 0) continue; // warm-up
        times[dir].Parse.Add(parse);
        times[dir].Diagnose.Add(diagnose);
        times[dir].Emit.Add(emit);
    }
}

static double Median(List<double> v) { var s = v.Order().ToList(); return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2; }
Console.WriteLine($"{"variant",-36} {"files",5} {"parse",7} {"diagnose",9} {"emit",7}   (median s; min in brackets; single-threaded, warm, {rounds} rounds)");
foreach (var dir in dirs)
{
    var (p, d, e) = times[dir];
    Console.WriteLine($"{Path.GetFileName(dir.TrimEnd('/')),-36} {texts[dir].Length,5} {Median(p),7:F3} {Median(d),9:F3} {Median(e),7:F3}   [{p.Min():F3} {d.Min():F3} {e.Min():F3}]");
}
return 0;
