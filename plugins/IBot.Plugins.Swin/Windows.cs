using static TorchSharp.torch;

namespace IBot.Plugins.Swin;

/// <summary>
/// The window layout of shifted-window attention: partitioning a (B, Hp, Wp, C) grid into
/// non-overlapping ws × ws windows and back (one permute each, as the reference's
/// <c>window_partition</c>/<c>window_reverse</c>), the relative position index of a window, and
/// the additive mask that keeps a shifted window's regions apart.
/// </summary>
internal static class Windows
{
    /// <summary>(B, Hp, Wp, C) → (B·nW, ws², C): windows in row-major order within each image.</summary>
    public static Tensor Partition(Tensor x, long ws)
    {
        var (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        using var grid = x.view(b, h / ws, ws, w / ws, ws, c);
        using var windows = grid.permute(0, 1, 3, 2, 4, 5);
        return windows.reshape(-1, ws * ws, c);
    }

    /// <summary>(B·nW, ws², C) → (B, Hp, Wp, C), the inverse of <see cref="Partition"/>.</summary>
    public static Tensor Reverse(Tensor windows, long ws, long h, long w)
    {
        var c = windows.shape[^1];
        var b = windows.shape[0] / (h / ws * (w / ws));
        using var grid = windows.view(b, h / ws, w / ws, ws, ws, c);
        using var rows = grid.permute(0, 1, 3, 2, 4, 5);
        return rows.reshape(b, h, w, c);
    }

    /// <summary>
    /// For tokens p, q of a ws × ws window (row-major), the row of the relative position bias table
    /// for their offset: (Δrow + ws − 1)·(2ws − 1) + (Δcol + ws − 1), (ws², ws²) flattened.
    /// </summary>
    public static long[] RelativePositionIndex(int ws)
    {
        var n = ws * ws;
        var index = new long[n * n];
        for (var p = 0; p < n; p++)
            for (var q = 0; q < n; q++)
                index[p * n + q] = (p / ws - q / ws + ws - 1) * (2 * ws - 1) + (p % ws - q % ws + ws - 1);
        return index;
    }

    /// <summary>
    /// The shifted windows' attention mask, (nW, ws², ws²) flattened: 0 between tokens of the same
    /// region, −100 across regions. After the cyclic shift by <paramref name="shift"/>, the padded
    /// Hp × Wp grid splits into three bands per axis ([0, Hp − ws), [Hp − ws, Hp − shift),
    /// [Hp − shift, Hp)); a token's region is its pair of bands, as the reference labels them.
    /// </summary>
    public static float[] ShiftMask(long hp, long wp, int ws, int shift)
    {
        int Band(long i, long size) => i < size - ws ? 0 : i < size - shift ? 1 : 2;
        var (rows, cols) = (hp / ws, wp / ws);
        var n = ws * ws;
        var region = new int[n];
        var mask = new float[rows * cols * n * n];
        for (var window = 0L; window < rows * cols; window++)
        {
            var (top, left) = (window / cols * ws, window % cols * ws);
            for (var p = 0; p < n; p++)
                region[p] = 3 * Band(top + p / ws, hp) + Band(left + p % ws, wp);
            var offset = window * n * n;
            for (var p = 0; p < n; p++)
                for (var q = 0; q < n; q++)
                    mask[offset + p * n + q] = region[p] == region[q] ? 0f : -100f;
        }
        return mask;
    }
}
