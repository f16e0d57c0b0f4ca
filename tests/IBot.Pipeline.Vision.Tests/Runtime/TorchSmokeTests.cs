using IBot.Pipeline.Vision.Runtime;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Tests.Runtime;

public class TorchSmokeTests
{
    [Fact]
    public void Forward_and_backward_give_the_analytic_gradient()
    {
        // f(W) = sum((W x)^2) with x fixed; df/dW = 2 (W x) x^T.
        using var scope = NewDisposeScope();
        var w = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).requires_grad_();
        var x = tensor(new float[] { 0.5f, -1, 2 }, 3, 1);
        var y = w.matmul(x);                   // (2, 1): [4.5, 9]
        y.pow(2).sum().backward();

        var expected = new float[] { 4.5f, -9f, 18f, 9f, -18f, 36f };
        Assert.Equal(expected, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Reports_versions_and_threads()
    {
        Assert.StartsWith("2.", TorchEnvironment.LibTorchVersion);
        Assert.StartsWith("0.107", TorchEnvironment.TorchSharpVersion);
        Assert.True(TorchEnvironment.Threads >= 1);
    }

    [Fact]
    public void Native_fix_state_matches_the_system()
    {
        _ = TorchEnvironment.LibTorchVersion; // make sure the bridge is mapped
        var report = TorchEnvironment.InspectNativeFix();
        Assert.NotNull(report.Bridge);
        // Where the system libstdc++ is too old the loaded bridge must be the patched one;
        // we got this far, so it loaded.
        if (!report.SystemHasGlibcxx3432) Assert.True(report.InUse, report.Describe());
    }
}
