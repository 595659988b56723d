using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace TwilioFeedback.Tests.Infrastructure;

/// <summary>
/// What a test's page did, in order and timed from its creation: each request, its answer or failure, each
/// navigation and the document's DOMContentLoaded and load. A wait that runs out reports it, so a page that
/// never arrives says whether its request was sent, answered, or never left the browser.
/// </summary>
public sealed class PageTrail
{
    private static readonly ConditionalWeakTable<IPage, PageTrail> Trails = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private PageTrail(IPage page)
    {
        page.Request += (_, request) => Add($"→ {request.Method} {PathOf(request.Url)}{(request.IsNavigationRequest ? " (navigation)" : "")}");
        page.Response += (_, response) => Add($"← {response.Status} {response.Request.Method} {PathOf(response.Url)}");
        page.RequestFinished += (_, request) => Add($"✓ {request.Method} {PathOf(request.Url)}");
        page.RequestFailed += (_, request) => Add($"✗ {request.Method} {PathOf(request.Url)}: {request.Failure}");
        page.FrameNavigated += (_, frame) => { if (frame.ParentFrame is null) Add($"navigated to {PathOf(frame.Url)}"); };
        page.DOMContentLoaded += (_, _) => Add("DOMContentLoaded");
        page.Load += (_, _) => Add("load");
        page.Console += (_, message) => Add($"console {message.Type}: {message.Text}");
        page.PageError += (_, error) => Add($"page error: {error}");
        page.Crash += (_, _) => Add("crashed");
    }

    /// <summary>Starts the trail of a new page.</summary>
    public static void Follow(IPage page) => Trails.GetValue(page, p => new PageTrail(p));

    /// <summary>The trail of <paramref name="page"/>, one event a line.</summary>
    public static string Of(IPage page) => Trails.TryGetValue(page, out var trail) ? string.Join('\n', trail._lines) : "(no trail)";

    private void Add(string line) => _lines.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000}s {line}");

    private static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.PathAndQuery : url;
}
