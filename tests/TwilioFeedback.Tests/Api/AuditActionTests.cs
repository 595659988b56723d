using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Persistence;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Api;

namespace TwilioFeedback.Tests.Api;

/// <summary>
/// Every audit action the server writes fits its column, and no value — an action, a long token name, a long target — turns
/// an audited request into a 500: what does not fit is cut to the column and recorded.
/// </summary>
public sealed partial class AuditActionTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    /// <summary>The action names written in the server's code: the plain literals of each <c>audit.RecordAsync(…)</c> and <c>AuditAsync(…)</c> call.</summary>
    private static List<string> ActionsInTheCode()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "TwilioFeedback.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("No TwilioFeedback.sln above the tests.");
        }
        return [.. Directory.EnumerateFiles(Path.Combine(root.FullName, "Webhooks"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => AuditCall().Matches(File.ReadAllText(path)))
            .SelectMany(call => PlainLiteral().Matches(call.Value).Select(m => m.Groups[1].Value))
            .Distinct()
            .OrderByDescending(name => name.Length)];
    }

    [GeneratedRegex(@"(?:audit\.RecordAsync|await AuditAsync)\([^;]*;")]
    private static partial Regex AuditCall();

    [GeneratedRegex(@"(?<!\$)""([a-z0-9]+(?:-[a-z0-9]+)*)""")]
    private static partial Regex PlainLiteral();

    private async Task<JsonElement> LatestAuditAsync() => (await Client.GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=1"))[0];

    private async Task RecordAsync(string actor, string action, string target)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", actor)], "test"));
        await scope.ServiceProvider.GetRequiredService<AuditLog>().RecordAsync(user, action, target, CancellationToken.None);
    }

    [Fact]
    public async Task Every_audit_action_in_the_code_fits_its_column_and_the_longest_is_written_whole()
    {
        var actions = ActionsInTheCode();
        Assert.Contains("2fa-off-refused", actions); // the scan finds the calls it should
        Assert.Contains("studio-approve", actions);
        Assert.All(actions, action => Assert.True(action.Length <= AuditEntry.MaxActionLength, $"'{action}' is longer than the audit action column"));

        await RecordAsync("Dr Ngo", actions[0], "user 1");
        Assert.Equal(actions[0], (await LatestAuditAsync()).GetProperty("action").GetString());

        // Room for longer names than today's: a name of the column's full length is kept whole.
        var longest = "appointment-import-" + new string('x', AuditEntry.MaxActionLength - "appointment-import-".Length);
        await RecordAsync("Dr Ngo", longest, "import list.csv");
        Assert.Equal(longest, (await LatestAuditAsync()).GetProperty("action").GetString());
    }

    [Fact]
    public async Task An_over_long_action_actor_or_target_is_cut_to_its_column_and_recorded()
    {
        await RecordAsync(new string('n', 300), new string('a', 100), "feedback " + new string('7', 300));
        var entry = await LatestAuditAsync();
        Assert.Equal(new string('n', AuditEntry.MaxActorLength), entry.GetProperty("actor").GetString());
        Assert.Equal(new string('a', AuditEntry.MaxActionLength), entry.GetProperty("action").GetString());
        Assert.Equal(("feedback " + new string('7', 300))[..AuditEntry.MaxTargetLength], entry.GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_staff_token_with_a_very_long_name_reads_the_inbox_and_the_read_is_audited_under_the_name_cut()
    {
        var name = "Ward " + new string('w', 250);
        var staff = Factory.ClientWith(AppFactory.Token("staff", name));

        var response = await staff.GetAsync("/api/v1/inbox");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = await LatestAuditAsync();
        Assert.Equal((name[..AuditEntry.MaxActorLength], "read", "inbox"),
            (entry.GetProperty("actor").GetString(), entry.GetProperty("action").GetString(), entry.GetProperty("target").GetString()));
    }
}
