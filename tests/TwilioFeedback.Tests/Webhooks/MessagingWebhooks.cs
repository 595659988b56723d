using System.Net;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.WebhookTables;

/// <summary>The messaging webhook (SMS and WhatsApp), one row per request Twilio sends.</summary>
public sealed class MessagingWebhooks(AppFactory factory) : WebhookTable<AppFactory>(factory)
{
    private const string Path = "/twilio/sms";
    private const string Patient = "+237690000001";
    private const string WhatsAppPatient = "whatsapp:" + Patient;

    /// <summary>An incoming SMS exactly as Twilio posts it (its fields, its order); rows change what differs.</summary>
    private const string Incoming =
        "ToCountry=CM&ToState=&SmsMessageSid=SM5f1c3f0d8e4a4b2f9c7d6e5a4b3c2d10&NumMedia=0&ToCity=&FromZip=" +
        "&SmsSid=SM5f1c3f0d8e4a4b2f9c7d6e5a4b3c2d10&FromState=&SmsStatus=received&FromCity=&Body=Hello&FromCountry=CM" +
        "&To=%2B237233000000&ToZip=&NumSegments=1&MessageSid=SM5f1c3f0d8e4a4b2f9c7d6e5a4b3c2d10" +
        "&AccountSid=AC00000000000000000000000000000001&From=%2B237690000001&ApiVersion=2010-04-01";

    /// <summary>A message with a MessageSid of its own (a new message, not a retry), from <paramref name="from"/>.</summary>
    private static WebhookRequest Sms(string body, string from = Patient, string? sid = null)
    {
        sid ??= TwilioRequests.NewMessageSid();
        var to = from.StartsWith("whatsapp:", StringComparison.Ordinal) ? "whatsapp:" + TwilioRequests.HospitalNumber : TwilioRequests.HospitalNumber;
        return new(Path, Incoming.With(("SmsMessageSid", sid), ("SmsSid", sid), ("Body", body), ("To", to), ("MessageSid", sid), ("From", from)));
    }

    private static WebhookRequest WhatsApp(string body) => Sms(body, WhatsAppPatient);

    private static Before[] Say(params string[] bodies) => [.. bodies.Select(b => Sms(b))];

    private static readonly WebhookRequest RetriedRating = Sms("3");
    private const string TamperedSid = "SM00000000000000000000000000005555";
    private static readonly string VoiceNoteSid = TwilioRequests.NewMessageSid();
    private static readonly string VoiceNoteUrl = $"https://api.twilio.com/2010-04-01/Accounts/{TwilioRequests.AccountSid}/Messages/{VoiceNoteSid}/Media/ME0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a";

    private static readonly PatientRow New = new(Patient, null);
    private static readonly PatientRow English = new(Patient, "en");
    private static readonly PatientRow French = new(Patient, "fr");

