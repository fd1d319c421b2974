using System.Collections.Immutable;

namespace LayerGen.Modules.Tests;

[Module]
public partial class Leaf
{
    public Leaf(string name, float value = 1f) => Weight = new(value, name: name);

    public Variable Weight { get; }
}

[Module]
public partial class CollectionsModule
{
    public Variable[] Weights { get; init; } = [];
    public List<Leaf> Layers { get; init; } = [];
    public IReadOnlyList<Leaf> ReadOnlyLayers { get; init; } = [];
    public IList<Variable?>? MaybeVariables { get; set; }
    public ImmutableArray<Leaf> Frozen { get; init; }
    public Dictionary<string, Leaf> Blocks { get; init; } = [];
    public IReadOnlyDictionary<string, Variable>? Named { get; init; }
    private readonly List<Leaf[]> _denseLayers = [];

    public void AddRow(params Leaf[] row) => _denseLayers.Add(row);
}

[Module]
public partial class BaseModule
{
    public Variable BaseWeight { get; } = new(1f, name: "base_weight");
}

/// <summary>Nothing of its own to track: gets no generated VisitMembers, walks as its base.</summary>
[Module]
public partial class DerivedWithNothingModule : BaseModule
{
    public int Count { get; set; }
}

[Module]
public partial class DerivedModule : BaseModule
{
    public Variable OwnWeight { get; } = new(2f, name: "own_weight");
    public Leaf Child { get; } = new("child");
}

[Module]
public sealed partial class MoreDerivedModule : DerivedModule
{
    public Variable Extra { get; } = new(3f, name: "extra");
}

[Module]
public partial class Wrapper<TInner> where TInner : Module
{
    public Wrapper(TInner inner) => Inner = inner;

    public TInner Inner { get; }
    public Variable Scale { get; } = new(1f, name: "scale");
}

[Module]
public partial class Renamed
{
    [TrackAs("kernel")] private readonly Variable _w = new(1f, name: "w");
    [NotTracked] private readonly Variable _scratch = new(2f, name: "scratch");
    public Variable Computed => _scratch;
    public Variable ComputedBlock { get { return _w; } }
}

[Module]
public partial class Node
{
    public Variable Weight { get; } = new(1f, name: "node_weight");
    public Node? Parent { get; set; }
    public List<Node> Children { get; } = [];
}

[Module]
public partial class Shared
{
    public Shared(Leaf leaf)
    {
        First = leaf;
        Second = leaf;
        Again = leaf.Weight;
    }

    public Leaf First { get; }
    public Leaf Second { get; }
    public Variable Again { get; }
}

public static partial class Outer
{
    [Module]
    public partial class NestedModule
    {
        public Variable W { get; } = new(1f, name: "w");
    }
}
