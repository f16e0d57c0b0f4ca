using IBot.Pipeline.Vision.Data.Sources;

namespace IBot.Pipeline.Vision.Tests.Data;

public sealed class SourceTests
{
    [Fact]
    public void Embedded_sample_is_class_balanced_fashion_mnist()
    {
        var train = EmbeddedSample.Open("train");
        var test = EmbeddedSample.Open("test");
        Assert.Equal(5000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.Equal("Ankle boot", train.Classes[9]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(500, Enumerable.Range(0, train.Count).Count(i => train.Label(i) == c)));
        var image = train.Load(0);
        Assert.Equal((28, 28), (image.Width, image.Height));
        Assert.Equal(image.Pixels[0], image.Pixels[2]); // grey expanded to RGB
        Assert.Contains("Zalando", EmbeddedSample.License);
    }

    [Fact]
    public void Full_fashion_mnist_from_the_debian_package_when_installed()
    {
        const string dir = "/usr/share/datasets/fashion-mnist";
        if (!Directory.Exists(dir)) return; // .ci/run installs it; elsewhere the embedded sample covers the format
        var train = IdxSource.FromDirectory(dir, "train", IdxSource.FashionMnistClasses);
        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, IdxSource.FromDirectory(dir, "test").Count);
    }

    [Fact]
    public void Image_folder_sorts_classes_and_files_like_torchvision()
    {
        var root = Directory.CreateTempSubdirectory("ibot-folder-").FullName;
        try
        {
            foreach (var (cls, file) in new[] { ("b", "z.png"), ("B", "a.png"), ("b", "sub/a.png"), ("a", "x.PNG"), ("a", "readme.txt") })
            {
                var path = Path.Combine(root, cls, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, "");
            }
            var source = new ImageFolderSource(root);
            Assert.Equal(["B", "a", "b"], source.Classes);
            Assert.Equal(4, source.Count);
            Assert.Equal(Path.Combine(root, "b", "sub", "a.png"), source.Describe(2));
            Assert.Equal(2, source.Label(3));

            var list = Path.Combine(root, "list.txt");
            File.WriteAllLines(list, ["# subset", "b/z.png", "a/x.PNG"]);
            var subset = new ImageFolderSource(root, list);
            Assert.Equal(2, subset.Count);
            Assert.Equal(1, subset.Label(1));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Synthetic_images_are_deterministic_and_labelled_round_robin()
    {
        var a = new SyntheticSource(10, 3, 20, 16, seed: 1);
        var b = new SyntheticSource(10, 3, 20, 16, seed: 1);
        Assert.Equal(a.Load(4).Pixels, b.Load(4).Pixels);
        Assert.NotEqual(a.Load(4).Pixels, a.Load(7).Pixels);
        Assert.Equal(1, a.Label(4));
    }
}