    public static IReadOnlyList<WebhookCase> Table { get; } =
    [
        // The survey as a patient reads it, in English.
        new("A first message is answered with the menu of the languages live on SMS, each in its own name", Sms("hi"))
        {
            TwiML = "<Response><Message>Language?\n1 English\n2 Français</Message></Response>",
            Patients = [New],
        },
        new("Choosing 1 asks for the rating in English", Sms("1"))
        {
            Given = Say("hi"),
            TwiML = "<Response><Message>How was your care at the hospital? Reply 1 (very bad) to 5 (very good).</Message></Response>",
            Patients = [English],
        },
        new("Five star emojis are a five and the comment is asked for", Sms("⭐⭐⭐⭐⭐"))
        {
            Given = Say("hi", "1"),
            TwiML = "<Response><Message>Thank you! Tell us more in one message, or reply 0 to skip.</Message></Response>",
            Patients = [English],
            Feedback = [new(5, null, "en", "sms")],
        },
        new("0 skips the comment and thanks the patient", Sms("0"))
        {
            Given = Say("hi", "1", "⭐⭐⭐⭐⭐"),
            TwiML = "<Response><Message>Thank you for your feedback. It helps us care for you better.</Message></Response>",
            Patients = [English],
            Feedback = [new(5, null, "en", "sms")],
        },

        // Ratings as patients type them: stored the moment they are given.
        new("A rating typed as 4 is stored at once", Sms("4"))
        {
            Given = Say("hello", "1"),
            TwiML = "<Response><Message>{AskComment:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(4, null, "en", "sms")],
        },
        new("A rating typed as 4/5 is stored as four", Sms("4/5"))
        {
            Given = Say("hello", "1"),
            TwiML = "<Response><Message>{AskComment:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(4, null, "en", "sms")],
        },
        new("A rating given as four star emojis is stored as four", Sms("⭐⭐⭐⭐"))
        {
            Given = Say("hello", "1"),
            TwiML = "<Response><Message>{AskComment:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(4, null, "en", "sms")],
        },
        new("A rating written as quatre in French is stored as four, without a comment yet", Sms("quatre"))
        {
            Given = Say("hello", "2"),
            TwiML = "<Response><Message>{AskComment:fr}</Message></Response>",
            Patients = [French],
            Feedback = [new(4, null, "fr", "sms")],
        },
        new("A word that is not a rating is asked again", Sms("good"))
        {
            Given = Say("hello", "1"),
            TwiML = "<Response><Message>{AskRatingAgain:en}</Message></Response>",
            Patients = [English],
        },
        new("A second miss is asked again", Sms("very good"))
        {
            Given = Say("hello", "1", "good"),
            TwiML = "<Response><Message>{AskRatingAgain:en}</Message></Response>",
            Patients = [English],
        },
        new("A third miss closes politely", Sms("really good"))
        {
            Given = Say("hello", "1", "good", "very good"),
            TwiML = "<Response><Message>{TooManyMisses:en}</Message></Response>",
            Patients = [English],
        },
        new("After three misses the next message starts again at the rating", Sms("hi"))
        {
            Given = Say("hello", "1", "good", "very good", "really good"),
            TwiML = "<Response><Message>{AskRating:en}</Message></Response>",
            Patients = [English],
        },

        // Comments.
        new("Words after the thanks are added to the comment", Sms("and no soap"))
        {
            Given = Say("hello", "1", "2", "Dirty toilets"),
            TwiML = "<Response><Message>{CommentAdded:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(2, "Dirty toilets\nand no soap", "en", "sms")],
        },
        new("An answer after the conversation expired starts over instead of becoming the comment", Sms("Hello again"))
        {
            Given = [.. Say("hello", "1", "4"), new TimePasses(TimeSpan.FromHours(25))],
            TwiML = "<Response><Message>{AskRating:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(4, null, "en", "sms")],
        },
        new("A returning patient skips the language menu", Sms("Bonjour"))
        {
            Given = [.. Say("hello", "2", "5", "0"), new TimePasses(TimeSpan.FromDays(3))],
            TwiML = "<Response><Message>{AskRating:fr}</Message></Response>",
            Patients = [French],
            Feedback = [new(5, null, "fr", "sms")],
        },

        // Keywords mid-survey.
        new("AIDE mid-survey gets the help text in French", Sms("AIDE"))
        {
            Given = Say("hello", "2"),
            TwiML = "<Response><Message>{Help:fr}</Message></Response>",
            Patients = [French],
        },
        new("LANGUE mid-survey shows the language menu in French", Sms("LANGUE"))
        {
            Given = Say("hello", "2", "AIDE"),
            TwiML = "<Response><Message>{LanguageMenu:fr}</Message></Response>",
            Patients = [French],
        },
        // (Ewondo, not live on SMS until an admin sets it so, is no choice here: ConversationEngineTests and StudioTests.)
        new("A language chosen from the menu again is the patient's new language", Sms("1"))
        {
            Given = Say("hello", "2", "AIDE", "LANGUE"),
            TwiML = "<Response><Message>{AskRating:en}</Message></Response>",
            Patients = [English],
        },
        new("A rating as a word after a language change is stored in the new language", Sms("five"))
        {
            Given = Say("hello", "2", "AIDE", "LANGUE", "1"),
            TwiML = "<Response><Message>{AskComment:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(5, null, "en", "sms")],
        },
        new("A language not live on SMS is no choice: the menu again, with the live ones", Sms("5"))
        {
            Given = Say("hello"),
            TwiML = "<Response><Message>{LanguageMenuAgain:en}</Message></Response>",
            Patients = [New],
        },

        // Opt-out: STOP, then silence until START.
        new("STOP opts the patient out with a confirmation in their language", Sms("STOP"))
        {
            Given = Say("hello", "2"),
            TwiML = "<Response><Message>{OptedOut:fr}</Message></Response>",
            Patients = [French with { OptedOutAt = AppFactory.Start }],
        },
        new("ARRÊT opts the patient out like STOP", Sms("ARRÊT"))
        {
            Given = Say("hello", "2"),
            TwiML = "<Response><Message>{OptedOut:fr}</Message></Response>",
            Patients = [French with { OptedOutAt = AppFactory.Start }],
        },
        new("A rating from an opted-out patient gets no reply and is not stored", Sms("5"))
        {
            Given = Say("hello", "2", "STOP"),
            TwiML = "<Response />",
            Patients = [French with { OptedOutAt = AppFactory.Start }],
        },
        new("A greeting from an opted-out patient gets no reply", Sms("Bonjour"))
        {
            Given = Say("hello", "2", "STOP", "5"),
            TwiML = "<Response />",
            Patients = [French with { OptedOutAt = AppFactory.Start }],
        },
        new("START opts the patient back in", Sms("START"))
        {
            Given = Say("hello", "2", "STOP", "5", "Bonjour"),
            TwiML = "<Response><Message>{OptedIn:fr}</Message></Response>",
            Patients = [French],
        },
        new("After START a message starts the survey in the patient's language", Sms("Bonjour"))
        {
            Given = Say("hello", "2", "STOP", "5", "Bonjour", "START"),
            TwiML = "<Response><Message>{AskRating:fr}</Message></Response>",
            Patients = [French],
        },

        // WhatsApp: the same webhook, addresses prefixed.
        new("A WhatsApp message gets the language menu on WhatsApp, and the patient is known by number", WhatsApp("Bonjour"))
        {
            TwiML = "<Response><Message>{LanguageMenu:en}</Message></Response>",
            Patients = [New],
        },
        new("A language chosen by its name on WhatsApp", WhatsApp("français"))
        {
            Given = [WhatsApp("Bonjour")],
            TwiML = "<Response><Message>{AskRating:fr}</Message></Response>",
            Patients = [French],
        },
        new("A smiling emoji on WhatsApp is a five", WhatsApp("😀"))
        {
            Given = [WhatsApp("Bonjour"), WhatsApp("français")],
            TwiML = "<Response><Message>{AskComment:fr}</Message></Response>",
            Patients = [French],
            Feedback = [new(5, null, "fr", "whatsapp")],
        },
        new("A WhatsApp comment is stored as typed, emoji and all", WhatsApp("Très bon accueil ✨"))
        {
            Given = [WhatsApp("Bonjour"), WhatsApp("français"), WhatsApp("😀")],
            TwiML = "<Response><Message>{Thanks:fr}</Message></Response>",
            Patients = [French],
            Feedback = [new(5, "Très bon accueil ✨", "fr", "whatsapp")],
        },
        new("A WhatsApp voice note is the comment and waits to be fetched",
            new WebhookRequest(Path, Sms("", WhatsAppPatient, VoiceNoteSid).Body.With(("NumMedia", "1"), ("MediaContentType0", "audio/ogg"), ("MediaUrl0", VoiceNoteUrl))))
        {
            Given = [WhatsApp("hi"), WhatsApp("2"), WhatsApp("4")],
            TwiML = "<Response><Message>{Thanks:fr}</Message></Response>",
            Patients = [French],
            Feedback = [new(4, null, "fr", "whatsapp", VoiceNoteSid)],
            Recordings = [new(VoiceNoteSid, "audio/ogg", "whatsapp")],
        },

        // Twilio retries: the same MessageSid is the same message.
        new("A retried MessageSid gets the same answer and the rating is stored once", RetriedRating)
        {
            Given = Say("hello", "1"),
            SentTwice = true,
            TwiML = "<Response><Message>{AskComment:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(3, null, "en", "sms")],
        },
        new("After a retried rating the next message is the comment", Sms("Long wait"))
        {
            Given = [.. Say("hello", "1"), RetriedRating, RetriedRating],
            TwiML = "<Response><Message>{Thanks:en}</Message></Response>",
            Patients = [English],
            Feedback = [new(3, "Long wait", "en", "sms")],
        },

        // Signatures: checked before anything is read or stored.
        new("A message signed with another auth token gets 403 and stores nothing", Sms("5") with { Signature = Signature.WithToken("not-the-token") })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A message with an empty signature gets 403 and stores nothing", Sms("5") with { Signature = Signature.Literal("") })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A message without a signature header gets 403 and stores nothing", Sms("5") with { Signature = Signature.None })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },
        new("A message changed after it was signed gets 403 and stores nothing",
            Sms("1", sid: TamperedSid) with { Signature = Signature.OverBody(Sms("5", sid: TamperedSid).Body) })
        {
            Status = HttpStatusCode.Forbidden,
            Problem = "Invalid Twilio signature.",
        },

        // Malformed and hostile bodies: a clear 4xx or a polite re-prompt, never a 500.
        new("A message without From gets 400 and stores nothing", Sms("5") with { Body = Sms("5").Body.Without("From") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).",
        },
        new("A message without MessageSid gets 400 and stores nothing", Sms("5") with { Body = Sms("5").Body.Without("MessageSid", "SmsSid", "SmsMessageSid") })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).",
        },
        new("An overlong From gets 400 and stores nothing", Sms("5", from: "+" + new string('9', 60)))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).",
        },
        new("A message with From twice (two patients in one) gets 400 and stores nothing", Sms("5") with { Body = Sms("5").Body + "&From=%2B237690000002" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From must be given once.",
        },
        new("A message with Body twice gets 400 and stores nothing", Sms("5") with { Body = Sms("5").Body + "&Body=4" })
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "Body must be given once.",
        },
        new("A MessageSid that is not Twilio's format gets 400 and stores nothing", Sms("5", sid: "SM../../Calls/CA00000000000000000000"))
        {
            Status = HttpStatusCode.BadRequest,
            Problem = "From and MessageSid are required (From up to 32 characters, MessageSid a Twilio message SID: SM or MM and 32 hex digits).",
        },
        new("A voice note on another host than Twilio's API gets 400 and stores nothing",
            new WebhookRequest(Path, Sms("", WhatsAppPatient, VoiceNoteSid).Body.With(("NumMedia", "1"), ("MediaContentType0", "audio/ogg"), ("MediaUrl0", "https://127.0.0.1/" + VoiceNoteSid))))
        {
            Given = [WhatsApp("hi"), WhatsApp("2"), WhatsApp("4")],
            Status = HttpStatusCode.BadRequest,
            Problem = "MediaUrl0 must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
            Patients = [French],
            Feedback = [new(4, null, "fr", "whatsapp")],
        },
        new("A voice note over http gets 400 and stores nothing",
            new WebhookRequest(Path, Sms("", WhatsAppPatient, VoiceNoteSid).Body.With(("NumMedia", "1"), ("MediaContentType0", "audio/ogg"), ("MediaUrl0", VoiceNoteUrl.Replace("https:", "http:", StringComparison.Ordinal)))))
        {
            Given = [WhatsApp("hi"), WhatsApp("2"), WhatsApp("4")],
            Status = HttpStatusCode.BadRequest,
            Problem = "MediaUrl0 must be an https URL on the Twilio API host (Twilio:ApiBaseUrl).",
            Patients = [French],
            Feedback = [new(4, null, "fr", "whatsapp")],
        },
        new("A 100 KB body gets 413 and stores nothing", Sms(new string('x', 100 * 1024)))
        {
            Status = HttpStatusCode.RequestEntityTooLarge,
            Problem = "A form value is larger than this endpoint accepts.",
        },
        new("A JSON body gets 415 and stores nothing", new WebhookRequest(Path, "{\"Body\":\"5\"}") { ContentType = "application/json" })
        {
            Status = HttpStatusCode.UnsupportedMediaType,
            Problem = "Expected a form POST from Twilio.",
        },
        new("An empty first message gets the language menu", Sms(""))
        {
            TwiML = "<Response><Message>{LanguageMenu:en}</Message></Response>",
            Patients = [New],
        },
        new("An empty answer to the language menu gets the menu again", Sms(""))
        {
            Given = Say(""),
            TwiML = "<Response><Message>{LanguageMenuAgain:en}</Message></Response>",
            Patients = [New],
        },
        new("Invalid percent-encoding is read as literal text, not a 500",
            new WebhookRequest(Path, "MessageSid=SM00000000000000000000000000bad001&AccountSid=AC1&From=%2B237690000001&To=%2B237233000000&Body=100%ZZ%E0%A4%"))
        {
            TwiML = "<Response><Message>{LanguageMenu:en}</Message></Response>",
            Patients = [New],
        },
    ];

    public static TheoryData<string> Rows => LabelsOf(Table);

    [Theory]
    [MemberData(nameof(Rows))]
    public Task A_message_is_answered_and_stored_as_its_row_says(string row) => RunAsync(Table, row);
}
