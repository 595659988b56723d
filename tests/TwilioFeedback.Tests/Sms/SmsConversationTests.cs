using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Sms;

/// <summary>Whole conversations through the signed messaging webhook, on real PostgreSQL and Redis.</summary>
public sealed class SmsConversationTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Path = "/twilio/sms";
    private const string Patient = "+237690000001";

    private PatientTexts Texts => Factory.Services.GetRequiredService<PatientTexts>();

    private string Text(string key, Language language) => Texts.Get(key, language);

    private async Task<string?> SendAsync(string from, string body, string? sid = null)
    {
        var response = await Client.PostTwilioAsync(Path, TwilioRequests.Message(from, body, sid));
        return (await response.MessagesAsync()).SingleOrDefault();
    }

    public static TheoryData<Language> AllLanguages() => [.. Languages.All];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public async Task A_whole_conversation_in_each_language_stores_the_rating_and_the_comment(Language language)
    {
        Assert.Equal(Text(MessageKeys.LanguageMenu, Language.English), await SendAsync(Patient, "Hello"));
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
    public async Task The_English_survey_reads_as_a_patient_sees_it()
    {
        Assert.Equal("Language?\n1 English\n2 Français\n3 Duálá\n4 Ɓàsàa\n5 Ewondo", await SendAsync(Patient, "hi"));
        Assert.Equal("How was your care at the hospital? Reply 1 (very bad) to 5 (very good).", await SendAsync(Patient, "1"));
        Assert.Equal("Thank you! Tell us more in one message, or reply 0 to skip.", await SendAsync(Patient, "⭐⭐⭐⭐⭐"));
        Assert.Equal("Thank you for your feedback. It helps us care for you better.", await SendAsync(Patient, "0"));
    }

    [Fact]
    public async Task The_rating_is_stored_the_moment_it_is_given()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "2");
        await SendAsync(Patient, "quatre");

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal(4, feedback.Rating);
        Assert.Null(feedback.Content);
        Assert.Equal("fr", feedback.Language);
    }

    [Fact]
    public async Task A_returning_patient_skips_the_language_menu()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "2");
        await SendAsync(Patient, "5");
        await SendAsync(Patient, "0");
        Factory.Clock.Advance(TimeSpan.FromDays(3));

        Assert.Equal(Text(MessageKeys.AskRating, Language.French), await SendAsync(Patient, "Bonjour"));
    }

    [Fact]
    public async Task A_forged_signature_gets_403_and_stores_nothing()
    {
        var form = TwilioRequests.Message(Patient, "5");
        var forged = await Client.PostTwilioAsync(Path, form, signature: TwilioRequests.Sign(Path, form, authToken: "not-the-token"));
        var missing = await Client.PostTwilioAsync(Path, form, signature: "");
        var tampered = await Client.PostTwilioAsync(Path, TwilioRequests.Message(Patient, "1", form.First(p => p.Key == "MessageSid").Value), signature: TwilioRequests.Sign(Path, form));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Patients.CountAsync());
        Assert.Equal(0, await db.Feedbacks.CountAsync());
    }

    [Fact]
    public async Task The_same_MessageSid_twice_has_one_effect_and_the_same_answer()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "1");
        var sid = TwilioRequests.NewMessageSid();
        var first = await SendAsync(Patient, "3", sid);
        var retried = await SendAsync(Patient, "3", sid);
        var comment = await SendAsync(Patient, "Long wait");

        Assert.Equal(Text(MessageKeys.AskComment, Language.English), first);
        Assert.Equal(first, retried);
        Assert.Equal(Text(MessageKeys.Thanks, Language.English), comment);
        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal(3, feedback.Rating);
        Assert.Equal("Long wait", feedback.Content);
    }

    [Fact]
    public async Task STOP_opts_out_and_later_messages_get_no_reply_until_START()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "2");
        Assert.Equal(Text(MessageKeys.OptedOut, Language.French), await SendAsync(Patient, "STOP"));

        Assert.Null(await SendAsync(Patient, "5"));
        Assert.Null(await SendAsync(Patient, "Bonjour"));
        await using (var db = Factory.Db())
        {
            var patient = await db.Patients.SingleAsync();
            Assert.Equal(Factory.Clock.GetUtcNow(), patient.OptedOutAt);
            Assert.Equal(0, await db.Feedbacks.CountAsync());
        }

        Assert.Equal(Text(MessageKeys.OptedIn, Language.French), await SendAsync(Patient, "START"));
        Assert.Equal(Text(MessageKeys.AskRating, Language.French), await SendAsync(Patient, "Bonjour"));
        await using (var db = Factory.Db())
        {
            Assert.Null((await db.Patients.SingleAsync()).OptedOutAt);
        }
    }

    [Fact]
    public async Task An_expired_conversation_starts_over_instead_of_taking_the_answer_as_a_comment()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "1");
        await SendAsync(Patient, "4");
        Factory.Clock.Advance(TimeSpan.FromHours(25));

        Assert.Equal(Text(MessageKeys.AskRating, Language.English), await SendAsync(Patient, "Hello again"));
        await using var db = Factory.Db();
        Assert.Null((await db.Feedbacks.SingleAsync()).Content);
    }

    [Fact]
    public async Task A_WhatsApp_conversation_is_answered_on_WhatsApp_and_stored_as_such()
    {
        const string from = "whatsapp:" + Patient;
        Assert.Equal(Text(MessageKeys.LanguageMenu, Language.English), await SendAsync(from, "Bonjour"));
        Assert.Equal(Text(MessageKeys.AskRating, Language.French), await SendAsync(from, "français"));
        Assert.Equal(Text(MessageKeys.AskComment, Language.French), await SendAsync(from, "😀"));
        Assert.Equal(Text(MessageKeys.Thanks, Language.French), await SendAsync(from, "Très bon accueil ✨"));

        await using var db = Factory.Db();
        var feedback = await db.Feedbacks.Include(f => f.Patient).SingleAsync();
        Assert.Equal(("whatsapp", 5, "Très bon accueil ✨"), (feedback.Channel, feedback.Rating, feedback.Content));
        Assert.Equal(Patient, feedback.Patient.Phone);
    }

    [Fact]
    public async Task Three_misses_close_politely_and_the_next_message_starts_again()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "1");
        Assert.Equal(Text(MessageKeys.AskRatingAgain, Language.English), await SendAsync(Patient, "good"));
        Assert.Equal(Text(MessageKeys.AskRatingAgain, Language.English), await SendAsync(Patient, "very good"));
        Assert.Equal(Text(MessageKeys.TooManyMisses, Language.English), await SendAsync(Patient, "really good"));
        Assert.Equal(Text(MessageKeys.AskRating, Language.English), await SendAsync(Patient, "hi"));
    }

    [Fact]
    public async Task HELP_and_LANG_work_mid_survey()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "2");
        Assert.Equal(Text(MessageKeys.Help, Language.French), await SendAsync(Patient, "AIDE"));
        Assert.Equal(Text(MessageKeys.LanguageMenu, Language.French), await SendAsync(Patient, "LANGUE"));
        Assert.Equal(Text(MessageKeys.AskRating, Language.Ewondo), await SendAsync(Patient, "5"));
        Assert.Equal(Text(MessageKeys.AskComment, Language.Ewondo), await SendAsync(Patient, "tána"));

        await using var db = Factory.Db();
        Assert.Equal("ewo", (await db.Patients.SingleAsync()).PreferredLanguage);
        var feedback = await db.Feedbacks.SingleAsync();
        Assert.Equal(("ewo", 5), (feedback.Language, feedback.Rating));
    }

    [Fact]
    public async Task Words_after_the_thanks_are_added_to_the_comment()
    {
        await SendAsync(Patient, "hello");
        await SendAsync(Patient, "1");
        await SendAsync(Patient, "2");
        await SendAsync(Patient, "Dirty toilets");
        Assert.Equal(Text(MessageKeys.CommentAdded, Language.English), await SendAsync(Patient, "and no soap"));

        await using var db = Factory.Db();
        Assert.Equal("Dirty toilets\nand no soap", (await db.Feedbacks.SingleAsync()).Content);
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

/// <summary>Malformed and hostile bodies: a clear 4xx or a polite re-prompt, never a 500.</summary>
public sealed class SmsMalformedRequestTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private const string Path = "/twilio/sms";

    [Fact]
    public async Task A_message_without_From_gets_400()
    {
        var form = TwilioRequests.Message("+237690000002", "5").Where(p => p.Key != "From").ToList();
        var response = await Client.PostTwilioAsync(Path, form);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_overlong_From_gets_400()
    {
        var response = await Client.PostTwilioAsync(Path, TwilioRequests.Message("+" + new string('9', 60), "5"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_empty_body_is_answered_with_the_question_again()
    {
        var first = await Client.PostTwilioAsync(Path, TwilioRequests.Message("+237690000002", ""));
        var again = await Client.PostTwilioAsync(Path, TwilioRequests.Message("+237690000002", ""));
        Assert.Single(await first.MessagesAsync());
        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        Assert.Equal(texts.Get(MessageKeys.LanguageMenuAgain, Language.English), (await again.MessagesAsync()).Single());
    }

    [Fact]
    public async Task A_100_KB_body_gets_413_and_stores_nothing()
    {
        var response = await Client.PostTwilioAsync(Path, TwilioRequests.Message("+237690000002", new string('x', 100 * 1024)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var db = Factory.Db();
        Assert.Equal(0, await db.Patients.CountAsync());
    }

    [Fact]
    public async Task Invalid_percent_encoding_is_read_as_literal_text_not_a_500()
    {
        const string raw = "MessageSid=SM00000000000000000000000000bad001&AccountSid=AC1&From=%2B237690000002&To=%2B237233000000&Body=100%ZZ%E0%A4%";
        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(raw)
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string>(p.Key, v!)));
        var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new StringContent(raw, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        request.Headers.Add("X-Twilio-Signature", TwilioRequests.Sign(Path, parsed));
        var response = await Client.SendAsync(request);
        Assert.Single(await response.MessagesAsync());
    }

    [Fact]
    public async Task A_JSON_body_on_the_messaging_webhook_is_refused_cleanly()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("{\"Body\":\"5\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Signature", TwilioRequests.Sign(Path, []));
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
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
