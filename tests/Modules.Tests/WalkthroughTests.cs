namespace LayerGen.Modules.Tests;

/// <summary>Steps 1-3 of the guide, exactly as the walkthrough shows them.</summary>
public class WalkthroughTests
{
    private static string[] Names(IEnumerable<Variable> variables) => [.. variables.Select(v => v.Name)];

    [Fact]
    public void Step1_SimpleModule()
    {
        var simpleModule = new SimpleModule { Name = "simple" };

        Assert.Equal(30f, simpleModule.Call(Tensor.Scalar(5f)).ToArray<float>()[0]);
        Assert.Equal(["train_me"], Names(simpleModule.TrainableVariables));
        Assert.Equal(["train_me", "do_not_train_me"], Names(simpleModule.Variables));
        Assert.Equal(["do_not_train_me"], Names(simpleModule.NonTrainableVariables));
        Assert.Equal("simple", simpleModule.Name);
        Assert.Empty(simpleModule.Submodules);
    }

    [Fact]
    public void Step1_NameDefaultsToTheClassNameInSnakeCase()
        => Assert.Equal("simple_module", new SimpleModule().Name);

    [Fact]
    public void Step1_VariablesCanBeFrozenAndUnfrozen()
    {
        var simpleModule = new SimpleModule();
        simpleModule.AVariable.Trainable = false;
        Assert.Empty(simpleModule.TrainableVariables);
        simpleModule.AVariable.Trainable = true;
        simpleModule.NonTrainableVariable.Trainable = true;
        Assert.Equal(["train_me", "do_not_train_me"], Names(simpleModule.TrainableVariables));
    }

    [Fact]
    public void Step2_ModulesMadeOfModules()
    {
        var myModel = new SequentialModule { Name = "the_model" };

        var result = myModel.Call(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        Assert.Equal(new Shape([1, 2]), result.Shape);

        var submodules = myModel.Submodules;
        Assert.Equal(2, submodules.Count);
        Assert.All(submodules, m => Assert.IsType<Dense>(m));
        Assert.Equal(["dense1", "dense2"], myModel.NamedSubmodules.Select(p => p.Key));
        Assert.Equal(["dense", "dense"], submodules.Select(m => m.Name));

        Assert.Equal(["dense1/w", "dense1/b", "dense2/w", "dense2/b"], myModel.NamedVariables.Select(p => p.Key));
        Assert.Equal(["w", "b", "w", "b"], Names(myModel.Variables));
        Assert.Equal(4, myModel.TrainableVariables.Count);
        Assert.Equal([new Shape([3, 3]), new Shape([3]), new Shape([3, 2]), new Shape([2])], myModel.Variables.Select(v => v.Shape));
        Assert.StartsWith("<Variable 'w' shape=(3, 3) dtype=float32, numpy=", myModel.Variables[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Step3_VariablesAppearAfterTheFirstCall()
    {
        var flexible = new FlexibleDenseModule(3);
        Assert.Empty(flexible.Variables);

        var y = flexible.Call(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        Assert.Equal(new Shape([1, 3]), y.Shape);
        Assert.Equal(["w", "b"], Names(flexible.Variables));
        Assert.Equal(["w", "b"], flexible.NamedVariables.Select(p => p.Key));
    }

    [Fact]
    public void Step3_MySequentialModule()
    {
        var myModel = new MySequentialModule { Name = "the_model" };
        Assert.Empty(myModel.Variables);
        Assert.Equal(2, myModel.Submodules.Count);

        var result = myModel.Call(Tensor.From(new[,] { { 2f, 2f, 2f } }));
        Assert.Equal(new Shape([1, 2]), result.Shape);
        Assert.Equal(["dense1/w", "dense1/b", "dense2/w", "dense2/b"], myModel.NamedVariables.Select(p => p.Key));
        Assert.Equal([new Shape([3, 3]), new Shape([3]), new Shape([3, 2]), new Shape([2])], myModel.Variables.Select(v => v.Shape));
    }
}
