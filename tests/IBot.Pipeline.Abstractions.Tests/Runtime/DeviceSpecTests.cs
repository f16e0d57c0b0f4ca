using IBot.Pipeline.Abstractions.Runtime;

namespace IBot.Pipeline.Abstractions.Tests.Runtime;

public class DeviceSpecTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData(" CPU ", DeviceKind.Cpu, 0)]
    [InlineData("cuda", DeviceKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceKind.Cuda, 3)]
    public void Parses_the_accepted_forms(string text, DeviceKind kind, int index)
    {
        var device = DeviceSpec.Parse(text);
        Assert.Equal(kind, device.Kind);
        Assert.Equal(index, device.Index);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Rejects_anything_else_with_a_message_naming_the_forms(string text)
    {
        var e = Assert.Throws<FormatException>(() => DeviceSpec.Parse(text));
        Assert.Contains("cpu, cuda or cuda:N", e.Message);
    }

    [Fact]
    public void Round_trips_through_its_text()
    {
        Assert.Equal("cuda:2", DeviceSpec.Cuda(2).ToString());
        Assert.Equal(DeviceSpec.Cuda(2), DeviceSpec.Parse(DeviceSpec.Cuda(2).ToString()));
        Assert.Equal("cpu", DeviceSpec.Cpu.ToString());
    }
}
