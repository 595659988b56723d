using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Tests.Conversations;

/// <summary>The engine as a table: (state, patient, text, channel) → (reply key, language, next question, effects).</summary>
public sealed class ConversationEngineTests
{
    private static readonly SurveyDefinition Survey = SurveyDefinition.Default();
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static readonly PatientSnapshot NewPatient = PatientSnapshot.Unknown;
    private static readonly PatientSnapshot French = new(Language.French, false);
    private static readonly PatientSnapshot OptedOut = new(Language.French, true);

    // What the studio sets live: English and French only (nothing set live yet); Duala live on SMS only; Basaa falling back to English.
    private static readonly LanguageOffer EnglishAndFrench = Offer([], new Dictionary<Language, Language>());
    private static readonly LanguageOffer DualaOnSms = Offer([Language.Duala], new Dictionary<Language, Language>());
    private static readonly LanguageOffer BasaaToEnglish = Offer([], new Dictionary<Language, Language> { [Language.Basaa] = Language.English });

    // The words of the studio: Duala "yes" and numbers as a speaker approved them (replacing the built-in Duala lists).
    private static readonly AnswerWords DualaApproved = AnswerWords.With((key, language) => (key, language) switch
    {
        (ParsingWords.Yes, Language.Duala) => "ee, iyo",
        (ParsingWords.Numbers, Language.Duala) => "ewo, ɓeɓaá, lalo, inei, itanu",
        _ => null,
    });

    private static readonly PatientSnapshot DualaAwaitingReminder = new(Language.Duala, false, AwaitingConfirmation: true);

    private static LanguageOffer Offer(Language[] liveOnSms, Dictionary<Language, Language> fallbacks) => new(
        Enum.GetValues<Channel>().ToDictionary(c => c, c => (IReadOnlyList<Language>)[Language.English, Language.French, .. c == Channel.Sms ? liveOnSms : []]),
        fallbacks);

    private static ConversationState At(string question, Language? language = Language.French, int misses = 0, int? rating = null) => new()
    {
        ConversationId = "SMstart",
        QuestionId = question,
        Language = language,
        Misses = misses,
        Rating = rating,
        StartedAt = Now.AddMinutes(-5),
        UpdatedAt = Now.AddMinutes(-1),
    };

    /// <summary>One row: what the patient has, what they send on which channel, and what must come out.</summary>
    /// <param name="Text">What the patient sent: typed text, or on a call the keys pressed.</param>
    public sealed record Row(string Label, ConversationState? State, PatientSnapshot Patient, string Text, string? ReplyKey, Language ReplyLanguage, string? NextQuestion, string Effects,
        Channel Channel = Channel.Sms, LanguageOffer? Offer = null, string? Menu = null, AnswerWords? Words = null)
    {
        public override string ToString() => Label;
    }

