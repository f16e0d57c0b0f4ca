namespace IBot.Pipeline.Vision.Data.Sources;

/// <summary>
/// The Fashion-MNIST slice shipped inside this assembly: 500 training and 100 test images of
/// each of the 10 classes (5,000 and 1,000), so the quickstart runs anywhere with no
/// download. Licence and attribution: <see cref="License"/>.
/// </summary>
public static class EmbeddedSample
{
    public static IdxSource Open(string split)
    {
        var prefix = split switch
        {
            "train" => "train",
            "test" or "t10k" => "t10k",
            _ => throw new ArgumentException($"split '{split}' is not train or test"),
        };
        using var images = Resource($"{prefix}-images-idx3-ubyte.gz");
        using var labels = Resource($"{prefix}-labels-idx1-ubyte.gz");
        return new IdxSource(images, labels, IdxSource.FashionMnistClasses, $"fashion_mnist_sample/{split}");
    }

    /// <summary>The sample's licence and attribution (MIT, Zalando SE).</summary>
    public static string License
    {
        get
        {
            using var reader = new StreamReader(Resource("LICENSE.txt"));
            return reader.ReadToEnd();
        }
    }

    private static Stream Resource(string name) =>
        typeof(EmbeddedSample).Assembly.GetManifestResourceStream("IBot.Sample." + name)
        ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
}
