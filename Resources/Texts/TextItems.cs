namespace TwilioFeedback.Resources.Texts;

/// <summary>The channels a studio item is used on: <c>sms</c> (SMS and WhatsApp share texts), <c>ussd</c>, <c>voice</c>.</summary>
public static class TextChannels
{
    public const string Sms = "sms";
    public const string Ussd = "ussd";
    public const string Voice = "voice";

    public static IReadOnlyList<string> All { get; } = [Sms, Ussd, Voice];
}

/// <summary>One patient-facing item the studio can write: a text of Messages.resx or a list of parsing words.</summary>
/// <param name="Purpose">What it is for, said to the translator.</param>
/// <param name="Channels">Where it is used (<see cref="TextChannels"/>); setting a language live there needs it approved.</param>
/// <param name="IsWords">Parsing words: a comma-separated list patients may type, not a text they get.</param>
public sealed record TextItem(string Key, string Purpose, IReadOnlyList<string> Channels, bool IsWords = false)
{
    /// <summary>SMS texts should fit one segment (the studio warns at two; more than two is refused).</summary>
    public int? SmsSegments => !IsWords && Channels.Contains(TextChannels.Sms) ? 1 : null;

    /// <summary>A USSD screen holds 182 characters: the text after <c>CON </c>/<c>END </c>, which the gateway does not show (protocols/ussd).</summary>
    public int? UssdChars => !IsWords && Channels.Contains(TextChannels.Ussd) ? 182 : null;
}

/// <summary>Every item the studio lists, with its purpose and channels.</summary>
public static class TextItems
{
    private static readonly string[] Sms = [TextChannels.Sms];
    private static readonly string[] SmsUssd = [TextChannels.Sms, TextChannels.Ussd];
    private static readonly string[] Ussd = [TextChannels.Ussd];
    private static readonly string[] Voice = [TextChannels.Voice];
    private static readonly string[] Everywhere = [.. TextChannels.All];