    public static TheoryData<Row> Rows() =>
    [
        new("first message, language unknown → language menu", null, NewPatient, "Hello", MessageKeys.LanguageMenu, Language.English, "language", ""),
        new("first message, language known → rating question", null, French, "Bonjour", MessageKeys.AskRating, Language.French, "rating", ""),
        new("first message is already a rating", null, French, "⭐⭐⭐⭐", MessageKeys.AskComment, Language.French, "comment", "SaveRating(4,fr)"),
        new("language chosen by number", At("language", null), NewPatient, "3", MessageKeys.AskRating, Language.Duala, "rating", "SetLanguage(dua)"),
        new("language chosen by name", At("language", null), NewPatient, "Ewondo", MessageKeys.AskRating, Language.Ewondo, "rating", "SetLanguage(ewo)"),
        new("language menu, wrong answer", At("language", null), NewPatient, "9", MessageKeys.LanguageMenuAgain, Language.English, "language", ""),
        new("rating given", At("rating"), French, "4/5", MessageKeys.AskComment, Language.French, "comment", "SaveRating(4,fr)"),
        new("rating as a word", At("rating", Language.Basaa), new(Language.Basaa, false), "binâ", MessageKeys.AskComment, Language.Basaa, "comment", "SaveRating(4,bas)"),
        new("rating missed once", At("rating"), French, "bien", MessageKeys.AskRatingAgain, Language.French, "rating", ""),
        new("rating missed twice", At("rating", misses: 1), French, "bien", MessageKeys.AskRatingAgain, Language.French, "rating", ""),
        new("rating missed a third time → polite close", At("rating", misses: 2), French, "bien", MessageKeys.TooManyMisses, Language.French, null, ""),
        new("comment given", At("comment", rating: 4), French, "Les infirmières étaient gentilles", MessageKeys.Thanks, Language.French, SurveyDefinition.Done, "SaveComment(Les infirmières étaient gentilles)"),
        new("comment skipped", At("comment", rating: 4), French, "0", MessageKeys.Thanks, Language.French, SurveyDefinition.Done, ""),
        new("empty comment → re-prompt", At("comment", rating: 4), French, "  ", MessageKeys.AskCommentAgain, Language.French, "comment", ""),
        new("after thanks, more words are added", At(SurveyDefinition.Done, rating: 4), French, "Et merci au docteur", MessageKeys.CommentAdded, Language.French, SurveyDefinition.Done, "SaveComment+(Et merci au docteur)"),
        new("STOP mid-survey", At("rating"), French, "STOP", MessageKeys.OptedOut, Language.French, null, "OptOut"),
        new("ARRÊT with no conversation", null, French, "ARRÊT", MessageKeys.OptedOut, Language.French, null, "OptOut"),
        new("opted out: any message gets nothing", null, OptedOut, "5", null, Language.French, null, ""),
        new("opted out: START opts back in", null, OptedOut, "START", MessageKeys.OptedIn, Language.French, null, "OptIn"),
        new("opted out: HELP still answered", null, OptedOut, "AIDE", MessageKeys.Help, Language.French, null, ""),
        new("HELP keeps the question", At("rating"), French, "HELP", MessageKeys.Help, Language.French, "rating", ""),
        new("LANG mid-survey → menu, then back", At("comment", rating: 3), French, "LANGUE", MessageKeys.LanguageMenu, Language.French, "language", ""),
        new("START without opt-out starts afresh", At("comment", rating: 3), French, "START", MessageKeys.AskRating, Language.French, "rating", ""),
        // Channel rules: a call forgives one miss, the others two; opting out silences messaging only.
        new("call: rating missed once → asked again", At("rating"), French, "", MessageKeys.AskRatingAgain, Language.French, "rating", "", Channel.Voice),
        new("call: rating missed twice → goodbye", At("rating", misses: 1), French, "9", MessageKeys.TooManyMisses, Language.French, null, "", Channel.Voice),
        new("USSD: rating missed twice → asked again", At("rating", misses: 1), French, "bien", MessageKeys.AskRatingAgain, Language.French, "rating", "", Channel.Ussd),
        new("WhatsApp: rating missed a third time → polite close", At("rating", misses: 2), French, "bien", MessageKeys.TooManyMisses, Language.French, null, "", Channel.WhatsApp),
        new("WhatsApp: opted out gets nothing", null, OptedOut, "5", null, Language.French, null, "", Channel.WhatsApp),
        new("call: an opted-out patient who calls still gives a rating", null, OptedOut, "5", MessageKeys.AskComment, Language.French, "comment", "SaveRating(5,fr)", Channel.Voice),
        new("USSD: an opted-out patient who dials still gets the survey", null, OptedOut, "hello", MessageKeys.AskRating, Language.French, "rating", "", Channel.Ussd),
        // Live languages: a menu offers only those live on the channel, numbered in order; the others get their fallback.
        new("nothing set live: the menu offers English and French", null, NewPatient, "Hello", MessageKeys.LanguageMenu, Language.English, "language", "", Offer: EnglishAndFrench, Menu: "en,fr"),
        new("nothing set live: 3 is no choice", At("language", null), NewPatient, "3", MessageKeys.LanguageMenuAgain, Language.English, "language", "", Offer: EnglishAndFrench, Menu: "en,fr"),
        new("nothing set live: Duala by name is no choice", At("language", null), NewPatient, "Duala", MessageKeys.LanguageMenuAgain, Language.English, "language", "", Offer: EnglishAndFrench, Menu: "en,fr"),
        new("a Duala patient where Duala is not live is answered in French", null, new(Language.Duala, false), "Hello", MessageKeys.AskRating, Language.French, "rating", "", Offer: EnglishAndFrench),
        new("Duala live on SMS: offered third", null, NewPatient, "Hello", MessageKeys.LanguageMenu, Language.English, "language", "", Offer: DualaOnSms, Menu: "en,fr,dua"),
        new("Duala live on SMS: chosen by 3", At("language", null), NewPatient, "3", MessageKeys.AskRating, Language.Duala, "rating", "SetLanguage(dua)", Offer: DualaOnSms),
        new("Duala live on SMS, not on calls: the call menu offers two", null, NewPatient, "", MessageKeys.LanguageMenu, Language.English, "language", "", Channel.Voice, DualaOnSms, "en,fr"),
        new("Duala live on SMS, not on calls: a Duala caller hears French", null, new(Language.Duala, false), "5", MessageKeys.AskComment, Language.French, "comment", "SaveRating(5,fr)", Channel.Voice, DualaOnSms),
        new("a Basaa patient whose fallback is English", null, new(Language.Basaa, false), "hi", MessageKeys.AskRating, Language.English, "rating", "", Offer: BasaaToEnglish),
        // Parsing words: the studio's approved lists are read, replacing the built-in list of their language; drafts are not.
        new("Duala number word approved in the studio: a rating", At("rating", Language.Duala), new(Language.Duala, false), "itanu", MessageKeys.AskComment, Language.Duala, "comment", "SaveRating(5,dua)", Words: DualaApproved),
        new("Duala number word not approved (built-in words only): asked again", At("rating", Language.Duala), new(Language.Duala, false), "itanu", MessageKeys.AskRatingAgain, Language.Duala, "rating", ""),
        new("a built-in Duala number word the approved list left out is no rating", At("rating", Language.Duala), new(Language.Duala, false), "belalo", MessageKeys.AskRatingAgain, Language.Duala, "rating", "", Words: DualaApproved),
        new("built-in Duala number word without a studio list", At("rating", Language.Duala), new(Language.Duala, false), "belalo", MessageKeys.AskComment, Language.Duala, "comment", "SaveRating(3,dua)"),
        new("Duala yes word approved in the studio confirms a reminder", At("rating", Language.Duala), DualaAwaitingReminder, "iyo", MessageKeys.ReminderConfirmed, Language.Duala, "rating", "AnswerReminder", Words: DualaApproved),
        new("Duala yes word not approved: no answer to the reminder", At("rating", Language.Duala), DualaAwaitingReminder, "iyo", MessageKeys.AskRatingAgain, Language.Duala, "rating", ""),
        new("approved words count for every patient, whatever their language", At("rating"), French, "itanu", MessageKeys.AskComment, Language.French, "comment", "SaveRating(5,fr)", Words: DualaApproved),
        new("Twilio's STOP counts whatever the studio lists", At("rating"), French, "STOP", MessageKeys.OptedOut, Language.French, null, "OptOut",
            Words: AnswerWords.With((key, _) => key == ParsingWords.Stop ? "ARRET" : null)),
        new("a preview number: every language offered", null, NewPatient, "Hello", MessageKeys.LanguageMenu, Language.English, "language", "", Offer: EnglishAndFrench.WithEverythingLive(), Menu: "en,fr,dua,bas,ewo"),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_step_gives_the_expected_reply_state_and_effects(Row row)
    {
        var inbound = row.Channel == Channel.Voice
            ? new Inbound(row.Channel, "+237690000001", "+237233000000", null, "CAnext:1", Digits: row.Text, SessionId: "CAnext")
            : new Inbound(row.Channel, "+237690000001", "+237233000000", row.Text, "SMnext");
        var outcome = ConversationEngine.Handle(Survey with { Offer = row.Offer ?? LanguageOffer.Everything, Words = row.Words ?? AnswerWords.BuiltIn }, row.State, row.Patient, inbound, Now);

        Assert.Equal(row.ReplyKey, outcome.Reply.Prompts.SingleOrDefault()?.Key);
        if (row.Menu is not null)
        {
            Assert.Equal(row.Menu, string.Join(",", outcome.Reply.Menu!.Select(l => l.Code())));
        }
        Assert.Equal(row.ReplyLanguage, outcome.Reply.Language);
        Assert.Equal(row.NextQuestion, outcome.Next?.QuestionId);
        Assert.Equal(row.Effects, string.Join(";", outcome.Effects.Select(Describe)));
    }

    [Fact]
    public void Language_change_mid_survey_resumes_the_question_in_the_new_language()
    {
        var menu = ConversationEngine.Handle(Survey, At("comment", rating: 3), French, Sms("LANG"), Now);
        var chosen = ConversationEngine.Handle(Survey, menu.Next, French, Sms("1"), Now);

        Assert.Equal(MessageKeys.AskComment, chosen.Reply.Prompts.Single().Key);
        Assert.Equal(Language.English, chosen.Reply.Language);
        Assert.Equal("comment", chosen.Next?.QuestionId);
        Assert.Equal("SetLanguage(en)", Describe(chosen.Effects.Single()));
    }

    [Fact]
    public void A_whole_survey_saves_the_rating_at_once_and_the_comment_after()
    {
        var menu = ConversationEngine.Handle(Survey, null, NewPatient, Sms("hi"), Now);
        var language = ConversationEngine.Handle(Survey, menu.Next, NewPatient, Sms("4"), Now);
        var rating = ConversationEngine.Handle(Survey, language.Next, NewPatient, Sms("😀"), Now);
        var comment = ConversationEngine.Handle(Survey, rating.Next, NewPatient, Sms("Ɓàsàa ndùtù"), Now);

        Assert.Equal("SaveRating(5,bas)", Describe(rating.Effects.Single()));
        Assert.Equal("SaveComment(Ɓàsàa ndùtù)", Describe(comment.Effects.Single()));
        Assert.All([language, rating, comment], o => Assert.Equal(Language.Basaa, o.Reply.Language));
        Assert.Equal(menu.Next!.ConversationId, ((SaveComment)comment.Effects.Single()).ConversationId);
    }

    private static Inbound Sms(string text) => new(Channel.Sms, "+237690000001", "+237233000000", text, "SM" + text.GetHashCode());

    private static string Describe(Effect effect) => effect switch
    {
        SaveRating r => $"SaveRating({r.Rating},{r.Language.Code()})",
        SaveComment { Append: false } c => $"SaveComment({c.Text})",
        SaveComment c => $"SaveComment+({c.Text})",
        SetLanguage l => $"SetLanguage({l.Language.Code()})",
        _ => effect.GetType().Name,
    };
}
