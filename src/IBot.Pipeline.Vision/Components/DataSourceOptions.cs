using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IBot.Pipeline.Abstractions.Components;
using IBot.Pipeline.Abstractions.Data;
using IBot.Pipeline.Vision.Data.Sources;

namespace IBot.Pipeline.Vision.Components;

public sealed class ImageFolderOptions : IValidatableOptions
{
    [Required, Description("Root folder with one sub-folder per class.")]
    public string Path { get; init; } = "";

    [Description("Optional file listing the images to use (one path per line, relative to path).")]
    public string? FileList { get; init; }

    [Range(0, int.MaxValue), Description("Use only the first n images (0 = all).")]
    public int Limit { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (!Directory.Exists(Path)) yield return new OptionError("path", $"folder '{Path}' does not exist");
        if (FileList is not null && !File.Exists(FileList)) yield return new OptionError("file_list", $"file '{FileList}' does not exist");
    }
}

public sealed class IdxOptions : IValidatableOptions
{
    [Description("Folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] (Debian: /usr/share/datasets/fashion-mnist).")]
    public string Path { get; init; } = "/usr/share/datasets/fashion-mnist";

    [Description("train or test.")]
    public string Split { get; init; } = "train";

    [Description("Class names: fashion_mnist, or digits (0-9).")]
    public string Classes { get; init; } = "fashion_mnist";

    [Range(0, int.MaxValue), Description("Use only the first n images (0 = all).")]
    public int Limit { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (!Directory.Exists(Path)) yield return new OptionError("path", $"folder '{Path}' does not exist (apt-get install dataset-fashion-mnist for Fashion-MNIST)");
        if (Split is not ("train" or "test")) yield return new OptionError("split", $"'{Split}' is not train or test");
        if (Classes is not ("fashion_mnist" or "digits")) yield return new OptionError("classes", $"'{Classes}' is not fashion_mnist or digits");
    }
}

public sealed class SyntheticOptions
{
    [Range(1, 10_000_000), Description("Number of images.")]
    public int Count { get; init; } = 1000;

    [Range(1, 10_000), Description("Number of classes.")]
    public int Classes { get; init; } = 10;

    [Range(1, 8192), Description("Image width.")]
    public int Width { get; init; } = 64;

    [Range(1, 8192), Description("Image height.")]
    public int Height { get; init; } = 64;

    [Description("Seed of the procedural images.")]
    public long Seed { get; init; }
}

public sealed class FashionMnistSampleOptions : IValidatableOptions
{
    [Description("train (5,000 images) or test (1,000).")]
    public string Split { get; init; } = "train";

    [Range(0, int.MaxValue), Description("Use only the first n images (0 = all).")]
    public int Limit { get; init; }

    public IEnumerable<OptionError> Validate()
    {
        if (Split is not ("train" or "test")) yield return new OptionError("split", $"'{Split}' is not train or test");
    }
}

/// <summary>A data-source component: an <see cref="IImageSource"/> opened from its options.</summary>
public sealed class DataSourceComponent : IImageSource
{
    private readonly IImageSource inner;
    private readonly int count;

    public DataSourceComponent(ImageFolderOptions o) : this(new ImageFolderSource(o.Path, o.FileList), o.Limit) { }

    public DataSourceComponent(IdxOptions o)
        : this(IdxSource.FromDirectory(o.Path, o.Split, o.Classes == "fashion_mnist" ? IdxSource.FashionMnistClasses : null), o.Limit) { }

    public DataSourceComponent(SyntheticOptions o) : this(new SyntheticSource(o.Count, o.Classes, o.Width, o.Height, o.Seed), 0) { }

    public DataSourceComponent(FashionMnistSampleOptions o) : this(EmbeddedSample.Open(o.Split), o.Limit) { }

    private DataSourceComponent(IImageSource inner, int limit)
    {
        this.inner = inner;
        count = limit > 0 ? Math.Min(limit, inner.Count) : inner.Count;
    }

    public int Count => count;

    public IReadOnlyList<string> Classes => inner.Classes;

    public int Label(int index) => inner.Label(Check(index));

    public RgbImage Load(int index) => inner.Load(Check(index));

    public string Describe(int index) => inner.Describe(Check(index));

    private int Check(int index) => (uint)index < (uint)count ? index : throw new ArgumentOutOfRangeException(nameof(index));
}
