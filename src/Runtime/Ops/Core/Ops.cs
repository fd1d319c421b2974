namespace LayerGen.Operations;

/// <summary>
/// The ops as functions (<c>Ops.MatMul(x, w)</c>, <c>Ops.Relu(x)</c>, <c>Ops.Sum(x, axis)</c>...): each op's
/// file under <c>src/Runtime/Ops</c> adds its entry to this class next to its op, shape rule and gradient.
/// </summary>
public static partial class Ops
{
}
