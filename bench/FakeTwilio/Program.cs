// A fake Twilio REST API for the reminder benchmark: POST …/Messages.json answers 201 with a new SID and
// counts each Body (the benchmark's reminders say "Bench reminder {id}"), so duplicates show.
// GET /stats reports {requests, distinct, duplicates, first, last}; POST /reset starts the count again.
using System.Collections.Concurrent;
using System.Globalization;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var bodies = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
long requests = 0, first = 0, last = 0;

app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (HttpRequest request, string account) =>
{
    var form = await request.ReadFormAsync();
    var n = Interlocked.Increment(ref requests);
    var now = DateTime.UtcNow.Ticks;
    Interlocked.CompareExchange(ref first, now, 0);
    Interlocked.Exchange(ref last, now);
    bodies.AddOrUpdate(form["Body"].ToString(), 1, (_, count) => count + 1);
    var sid = "SM" + n.ToString("x32", CultureInfo.InvariantCulture);
    return Results.Json(new Message(sid, "queued", form["To"].ToString()), statusCode: StatusCodes.Status201Created);
});
app.MapGet("/stats", () => new Stats(
    Interlocked.Read(ref requests), bodies.Count, bodies.Count(b => b.Value > 1),
    first == 0 ? null : new DateTime(first, DateTimeKind.Utc), last == 0 ? null : new DateTime(last, DateTimeKind.Utc)));
app.MapPost("/reset", () =>
{
    bodies.Clear();
    Interlocked.Exchange(ref requests, 0);
    Interlocked.Exchange(ref first, 0);
    Interlocked.Exchange(ref last, 0);
});
app.MapGet("/health/live", () => "Healthy");
app.Run();

internal sealed record Message(string sid, string status, string to);

internal sealed record Stats(long Requests, int Distinct, int Duplicates, DateTime? First, DateTime? Last);
