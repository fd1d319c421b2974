using System.Collections.Immutable;

namespace LayerGen.Modules.Tests;

/// <summary>What the generated tracking finds: collections, inheritance, generics, renames, freezing, sharing and cycles.</summary>
public class TrackingTests
{
    private static string[] Paths(Module module) => [.. module.NamedVariables.Select(p => p.Key)];

    [Fact]
    public void AModuleWithNothingOfItsOwnReportsItsBasesMembers()
    {
        var module = new DerivedWithNothingModule { Count = 3 };
        Assert.Equal(["base_weight"], Paths(module));
        Assert.Single(module.Variables);
        Assert.Equal("derived_with_nothing_module", module.Name);
    }

    [Fact]
    public void CollectionsAreTrackedInDeclarationOrderWithIndexAndKeyPaths()
    {
        var module = new CollectionsModule
        {
            Weights = [new(1f, name: "a"), new(2f, name: "b")],
            Layers = [new("l0"), new("l1")],
            ReadOnlyLayers = [new("r0")],
            MaybeVariables = [null, new(3f, name: "m1")],
            Frozen = [new("f0")],
            Blocks = new() { ["encoder"] = new("enc"), ["decoder"] = new("dec") },
            Named = new Dictionary<string, Variable> { ["scale"] = new(4f, name: "scale") },
        };
        module.AddRow(new Leaf("d00"), new Leaf("d01"));
        module.AddRow(new Leaf("d10"));

        Assert.Equal(
            [
                "weights/0", "weights/1",
                "layers/0/weight", "layers/1/weight",
                "read_only_layers/0/weight",
                "maybe_variables/1",
                "frozen/0/weight",
                "blocks/encoder/weight", "blocks/decoder/weight",
                "named/scale",
                "dense_layers/0/0/weight", "dense_layers/0/1/weight", "dense_layers/1/0/weight",
            ],
            Paths(module));
        Assert.Equal(
            ["layers/0", "layers/1", "read_only_layers/0", "frozen/0", "blocks/encoder", "blocks/decoder", "dense_layers/0/0", "dense_layers/0/1", "dense_layers/1/0"],
            module.NamedSubmodules.Select(p => p.Key));
    }

    [Fact]
    public void NullAndDefaultCollectionsAreSkipped()
    {
        var module = new CollectionsModule { Layers = null!, Blocks = null!, Frozen = default };
        Assert.Empty(module.Variables);
        Assert.Empty(module.Submodules);
    }

    [Fact]
    public void BaseMembersComeFirst()
    {
        var module = new MoreDerivedModule();
        Assert.Equal(["base_weight", "own_weight", "child/weight", "extra"], Paths(module));
        Assert.Equal("more_derived_module", module.Name);
        Assert.Equal("derived_module", new DerivedModule().Name);
        Assert.IsAssignableFrom<Module>(new BaseModule());
    }

    [Fact]
    public void GenericModulesTrackTheirTypeParameterMembers()
    {
        var wrapper = new Wrapper<Leaf>(new Leaf("inner"));
        Assert.Equal(["inner/weight", "scale"], Paths(wrapper));
        Assert.Equal("wrapper", wrapper.Name);
    }

    [Fact]
    public void TrackAsRenamesAndNotTrackedAndComputedPropertiesAreLeftOut()
        => Assert.Equal(["kernel"], Paths(new Renamed()));

    [Fact]
    public void NestedClassesWork()
    {
        var nested = new Outer.NestedModule();
        Assert.Equal(["w"], Paths(nested));
        Assert.Equal("nested_module", nested.Name);
    }

    [Fact]
    public void FreezingAModuleMovesItsVariablesAndUnfreezingRestoresThem()
    {
        var module = new DerivedModule();
        Assert.Equal(3, module.TrainableVariables.Count);

        module.Child.Trainable = false;
        Assert.Equal(["base_weight", "own_weight"], module.TrainableVariables.Select(v => v.Name));
        Assert.Equal(["child"], module.NonTrainableVariables.Select(v => v.Name));
        Assert.True(module.Child.Weight.Trainable); // the variable's own flag is unchanged

        module.Trainable = false;
        Assert.Empty(module.TrainableVariables);
        Assert.Equal(3, module.NonTrainableVariables.Count);

        module.Trainable = true;
        module.Child.Trainable = true;
        Assert.Equal(3, module.TrainableVariables.Count);
        Assert.Empty(module.NonTrainableVariables);
    }

    [Fact]
    public void CyclesTerminateAndListEachModuleOnce()
    {
        var root = new Node { Name = "root" };
        var child = new Node { Name = "child", Parent = root };
        var grandchild = new Node { Name = "grandchild", Parent = child };
        root.Children.Add(child);
        child.Children.Add(grandchild);
        grandchild.Children.Add(root); // a cycle through the children too

        Assert.Equal(["child", "grandchild"], root.Submodules.Select(m => m.Name));
        Assert.Equal(3, root.Variables.Count);
        Assert.Equal(["weight", "children/0/weight", "children/0/children/0/weight"], Paths(root));

        Assert.Equal(["root", "grandchild"], child.Submodules.Select(m => m.Name));
    }

    [Fact]
    public void AModuleReachableTwiceIsListedOnce()
    {
        var leaf = new Leaf("shared");
        var module = new Shared(leaf);
        Assert.Single(module.Submodules);
        Assert.Single(module.Variables);
        Assert.Equal(["first/weight"], Paths(module));
        Assert.Equal(["first"], module.NamedSubmodules.Select(p => p.Key));
    }

    [Fact]
    public void ImmutableArrayDefaultIsSkipped()
    {
        var module = new CollectionsModule { Frozen = ImmutableArray<Leaf>.Empty };
        Assert.Empty(module.Submodules);
    }
}
