using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace IBot.Web.Tests.Browser;

/// <summary>
/// Headless Debian chromium driven through Debian's chromedriver (nothing downloaded at run time). Where either is
/// missing the browser tests are skipped with the packages to install, unless <c>IBOT_REQUIRE_BROWSER=1</c> (CI) makes
/// that a failure.
/// </summary>
public static class Chromium
{
    public const string Binary = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";
    public const string RequireVariable = "IBOT_REQUIRE_BROWSER";

    /// <summary>Folder to save each page's screenshot in (README's docs/ui), when set.</summary>
    public const string ScreenshotsVariable = "IBOT_UI_SCREENSHOTS";

    /// <summary>Skips the calling test (or fails it on CI) when the browser is not installed.</summary>
    public static void Require()
    {
        if (File.Exists(Binary) && File.Exists(Driver)) return;
        var message = $"the browser tests need Debian's chromium and chromedriver ({Binary}, {Driver}): apt-get install chromium chromium-driver";
        if (Environment.GetEnvironmentVariable(RequireVariable) == "1") throw new InvalidOperationException($"{RequireVariable}=1: {message}");
        throw new SkipException(message);
    }

    public static ChromeDriver Start()
    {
        Require();
        var options = new ChromeOptions { BinaryLocation = Binary };
        // Root in a container has no user namespace sandbox; the pages are our own.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1360,1000", "--hide-scrollbars");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }
}
