namespace LayerGen.Tests.Layers;

[Layer]
public partial class FlexibleDense
{
    readonly int outFeatures;
    Variable w = null!, b = null!;
    public FlexibleDense(int outFeatures) => this.outFeatures = outFeatures;

    protected void Build(Shape inputShape)
    {
        BuildCount++;
        w = AddWeight("w", [inputShape[^1], outFeatures], Initializers.RandomNormal());
        b = AddWeight("b", [outFeatures], Initializers.Zeros());
    }
    protected Tensor Call(Tensor inputs) => Ops.MatMul(inputs, w) + b;

    public int BuildCount;
}

[Layer]
public partial class MyDense
{
    readonly Variable w, b;
    public MyDense(int inFeatures, int outFeatures)
    {
        w = new(Tensor.RandomNormal([inFeatures, outFeatures]), name: "w");
        b = new(Tensor.Zeros([outFeatures]), name: "b");
    }
    protected Tensor Call(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + b);
}

[Layer]
public partial class MySequentialModel : Model
{
    readonly FlexibleDense dense1 = new(3), dense2 = new(2);
    protected Tensor Call(Tensor x) => dense2.Invoke(dense1.Invoke(x));
}
