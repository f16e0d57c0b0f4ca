namespace IBot.Pipeline.Vision.Data.Augmentation;

/// <summary>torchvision's <c>RandomResizedCrop.get_params</c>: up to 10 tries at a random area fraction
/// and log-uniform aspect ratio (3/4 … 4/3), then a centre crop clamped to the ratio range.</summary>
public static class ResizedCropParams
{
    private const double RatioMin = 3.0 / 4.0;
    private const double RatioMax = 4.0 / 3.0;

    public static (int Top, int Left, int Height, int Width) Sample(int width, int height, double scaleMin, double scaleMax, SampleRandom random)
    {
        var area = (double)height * width;
        var (logMin, logMax) = (Math.Log(RatioMin), Math.Log(RatioMax));
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targetArea = area * random.Uniform(scaleMin, scaleMax);
            var aspect = Math.Exp(random.Uniform(logMin, logMax));
            var w = (int)Math.Round(Math.Sqrt(targetArea * aspect), MidpointRounding.ToEven);
            var h = (int)Math.Round(Math.Sqrt(targetArea / aspect), MidpointRounding.ToEven);
            if (w > 0 && w <= width && h > 0 && h <= height)
                return (random.Integer(0, height - h), random.Integer(0, width - w), h, w);
        }
        var inRatio = (double)width / height;
        int cw, ch;
        if (inRatio < RatioMin) { cw = width; ch = (int)Math.Round(cw / RatioMin, MidpointRounding.ToEven); }
        else if (inRatio > RatioMax) { ch = height; cw = (int)Math.Round(ch * RatioMax, MidpointRounding.ToEven); }
        else { cw = width; ch = height; }
        return ((height - ch) / 2, (width - cw) / 2, ch, cw);
    }
}
