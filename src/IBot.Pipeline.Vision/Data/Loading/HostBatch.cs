using IBot.Pipeline.Vision.Train;
using static TorchSharp.torch;

namespace IBot.Pipeline.Vision.Data.Loading;

/// <summary>
/// A batch prepared on the host: crop-major float buffers ((B, 3, S, S) each, global crops
/// first), one mask buffer per global crop ((B, h, w)), labels and dataset indices.
/// </summary>
public sealed class HostBatch(int epoch, int number, float[][] crops, int[] cropSizes, bool[][] masks, (int Height, int Width) maskGrid, int[] labels, int[] indices)
{
    public int Epoch { get; } = epoch;

    /// <summary>Position of the batch within its epoch.</summary>
    public int Number { get; } = number;

    public float[][] Crops { get; } = crops;

    public int[] CropSizes { get; } = cropSizes;

    public bool[][] Masks { get; } = masks;

    public (int Height, int Width) MaskGrid { get; } = maskGrid;

    public int[] Labels { get; } = labels;

    public int[] Indices { get; } = indices;

    public int Size => Labels.Length;

    /// <summary>Tensors on <paramref name="device"/>, global crops and masks separated from local crops.</summary>
    public TrainBatch ToTensors(Device device, int globalCrops)
    {
        var b = Size;
        var crops = Crops.Select((data, c) => tensor(data, [b, 3, CropSizes[c], CropSizes[c]]).to(device)).ToArray();
        var masks = Masks.Select(m => tensor(m, [b, MaskGrid.Height, MaskGrid.Width]).to(device)).ToArray();
        return new TrainBatch(crops[..globalCrops], crops[globalCrops..], masks);
    }
}
