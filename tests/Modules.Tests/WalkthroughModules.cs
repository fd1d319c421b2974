namespace LayerGen.Modules.Tests;

// The modules of the guide's steps 1-3, written as the walkthrough shows.

[Module]
public partial class SimpleModule
{
    public Variable AVariable { get; } = new(5.0f, name: "train_me");
    public Variable NonTrainableVariable { get; } = new(5.0f, trainable: false, name: "do_not_train_me");

    public Tensor Call(Tensor x) => AVariable * x + NonTrainableVariable;
}

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

[Module]
public partial class MySequentialModule
{
    readonly FlexibleDenseModule dense1 = new(3);
    readonly FlexibleDenseModule dense2 = new(2);

    public Tensor Call(Tensor x) => dense2.Call(dense1.Call(x));
}
