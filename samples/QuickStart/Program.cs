// LayerGen QuickStart: tensors, a tiny model written by hand, and one gradient step.
using LayerGen;

RandomGenerator.SetGlobalSeed(42);

Console.WriteLine("== Tensors ==");
var a = Tensor.From(new[,] { { 1f, 2f }, { 3f, 4f } });
var b = Tensor.From(new[] { 10f, 20f });
Console.WriteLine(a + b);                      // broadcasting
Console.WriteLine(Ops.MatMul(a, a));
Console.WriteLine(Ops.Sum(a, axis: 0));

Console.WriteLine();
Console.WriteLine("== A tiny model: y = relu(x @ w + b) ==");
var w = new Variable(Tensor.RandomNormal([3, 2], stddev: 0.5), name: "w");
var bias = new Variable(Tensor.Zeros([2]), name: "b");
Tensor Model(Tensor x) => Ops.Relu(Ops.MatMul(x, w) + bias);

var inputs = Tensor.From(new[,] { { 1f, 2f, 3f }, { -1f, 0.5f, 2f } });
var targets = Tensor.From(new[,] { { 1f, 0f }, { 0f, 1f } });
Console.WriteLine(w);

Console.WriteLine();
Console.WriteLine("== One gradient step (mean squared error, SGD, learning rate 0.1) ==");
float Loss() { var d = Model(inputs) - targets; return Ops.Sum(d * d).ToScalar<float>() / targets.Size; }

float before = Loss();
using (var tape = new GradientTape())
{
    var diff = Model(inputs) - targets;
    var loss = Ops.Sum(diff * diff) / targets.Size;
    var grads = tape.Gradient(loss, [w, bias]);
    w.AssignSub(grads[0]! * 0.1);
    bias.AssignSub(grads[1]! * 0.1);
}
float after = Loss();
Console.WriteLine($"loss before: {before:F6}");
Console.WriteLine($"loss after:  {after:F6}");
Console.WriteLine(after < before ? "the step lowered the loss" : "the step did NOT lower the loss");
