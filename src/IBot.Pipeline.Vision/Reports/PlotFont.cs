using ScottPlot;
using SkiaSharp;

namespace IBot.Pipeline.Vision.Reports;

/// <summary>
/// The one font every figure uses, embedded in this assembly (a DejaVu Sans subset), served to
/// ScottPlot by a font resolver. Figures therefore look the same everywhere and have text even
/// on a bare machine without fontconfig or any system font.
/// </summary>
public static class PlotFont
{
    public const string Family = "IBot Sans";

    private const string Resource = "IBot.Fonts.DejaVuSans-subset.ttf";
    private static readonly Lock Gate = new();
    private static SKTypeface? typeface;

    /// <summary>The embedded typeface, loaded once.</summary>
    public static SKTypeface Typeface
    {
        get
        {
            lock (Gate)
            {
                if (typeface is not null) return typeface;
                using var stream = typeof(PlotFont).Assembly.GetManifestResourceStream(Resource)
                    ?? throw new InvalidOperationException($"embedded font {Resource} is missing");
                typeface = SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"embedded font {Resource} does not load");
                Fonts.FontResolvers.Insert(0, new Resolver());
                Fonts.Default = Family;
                return typeface;
            }
        }
    }

    /// <summary>Sets every font of <paramref name="plot"/> to the embedded one.</summary>
    public static void Apply(Plot plot)
    {
        _ = Typeface;
        plot.Font.Set(Family);
    }

    private sealed class Resolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            fontName == Family ? Typeface : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? Typeface : null;
    }
}
