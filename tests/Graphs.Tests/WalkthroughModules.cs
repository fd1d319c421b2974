namespace LayerGen.Graphs.Tests;

// The modules of the guide's steps 2 and 5-6, written as a user writes them.

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
public partial class SimpleModule
{
    public Variable AVariable { get; } = new(5.0f, name: "train_me");
    public Variable NonTrainableVariable { get; } = new(5.0f, trainable: false, name: "do_not_train_me");

    public Tensor Call(Tensor x) => AVariable * x + NonTrainableVariable;
}
