using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Tests.Ussd;

/// <summary>
/// The resume rule of the engine as a table: a USSD state left by an earlier (dropped) session, or the
/// "continue?" screen waiting, and what the patient sends in this session → reply, next step, effects.
/// </summary>
public sealed class SessionResumeTests
{
    private static readonly SurveyDefinition Survey = SurveyDefinition.Default();
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly PatientSnapshot French = new(Language.French, false);
    private const string Dropped = "ATUid_dropped", ThisSession = "ATUid_again";

    /// <summary>A state last answered <paramref name="minutesAgo"/> minutes ago in <paramref name="session"/>.</summary>
    private static ConversationState Left(string question, double minutesAgo, int? rating = null, string session = Dropped, bool offered = false, int misses = 0) => new()
    {
        ConversationId = Dropped + ":0",
        SessionId = session,
        QuestionId = question,
        Language = Language.French,
        Rating = rating,
        Misses = misses,
        ResumeOffered = offered,
        StartedAt = Now.AddMinutes(-minutesAgo - 1),
        UpdatedAt = Now.AddMinutes(-minutesAgo),
    };

    /// <param name="Text">What this session's request carries (empty: the first screen of a new dial).</param>
    /// <param name="NextQuestion">The step after it (null: the session ends, state dropped).</param>
    public sealed record Row(string Label, ConversationState? State, string Text, string ReplyKey, string? NextQuestion, bool Offered, string Effects,
        Channel Channel = Channel.Ussd)
    {
        public override string ToString() => Label;
    }

    public static TheoryData<Row> Rows() =>
    [
        new("dropped at the comment, rating given, dialled again 3 min later → continue?", Left("comment", 3, rating: 4), "", MessageKeys.ResumeSession, "comment", true, ""),
        new("dropped at the rating, dialled again 9 min later → continue?", Left("rating", 9), "", MessageKeys.ResumeSession, "rating", true, ""),
        new("dropped 11 min ago → a new survey (no continue?)", Left("comment", 11, rating: 4), "", MessageKeys.AskRating, "rating", false, ""),
        new("finished session, dialled again → a new survey", Left(SurveyDefinition.Done, 2, rating: 4), "", MessageKeys.AskRating, "rating", false, ""),
        new("continue? yes, rating given → the comment, never the rating", Left("comment", 0, rating: 4, session: ThisSession, offered: true), "1", MessageKeys.AskComment, "comment", false, ""),
        new("continue? oui → the rating it stopped at", Left("rating", 0, session: ThisSession, offered: true), "oui", MessageKeys.AskRating, "rating", false, ""),
        new("continue? no → a polite goodbye", Left("comment", 0, rating: 4, session: ThisSession, offered: true), "2", MessageKeys.ResumeDeclined, null, false, ""),
        new("continue? a wrong key → asked again", Left("comment", 0, rating: 4, session: ThisSession, offered: true), "7", MessageKeys.ResumeSession, "comment", true, ""),
        new("continue? wrong three times → the polite close", Left("comment", 0, rating: 4, session: ThisSession, offered: true, misses: 2), "7", MessageKeys.TooManyMisses, null, false, ""),
        new("after yes, the comment is saved to the first session's feedback", Left("comment", 0, rating: 4, session: ThisSession), "Accueil rapide", MessageKeys.Thanks, SurveyDefinition.Done, false, "SaveComment(ATUid_dropped:0,Accueil rapide)"),
        new("same session, no resume asked: the survey goes on", Left("rating", 0, session: ThisSession), "5", MessageKeys.AskComment, "comment", false, "SaveRating(ATUid_dropped:0,5)"),
        new("a call (no resume rule) with another CallSid: the survey goes on", Left("rating", 3), "5", MessageKeys.AskComment, "comment", false, "SaveRating(ATUid_dropped:0,5)", Channel.Voice),
    ];

    [Theory]
    [MemberData(nameof(Rows))]
    public void A_USSD_session_resumes_as_the_table_says(Row row)
    {
        var inbound = new Inbound(row.Channel, "+237690000001", "*384*1234#", row.Text, $"{ThisSession}:1", SessionId: ThisSession);

        var outcome = ConversationEngine.Handle(Survey, row.State, French, inbound, Now);

        Assert.Equal(row.ReplyKey, Assert.Single(outcome.Reply.Prompts).Key);
        Assert.Equal(row.NextQuestion, outcome.Next?.QuestionId);
        Assert.Equal(row.Offered, outcome.Next?.ResumeOffered ?? false);
        Assert.Equal(row.Effects, string.Join(";", outcome.Effects.Select(Describe)));
        if (outcome.Next is { } next && row.Channel == Channel.Ussd)
        {
            Assert.Equal(ThisSession, next.SessionId); // answered in this session now
        }
        Assert.Equal(row.NextQuestion is null ? null : Language.French, outcome.Next?.Language);
    }

    private static string Describe(Effect effect) => effect switch
    {
        SaveRating r => $"SaveRating({r.ConversationId},{r.Rating})",
        SaveComment c => $"SaveComment({c.ConversationId},{c.Text})",
        _ => effect.GetType().Name,
    };
}
