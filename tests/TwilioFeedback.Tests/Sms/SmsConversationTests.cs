using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Studio;

namespace TwilioFeedback.Tests.Sms;

/// <summary>
/// Whole conversations through the signed messaging webhook, on real PostgreSQL and Redis. Single
/// messages and their answers are rows of <see cref="WebhookTables.MessagingWebhooks"/>.
/// </summary>
public sealed class SmsConversationTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Path = "/twilio/sms";
    private const string Patient = "+237690000001";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private string Text(string key, Language language) => Texts.Get(key, language);

    private async Task<string?> SendAsync(string from, string body)
    {
        var response = await Client.PostTwilioAsync(Path, TwilioRequests.Message(from, body));
        return (await response.MessagesAsync()).SingleOrDefault();
    }

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public async Task A_whole_conversation_in_each_language_stores_the_rating_and_the_comment(Language language)
    {
        // Duala, Basaa and Ewondo are offered to preview numbers until an admin sets them live.
        var preview = StudioSteps.NeedsPreview(language);
        if (preview)
        {
            await StudioSteps.PreviewAsync(Client, Patient);
        }
        Assert.Equal(StudioSteps.Menu(Texts, Language.English, preview), await SendAsync(Patient, "Hello"));
        Assert.Equal(Text(MessageKeys.AskRating, language), await SendAsync(Patient, ((int)language + 1).ToString()));
        Assert.Equal(Text(MessageKeys.AskComment, language), await SendAsync(Patient, "4"));
        Assert.Equal(Text(MessageKeys.Thanks, language), await SendAsync(Patient, "  The nurses were kind.  "));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal(4, feedback.Rating);
        Assert.Equal("The nurses were kind.", feedback.Content);
        Assert.Equal(language.Code(), feedback.Language);
        Assert.Equal("sms", feedback.Channel);
        Assert.Equal(language.Code(), feedback.Patient.PreferredLanguage);
        Assert.Equal(Patient, feedback.Patient.Phone);
    }

    [Fact]
    public async Task Feedback_given_by_SMS_is_readable_through_the_API()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "2");
        await SendAsync(Patient, "3");
        await SendAsync(Patient, "Attente trop longue");

        var page = await Client.GetStringAsync("/api/v1/feedback");
        Assert.Contains("\"rating\":3", page);
        Assert.Contains("\"content\":\"Attente trop longue\"", page);
        Assert.Contains("\"language\":\"french\"", page);
        Assert.Contains("\"channel\":\"sms\"", page);
    }

    [Fact]
    public async Task Patient_numbers_and_comments_never_reach_the_logs()
    {
        const string secretComment = "My neighbour Ngo Bassong saw the doctor";
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "1");
        await SendAsync(Patient, "4");
        await SendAsync(Patient, secretComment);

        var logs = string.Join('\n', Factory.Logs.Lines);
        Assert.Contains("+2376", logs); // the masked form is there
        Assert.DoesNotContain(Patient, logs);
        Assert.DoesNotContain(Patient[1..], logs);
        Assert.DoesNotContain(secretComment, logs);
        Assert.DoesNotContain(AppFactory.AuthToken, logs);
    }
}

/// <summary>Messages from one patient that arrive together are applied one after the other.</summary>
public sealed class SmsConcurrencyTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    [Fact]
    public async Task A_rating_and_a_comment_sent_at_the_same_moment_are_both_kept()
    {
        const string patient = "+237690000077";
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(patient, "hello"));
        await Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(patient, "1"));

        // Two "4"s posted at once: applied one after the other, the first is the rating, the second the comment.
        var replies = await Task.WhenAll(
            Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(patient, "4")),
            Client.PostTwilioAsync("/twilio/sms", TwilioRequests.Message(patient, "4")));
        Assert.All(replies, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        // One "4" was the rating; the other, applied after it, became the comment — never a lost update.
        Assert.Equal(4, feedback.Rating);
        Assert.Equal("4", feedback.Content);
    }
}
