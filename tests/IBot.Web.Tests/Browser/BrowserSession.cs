using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace IBot.Web.Tests.Browser;

/// <summary>One headless chromium for a test class, started on first use (so a machine without it skips instead of
/// failing in the fixture), with the helpers the tests share: open a page, wait, screenshot, console errors.</summary>
public sealed class BrowserSession : IDisposable
{
    private ChromeDriver? driver;

    public ChromeDriver Driver => driver ??= Chromium.Start();

    public void Open(string url)
    {
        Driver.Navigate().GoToUrl(url);
        Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") as string == "complete", "the page to load");
    }

    public T Until<T>(Func<IWebDriver, T> condition, string what, int seconds = 30)
    {
        var wait = new WebDriverWait(Driver, TimeSpan.FromSeconds(seconds)) { Message = $"waiting for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        return wait.Until(condition);
    }

    public object? Script(string script, params object[] args) => ((IJavaScriptExecutor)Driver).ExecuteScript(script, args);

    /// <summary>The page as README shows it, when <see cref="Chromium.ScreenshotsVariable"/> names a folder.</summary>
    public void Shot(string name)
    {
        if (Environment.GetEnvironmentVariable(Chromium.ScreenshotsVariable) is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        // The whole page (up to 2,400 pixels), not only the window: the run page is long.
        var window = Driver.Manage().Window.Size;
        var height = Convert.ToInt32(Script("return document.documentElement.scrollHeight"), System.Globalization.CultureInfo.InvariantCulture);
        Driver.Manage().Window.Size = new System.Drawing.Size(window.Width, Math.Clamp(height + 140, window.Height, 2400));
        Driver.GetScreenshot().SaveAsFile(Path.Combine(folder, name + ".png"));
        Driver.Manage().Window.Size = window;
    }

    /// <summary>Fails with every error or warning the page's console logged since the last call.</summary>
    public void NoConsoleErrors()
    {
        var problems = Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level}: {e.Message}").ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    public void Dispose() => driver?.Quit();
}
