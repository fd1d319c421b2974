using LayerGen.SourceGeneration;

namespace LayerGen.Generators.Tests;

public class NamingTests
{
    [Theory]
    [InlineData("SimpleModule", "simple_module")]
    [InlineData("AVariable", "a_variable")]
    [InlineData("HTTPServer", "http_server")]
    [InlineData("Conv2DTranspose", "conv2d_transpose")]
    [InlineData("Dense", "dense")]
    [InlineData("dense1", "dense1")]
    [InlineData("FlexibleDenseModule", "flexible_dense_module")]
    [InlineData("already_snake", "already_snake")]
    public void SnakeCase(string name, string expected) => Assert.Equal(expected, Naming.ToSnakeCase(name));

    [Theory]
    [InlineData("_denseLayers", "dense_layers")]
    [InlineData("m_denseLayers", "dense_layers")]
    [InlineData("AVariable", "a_variable")]
    [InlineData("w", "w")]
    [InlineData("__w", "w")]
    [InlineData("dense1", "dense1")]
    [InlineData("NonTrainableVariable", "non_trainable_variable")]
    public void MemberPathSegment(string name, string expected) => Assert.Equal(expected, Naming.MemberPathSegment(name));
}
