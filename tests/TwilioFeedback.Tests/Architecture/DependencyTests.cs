using System.Reflection;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling;

namespace TwilioFeedback.Tests.Architecture;

/// <summary>DESIGN.md's arrows, checked on the built assemblies: dependencies point down only.</summary>
public sealed class DependencyTests
{
    public static TheoryData<string, Assembly, string[]> Projects() => new()
    {
        // The engine knows nothing of HTTP, Redis or EF Core: the base library and our texts only.
        { "Conversations", typeof(ConversationEngine).Assembly, ["TwilioFeedback.Resources"] },
        { "Resources", typeof(PatientTexts).Assembly, ["Microsoft.Extensions.Localization", "Microsoft.Extensions.Localization.Abstractions", "Microsoft.Extensions.Options", "Microsoft.Extensions.DependencyInjection.Abstractions"] },
        { "Persistence", typeof(FeedbackDbContext).Assembly, ["Microsoft.*", "Npgsql*", "EFCore.*"] },
        { "Scheduling", typeof(SchedulingServices).Assembly, ["TwilioFeedback.Persistence", "TwilioFeedback.Resources", "Microsoft.*", "Npgsql*", "Coravel", "PhoneNumbers", "SendGrid", "MailKit", "MimeKit", "Prometheus*", "Polly*"] },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_project_references_only_what_the_map_allows(string project, Assembly assembly, string[] allowed)
    {
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(name => name != "netstandard" && name != "mscorlib" && !name.StartsWith("System", StringComparison.Ordinal));

        var unexpected = references.Where(name => !allowed.Any(pattern => Matches(name, pattern))).ToList();

        Assert.True(unexpected.Count == 0, $"{project} references {string.Join(", ", unexpected)}");
    }

    [Fact]
    public void Nothing_below_the_host_references_it()
    {
        Assembly[] below = [typeof(ConversationEngine).Assembly, typeof(PatientTexts).Assembly, typeof(FeedbackDbContext).Assembly, typeof(SchedulingServices).Assembly];

        Assert.All(below, a => Assert.DoesNotContain(a.GetReferencedAssemblies(), r => r.Name == "TwilioFeedback.Webhooks"));
    }

    private static bool Matches(string name, string pattern) =>
        pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.Ordinal) : name == pattern;
}
