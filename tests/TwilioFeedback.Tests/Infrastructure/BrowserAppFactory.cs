using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>
/// The server on a real loopback socket (Kestrel, a free port), so that a browser and the simulator's
/// own HTTP requests reach it; and Debian's Chromium driven by Playwright, started on first use.
/// A subclass may change <see cref="AppFactory.Settings"/> (the account tests: without email, with SMTP).
/// </summary>
public class BrowserAppFactory : TwilioApiFactory
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly SemaphoreSlim _browserLock = new(1, 1);

    /// <summary>
    /// How long a page action or navigation may take: generous, because a loaded 2-core machine (two
    /// suites, builds beside them) makes a first page load take seconds. A wait ends as soon as its
    /// condition holds, so this costs nothing when the machine is quick.
    /// </summary>
    public const int ActionTimeoutMs = 45_000;

    /// <summary>
    /// A navigation may take 2 minutes: the first page of a run, while every test class starts its host at once on
    /// 2 cores, took over 45 s in a fresh-clone run. Waits still end as soon as the page has loaded.
    /// </summary>
    public const int NavigationTimeoutMs = 120_000;

    static BrowserAppFactory() => Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(20_000);

    public BrowserAppFactory() => UseKestrel(options => options.Listen(IPAddress.Loopback, 0));

    protected override void StartHost() => StartServer();

    /// <summary>http://127.0.0.1:port, where Kestrel listens.</summary>
    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A client on the real socket, carrying <paramref name="token"/> when given.</summary>
    public HttpClient SocketClient(string? token = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }
        return client;
    }

    /// <summary>More Chromium switches for a factory's tests (a fake microphone, say).</summary>
    protected virtual IEnumerable<string> ExtraBrowserArgs => [];

    /// <summary>Headless Chromium from Debian (<c>TF_CHROMIUM</c> or /usr/bin/chromium): never a downloaded browser.</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        await _browserLock.WaitAsync();
        try
        {
            _playwright ??= await Playwright.CreateAsync();
            return _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("TF_CHROMIUM") ?? "/usr/bin/chromium",
                Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", .. ExtraBrowserArgs],
            });
        }
        finally
        {
            _browserLock.Release();
        }
    }

    /// <summary>
    /// A page in a new browser context (its own cookies: another person's browser) on this server, in <paramref name="locale"/>,
    /// with the action and navigation timeouts above. With <paramref name="errors"/>, every script error and every console
    /// error that is not <paramref name="expected"/> (Content-Security-Policy refusals among them) is added there.
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1100, int height = 900, string locale = "en-GB",
        ConcurrentBag<string>? errors = null, Func<IConsoleMessage, bool>? expected = null)
    {
        var context = await (await BrowserAsync()).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
        });
        context.SetDefaultTimeout(ActionTimeoutMs);
        context.SetDefaultNavigationTimeout(NavigationTimeoutMs);
        var page = await context.NewPageAsync();
        PageTrail.Follow(page);
        if (errors is not null)
        {
            page.PageError += (_, error) => errors.Add(error);
            page.Console += (_, message) =>
            {
                if (message.Type == "error" && expected?.Invoke(message) != true)
                {
                    errors.Add($"{message.Text} ({message.Location})");
                }
            };
        }
        return page;
    }

    /// <summary>
    /// Signs in as <paramref name="email"/> on the sign-in page a signed-out page sent <paramref name="page"/> to, and waits
    /// to be sent back to <paramref name="back"/> (its path); a refusal fails with what the sign-in page said.
    /// </summary>
    public static Task SignInAsync(IPage page, string email, string back) =>
        SignInAsync(page, email, url => url.AbsolutePath == back);

    /// <inheritdoc cref="SignInAsync(IPage, string, string)"/>
    public static async Task SignInAsync(IPage page, string email, Func<Uri, bool> back)
    {
        await ArrivedAsync(page, url => url.AbsolutePath == "/account/signin");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TwilioFeedback.Tests.Accounts.Staff.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Back on the page, or the sign-in page's own refusal, whichever comes first. The refusal's wait lasts as long as the
        // navigation's, so that a slow sign-in is not taken for a refusal; when the page comes back it is simply dropped.
        var returned = ArrivedAsync(page, back);
        var refused = page.GetByRole(AriaRole.Alert).WaitForAsync(new() { Timeout = NavigationTimeoutMs });
        _ = refused.ContinueWith(t => t.Exception, TaskScheduler.Default);
        if (await Task.WhenAny(returned, refused) == refused && refused.IsCompletedSuccessfully && !returned.IsCompleted)
        {
            Assert.Fail("sign-in refused: " + await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        }
        await returned;
    }

    /// <summary>
    /// Waits until <paramref name="page"/> has navigated to a URL <paramref name="where"/> accepts (or is at one already);
    /// what the test does next waits for what a person would see there (not for a load state: a wait for DOMContentLoaded
    /// after the navigation ran out once in CI too, on a page whose trail shows it). A wait that runs out says where the page is and
    /// what it did (<see cref="PageTrail"/>).
    /// </summary>
    /// <remarks>
    /// Not <c>WaitForURLAsync</c>: after the matching navigation it waits for the document's load state by checking it and
    /// then subscribing to it, and when the state arrives in between (the .NET client runs the check on a thread-pool
    /// thread, late on a loaded machine) the wait never ends. Seen in the suite: the page went to <c>/account/denied</c>
    /// and fired DOMContentLoaded and load within 3 s, and the wait ran out after 2 minutes. Here the navigation event is
    /// subscribed to before the page's URL is read, so neither order can be missed.
    /// </remarks>
    public static async Task ArrivedAsync(IPage page, Func<Uri, bool> where)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Navigated(object? sender, IFrame frame)
        {
            if (frame == page.MainFrame && where(new Uri(frame.Url)))
            {
                arrived.TrySetResult();
            }
        }
        page.FrameNavigated += Navigated;
        try
        {
            if (!where(new Uri(page.Url)))
            {
                await arrived.Task.WaitAsync(TimeSpan.FromMilliseconds(NavigationTimeoutMs));
            }
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The page did not arrive within {NavigationTimeoutMs / 1000} s. It is at {page.Url}. What it did:\n{PageTrail.Of(page)}");
        }
        finally
        {
            page.FrameNavigated -= Navigated;
        }
    }

    /// <summary>A console error for a response with one of <paramref name="statuses"/> (Chromium logs "… status of 401 …"): a refusal the test expects.</summary>
    public static Func<IConsoleMessage, bool> Statuses(params int[] statuses) =>
        message => statuses.Any(status => message.Text.Contains($"status of {status}", StringComparison.Ordinal));

    /// <summary>Where screenshots go: <c>.local/test-results/screenshots/</c> (scripts/test sets <c>TF_SCREENSHOTS</c>).</summary>
    public static string ScreenshotPath(string name)
    {
        var folder = Environment.GetEnvironmentVariable("TF_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder))
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "TwilioFeedback.sln")))
            {
                root = root.Parent;
            }
            folder = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, ".local", "test-results", "screenshots");
        }
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _browserLock.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