    public static IReadOnlyList<TextItem> All { get; } =
    [
        new(MessageKeys.LanguageMenu, "First message to a patient whose language is unknown: {0} is the list of languages offered, one per line.", SmsUssd),
        new(MessageKeys.LanguageMenuAgain, "The language menu again after an answer that was not a choice: {0} the list, {1} how many.", SmsUssd),
        new(MessageKeys.AskRating, "Asks for the rating of the care, 1 to 5, by SMS/WhatsApp.", Sms),
        new(MessageKeys.AskRatingAgain, "After an answer that was not a rating: asks again.", Sms),
        new(MessageKeys.AskComment, "After the rating: invites a comment, 0 to skip.", Sms),
        new(MessageKeys.AskCommentAgain, "After an empty comment: asks again, 0 to skip.", Sms),
        new(MessageKeys.Thanks, "The last message: thanks for the feedback.", SmsUssd),
        new(MessageKeys.CommentAdded, "A message after the thanks was added to the comment.", Sms),
        new(MessageKeys.TooManyMisses, "After three answers that could not be read: a polite close.", Sms),
        new(MessageKeys.OptedOut, "Confirms STOP: no more messages.", Sms),
        new(MessageKeys.OptedIn, "Confirms START: messages again.", Sms),
        new(MessageKeys.Help, "Answer to HELP: what this number is and the keywords.", SmsUssd),
        new(MessageKeys.ReminderConfirmed, "Answer to 1 after a reminder: confirmed.", Sms),
        new(MessageKeys.ReminderDeclined, "Answer to 2 after a reminder: declined, the hospital will call.", Sms),
        new(MessageKeys.TryLater, "While a database is down: try again later.", Sms),
        new(MessageKeys.ReminderVisitClosed, "Answer to a late 1 or 2 after a reminder of a visit already attended, missed, cancelled or declined: it is no longer open, call to book again.", Sms),
        new(MessageKeys.VoiceLanguageOption, "On a call, the language menu: this language offers itself, {0} is its key.", Voice),
        new("Voice_AskRating", "On a call: asks for the rating by keypad, 1 to 5.", Voice),
        new("Voice_AskRatingAgain", "On a call, after no key or a wrong key: asks again.", Voice),
        new("Voice_AskComment", "On a call: invites a spoken comment after the beep, # to end, * to skip.", Voice),
        new("Voice_AskCommentAgain", "On a call, after nothing was recorded: invites the comment again.", Voice),
        new("Voice_Thanks", "On a call: thanks, then the call ends.", Voice),
        new("Voice_TooManyMisses", "On a call, after the question was missed twice: goodbye.", Voice),
        new(MessageKeys.VoiceReminderConfirm, "A reminder call: press 1 to confirm, 2 to decline.", Voice),
        new(MessageKeys.VoiceGoodbye, "A reminder call: goodbye.", Voice),
        new("Ussd_AskRating", "USSD screen: the rating as a numbered menu.", Ussd),
        new("Ussd_AskRatingAgain", "USSD screen after a wrong choice: the rating menu again.", Ussd),
        new("Ussd_AskComment", "USSD screen: type a comment, 0 to skip.", Ussd),
        new("Ussd_AskCommentAgain", "USSD screen after an empty comment: again.", Ussd),
        new("Ussd_TooManyMisses", "USSD screen after too many wrong choices: the session ends.", Ussd),
        new(MessageKeys.ReminderEmailSubject, "The subject of a reminder sent by email.", Sms),
        new(MessageKeys.ReminderConfirmPrompt, "Added to a reminder that waits for an answer: reply 1 or 2.", Sms),
        new("Template_Appointment", "Reminder of an appointment: {department}, {date}, {time}.", Sms),
        new("Template_Medication", "Reminder to take a medicine: {medicine}.", Sms),
        new("Template_FollowUp", "Reminder of a follow-up visit on {date}.", Sms),
        new("Template_FeedbackInvite", "Invites a patient to give feedback.", Sms),
        // Said on a reminder call (for Duala, Basaa and Ewondo its recording, else the French text), as the other templates: not needed live.
        new(MessageKeys.VoiceFeedbackInvite, "The feedback invite on a call: asks for the rating by keypad, 1 to 5; the key opens the voice survey.", []),
        new(MessageKeys.AppointmentMoved, "Tells the patient their appointment moved: {department}, the new {date} and {time}.", Sms),
        new(MessageKeys.AppointmentCancelled, "Tells the patient their appointment ({department}, {date}, {time}) is cancelled and to call to book another.", Sms),
        new(MessageKeys.InboxReply, "Staff's answer from the inbox: the hospital's greeting around {message}, their own words as typed.", Sms),
        new(ParsingWords.Yes, "Words a patient may type for yes (confirming a reminder), comma-separated.", Everywhere, IsWords: true),
        new(ParsingWords.No, "Words for no (declining a reminder; skipping the comment), comma-separated.", Everywhere, IsWords: true),
        new(ParsingWords.Numbers, "The numbers one to five as words, comma-separated, in order.", Everywhere, IsWords: true),
        new(ParsingWords.Stop, "Words that stop messages (as STOP), comma-separated.", Everywhere, IsWords: true),
        new(ParsingWords.Start, "Words that start messages again (as START), comma-separated.", Everywhere, IsWords: true),
        new(ParsingWords.Help, "Words that ask for help (as HELP), comma-separated.", Everywhere, IsWords: true),
        new(ParsingWords.Language, "Words that change the language (as LANG), comma-separated.", Everywhere, IsWords: true),
        // Department names: said inside appointment texts, so not needed approved for a language to go live (a placeholder is the French name).
        .. MessageKeys.Departments.Select(key => new TextItem(key, $"The name of a department ({key["Department_".Length..].Replace('_', ' ')}) as {{department}} in appointment texts.", [])),
    ];

    private static readonly Dictionary<string, TextItem> ByKey = All.ToDictionary(i => i.Key, StringComparer.Ordinal);

    public static TextItem? Find(string key) => ByKey.GetValueOrDefault(key);

    /// <summary>The items a channel needs approved before a language goes live on it.</summary>
    public static IEnumerable<TextItem> On(string channel) => All.Where(i => i.Channels.Contains(channel));
}
