using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Api;

/// <summary>Offline sync: a batch sent twice, or cut off and sent again, stores each item once.</summary>
public sealed class SyncTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private static readonly Guid[] Ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    private static string Item(Guid id, int rating, string givenAt = "2026-11-20T10:15:00+01:00") =>
        $$"""{"client_id":"{{id}}","patient_id":"PAT-KIOSK","language":"bas","rating":{{rating}},"content":"kiosk {{rating}}","given_at":"{{givenAt}}"}""";

    private async Task<List<(string Outcome, string? Reason)>> SyncAsync(params string[] items)
    {
        var response = await Client.PostAsync("/api/v1/feedback/sync", new StringContent($$"""{"items":[{{string.Join(",", items)}}]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("outcome").GetString()!, i.TryGetProperty("reason", out var r) ? r.GetString() : null))];
    }

    [Fact]
    public async Task The_same_batch_twice_stores_each_item_once()
    {
        var first = await SyncAsync(Item(Ids[0], 5), Item(Ids[1], 2));
        var again = await SyncAsync(Item(Ids[0], 5), Item(Ids[1], 2));

        Assert.Equal(["created", "created"], first.Select(r => r.Outcome));
        Assert.Equal(["duplicate", "duplicate"], again.Select(r => r.Outcome));
        await using var db = Factory.Db();
        var rows = await db.Feedbacks.OrderBy(f => f.Rating).ToListAsync();
        Assert.Equal([2, 5], rows.Select(f => f.Rating));
        Assert.All(rows, f => Assert.Equal(("sync", "bas"), (f.Channel, f.Language)));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero), rows[0].DateSubmitted);
    }

    [Fact]
    public async Task A_cut_off_batch_sent_again_completes_without_doubles()
    {
        await SyncAsync(Item(Ids[0], 4));                                   // only the first item got through
        var resent = await SyncAsync(Item(Ids[0], 4), Item(Ids[1], 3), Item(Ids[2], 1));

        Assert.Equal(["duplicate", "created", "created"], resent.Select(r => r.Outcome));
        await using var db = Factory.Db();
        Assert.Equal(3, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task One_bad_item_does_not_reject_the_others()
    {
        var results = await SyncAsync(Item(Ids[0], 9), Item(Ids[1], 3), Item(Ids[2], 3, givenAt: "yesterday"));

        Assert.Equal(["invalid", "created", "invalid"], results.Select(r => r.Outcome));
        Assert.Contains("rating", results[0].Reason);
        Assert.Contains("given_at", results[2].Reason);
    }

    [Fact]
    public async Task The_seeds_date_submitted_is_taken_as_given_at_and_both_must_agree()
    {
        static string With(Guid id, string times) =>
            $$"""{"client_id":"{{id}}","patient_id":"PAT-KIOSK","language":"fr","rating":4,{{times}}}""";

        var results = await SyncAsync(
            With(Ids[0], "\"date_submitted\":\"2026-11-20T10:15:00+01:00\""),
            With(Ids[1], "\"given_at\":\"2026-11-20T09:15:00Z\",\"date_submitted\":\"2026-11-20T10:15:00+01:00\""),
            With(Ids[2], "\"given_at\":\"2026-11-20T09:15:00Z\",\"date_submitted\":\"2026-11-19T10:15:00+01:00\""));

        Assert.Equal(["created", "created", "invalid"], results.Select(r => r.Outcome));
        Assert.Contains("date_submitted", results[2].Reason);
        await using var db = Factory.Db();
        Assert.All(await db.Feedbacks.ToListAsync(), f => Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 15, 0, TimeSpan.Zero), f.DateSubmitted));
    }

    [Fact]
    public async Task An_empty_or_oversized_batch_is_refused()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync("/api/v1/feedback/sync", new StringContent("""{"items":[]}""", Encoding.UTF8, "application/json"))).StatusCode);
        var many = string.Join(",", Enumerable.Range(0, 501).Select(_ => Item(Guid.NewGuid(), 3)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Client.PostAsync("/api/v1/feedback/sync", new StringContent($$"""{"items":[{{many}}]}""", Encoding.UTF8, "application/json"))).StatusCode);
    }

    [Fact]
    public async Task The_API_reference_page_is_served_at_docs()
    {
        var page = await Factory.ClientWith(null).GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("TwilioFeedback API", html);
        Assert.Contains("openapi", html);
    }
}
