using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace LayerGen.Generators.Tests;

/// <summary>The generated text for each kind of input, compared with <c>Snapshots/</c>; the output must compile cleanly.</summary>
public class SnapshotTests
{
    private static void Verify(string[] sources, IEnumerable<MetadataReference>? references = null, [CallerMemberName] string name = "")
    {
        var compilation = GeneratorHarness.CreateCompilation(sources, extraReferences: references);
        var (result, output, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(GeneratorHarness.Problems(output));
        Snapshot.Match(name, [.. result.Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString()))]);
    }

    [Fact]
    public void SimpleModule() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class SimpleModule
        {
            public Variable AVariable { get; } = new(5.0f, name: "train_me");
            public Variable NonTrainableVariable { get; } = new(5.0f, trainable: false, name: "do_not_train_me");

            public Tensor Call(Tensor x) => AVariable * x + NonTrainableVariable;
        }
        """]);

    [Fact]
    public void NestedModules() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class Dense
        {
            readonly Variable w, b;
            public Dense(int inFeatures, int outFeatures)
            {
                w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
                b = new(Tensor.Zeros([outFeatures]), name: "b");
            }
            public Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
        }

        [Module]
        public partial class SequentialModule
        {
            readonly Dense dense1 = new(3, 3);
            readonly Dense dense2 = new(3, 2);
            public Tensor Call(Tensor x) => dense2.Call(dense1.Call(x));
        }

        [Module]
        public partial class FlexibleDenseModule
        {
            readonly int outFeatures;
            Variable? w, b;
            public FlexibleDenseModule(int outFeatures) => this.outFeatures = outFeatures;
            public Tensor Call(Tensor x)
            {
                w ??= new(Tensor.RandomNormal([x.Shape[^1], outFeatures]), name: "w");
                b ??= new(Tensor.Zeros([outFeatures]), name: "b");
                return Ops.Relu(Ops.MatMul(x, w) + b);
            }
        }
        """]);

    [Fact]
    public void Collections() => Verify(["""
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class Leaf
        {
            public Variable? V { get; set; }
        }

        [Module]
        public partial class Collections
        {
            private readonly Variable[] _weights = [];
            public List<Leaf> Layers { get; } = [];
            public IReadOnlyList<Leaf> ReadOnlyLayers { get; init; } = [];
            public IList<Variable?>? MaybeVariables { get; set; }
            public ImmutableArray<Leaf> Frozen { get; init; }
            public Dictionary<string, Leaf> Blocks { get; } = new();
            public IReadOnlyDictionary<string, Variable> Named { get; init; } = new Dictionary<string, Variable>();
            private readonly List<Leaf[]> m_denseLayers = [];
            public Dictionary<string, List<Variable>>? Grouped { get; set; }
            public ImmutableArray<ImmutableArray<Leaf>> Grid { get; init; }
            public List<int> NotTrackedInts { get; } = [];
            public Dictionary<int, Leaf> IntKeysNotTracked { get; } = new();
            public Leaf[,] NotTrackedMultiDim { get; } = new Leaf[0, 0];
        }
        """]);

    [Fact]
    public void TrackAsAndNotTracked() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class Renamed
        {
            [TrackAs("kernel")] private readonly Variable _w = new(1f);
            [NotTracked] private readonly Variable _cache = new(2f);
            [TrackAs("the \"bias\"")] public Variable B { get; } = new(3f);
            private readonly Variable @class = new(4f);
            private static readonly Variable Shared = new(5f);
            private const int Size = 3;
            public Variable Computed => _w;
            public Variable ComputedBlock { get { return _cache; } }
            public Variable ComputedAccessor { get => B; }
            public Variable AutoWithField { get; set; } = new(6f);
            [System.Obsolete("use AutoWithField")] public Variable Old { get; } = new(7f);
            public Variable this[int i] => _w;
            public int Count => Size + (Shared is null ? 0 : 1) + (@class is null ? 0 : 1);
        }
        """]);

    [Fact]
    public void Inheritance() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class BaseModule
        {
            protected Variable BaseWeight { get; } = new(1f);
        }

        [Module]
        public sealed partial class DerivedModule : BaseModule
        {
            public Variable OwnWeight { get; } = new(2f);
        }

        [Module]
        public partial class ExplicitBase : Module
        {
            public Variable W { get; } = new(3f);
        }
        """]);

    [Fact]
    public void InheritanceFromReferencedAssembly()
    {
        var library = GeneratorHarness.CreateCompilation(["""
            using LayerGen;

            namespace Library;

            [Module]
            public partial class LibraryModule
            {
                protected Variable LibraryWeight { get; } = new(1f);
            }
            """], assemblyName: "Library");
        var (_, libraryOutput, _) = GeneratorHarness.Run(library);
        Assert.Empty(GeneratorHarness.Problems(libraryOutput));
        using var stream = new MemoryStream();
        var emit = libraryOutput.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var reference = MetadataReference.CreateFromImage(stream.ToArray());

        Verify(["""
            using LayerGen;

            namespace MyApp;

            [Module]
            public partial class AppModule : Library.LibraryModule
            {
                public Variable AppWeight { get; } = new(2f);
            }
            """], [reference]);
    }

    [Fact]
    public void GenericClass() => Verify(["""
        using System.Collections.Generic;
        using LayerGen;

        namespace MyApp;

        [Module]
        public partial class Wrapper<TInner, TValue> where TInner : Module where TValue : class
        {
            public TInner? Inner { get; set; }
            public List<TInner> Many { get; } = [];
            public TValue? NotTracked { get; set; }
        }

        [Module]
        public partial class VariableHolder<TVariable> where TVariable : Variable
        {
            public TVariable? Held { get; set; }
        }
        """]);

    [Fact]
    public void NestedClass() => Verify(["""
        using LayerGen;

        namespace MyApp;

        public static partial class Models
        {
            public partial class Outer<T>
            {
                [Module]
                internal partial class Inner
                {
                    public Variable W { get; } = new(1f);
                }
            }

            public partial record Container
            {
                [Module]
                private sealed partial class InRecord
                {
                    public Variable W { get; } = new(1f);
                }
            }

            public partial struct Holder
            {
                [Module]
                public abstract partial class InStruct
                {
                    public Variable W { get; } = new(1f);
                }
            }
        }
        """]);

    [Fact]
    public void FileScopedNamespace() => Verify(["""
        using LayerGen;

        namespace MyCompany.MyApp.Models;

        [Module]
        public partial class FileScoped
        {
            public Variable W { get; } = new(1f);
        }
        """]);

    [Fact]
    public void BlockNamespace() => Verify(["""
        using LayerGen;

        namespace MyCompany.Block
        {
            [Module]
            public partial class BlockScoped
            {
                public Variable W { get; } = new(1f);
            }
        }
        """]);

    [Fact]
    public void GlobalNamespace() => Verify(["""
        using LayerGen;

        [Module]
        public partial class GlobalModule
        {
            public Variable W { get; } = new(1f);
        }
        """]);

    [Fact]
    public void SealedAndAbstract() => Verify(["""
        using LayerGen;

        namespace MyApp;

        [Module]
        public abstract partial class AbstractModule
        {
            public Variable W { get; } = new(1f);
            public abstract Tensor Call(Tensor x);
        }

        [Module]
        public sealed partial class SealedModule : AbstractModule
        {
            public Variable B { get; } = new(2f);
            public override Tensor Call(Tensor x) => x * W + B;
        }
        """]);

    [Fact]
    public void ModulesTrackingNothing() => Verify(["""
        using LayerGen;

        namespace MyApp;

        // Nothing of their own to report: no VisitMembers (the inherited one is the whole walk).
        [Module]
        public partial class Empty
        {
            public int Count { get; set; }
        }

        [Module]
        public partial class Stateless : Module
        {
            public Tensor Call(Tensor x) => x;
        }

        [Module]
        public partial class Tracking
        {
            public Variable W { get; } = new(1f);
        }

        [Module]
        public partial class DerivedWithNothing : Tracking
        {
            public string Label { get; } = "x";
        }

        [Module]
        public partial class Generic<T>
        {
            public T? Value { get; set; }
        }
        """]);

    [Fact]
    public void InvalidInputIsSkipped()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using LayerGen;

            namespace MyApp;

            [Module] public class NotPartial { }
            [Module] public static partial class StaticClass { }
            public class NotAModule { }
            [Module] public partial class WrongBase : NotAModule { }
            public class NotPartialOuter { [Module] public partial class Inner { } }
            [Module] public partial class Good { public Variable W { get; } = new(1f); }
            """);
        var (result, _, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["MyApp.Good.Module.g.cs"], result.Results.Single().GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public void StructsAndRecordsAreSkipped()
    {
        // [Module] only targets classes, so these are compile errors anyway; the generator must not crash.
        var compilation = GeneratorHarness.CreateCompilation("""
            using LayerGen;

            namespace MyApp;

            [Module] public partial struct AStruct { }
            [Module] public partial record ARecord { }
            """);
        var (result, _, _) = GeneratorHarness.Run(compilation);
        Assert.Empty(result.Results.Single().GeneratedSources);
        Assert.Null(result.Results.Single().Exception);
    }
}
