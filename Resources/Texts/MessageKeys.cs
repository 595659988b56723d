namespace TwilioFeedback.Resources.Texts;

/// <summary>Names of the patient-facing texts in Messages.*.resx.</summary>
public static class MessageKeys
{
    public const string LanguageMenu = nameof(LanguageMenu);
    public const string LanguageMenuAgain = nameof(LanguageMenuAgain);
    public const string AskRating = nameof(AskRating);
    public const string AskRatingAgain = nameof(AskRatingAgain);
    public const string AskComment = nameof(AskComment);
    public const string AskCommentAgain = nameof(AskCommentAgain);
    public const string Thanks = nameof(Thanks);
    public const string CommentAdded = nameof(CommentAdded);
    public const string TooManyMisses = nameof(TooManyMisses);
    public const string OptedOut = nameof(OptedOut);
    public const string OptedIn = nameof(OptedIn);
    public const string Help = nameof(Help);

    /// <summary>While a database is down: sent in English and French (the patient's language is in the store that is down).</summary>
    public const string TryLater = nameof(TryLater);
    public const string ReminderConfirmed = "Reminder_Confirmed";
    public const string ReminderDeclined = "Reminder_Declined";
    public const string ReminderConfirmPrompt = "Reminder_ConfirmPrompt";

    /// <summary>Answer to a late 1 or 2 for a visit already attended, missed, cancelled or declined: it is no longer open, so the answer changes nothing.</summary>
    public const string ReminderVisitClosed = "Reminder_VisitClosed";

    /// <summary>Spoken on a call: one line per language in the language menu, each in its own language.</summary>
    public const string VoiceLanguageOption = "Voice_LanguageOption";

    /// <summary>The prefix of a text's spoken form (<c>Voice_AskRating</c>), used where it exists.</summary>
    public const string VoicePrefix = "Voice_";

    /// <summary>The prefix of a text's USSD-screen form (<c>Ussd_AskRating</c>), used where it exists.</summary>
    public const string UssdPrefix = "Ussd_";

    /// <summary>The texts sent by SMS and WhatsApp (their cost is counted in segments).</summary>
    public static IReadOnlyList<string> Sms { get; } =
    [
        LanguageMenu, LanguageMenuAgain, AskRating, AskRatingAgain, AskComment, AskCommentAgain,
        Thanks, CommentAdded, TooManyMisses, OptedOut, OptedIn, Help, ReminderConfirmed, ReminderDeclined, TryLater,
        ReminderVisitClosed,
    ];

    /// <summary>The spoken forms.</summary>
    public static IReadOnlyList<string> Voice { get; } =
    [
        VoiceLanguageOption, "Voice_AskRating", "Voice_AskRatingAgain", "Voice_AskComment", "Voice_AskCommentAgain",
        "Voice_Thanks", "Voice_TooManyMisses", VoiceReminderConfirm, VoiceGoodbye,
    ];

    public const string VoiceReminderConfirm = "Voice_ReminderConfirm";
    public const string VoiceGoodbye = "Voice_Goodbye";

    /// <summary>The USSD-screen forms.</summary>
    public static IReadOnlyList<string> Ussd { get; } =
    [
        "Ussd_AskRating", "Ussd_AskRatingAgain", "Ussd_AskComment", "Ussd_AskCommentAgain", "Ussd_TooManyMisses",
        "Ussd_" + ResumeSession, "Ussd_" + ResumeDeclined,
    ];

    /// <summary>A dropped USSD session dialled again: "continue?" (1 yes, 2 no), and the goodbye after a no. Screen forms only (Ussd_…).</summary>
    public const string ResumeSession = nameof(ResumeSession);
    public const string ResumeDeclined = nameof(ResumeDeclined);

    /// <summary>Texts around reminders.</summary>
    public static IReadOnlyList<string> Reminders { get; } =
        [ReminderEmailSubject, ReminderConfirmPrompt, "Template_Appointment", "Template_Medication", "Template_FollowUp", "Template_FeedbackInvite", InboxReply,
         AppointmentMoved, AppointmentCancelled, VoiceFeedbackInvite];

    /// <summary>The feedback invite as a call says it: "press a key from 1 to 5", the key being the rating (the SMS form says "reply").</summary>
    public const string VoiceFeedbackInvite = VoicePrefix + "Template_FeedbackInvite";

    /// <summary>An appointment's notices: moved to a new time, or cancelled (<c>{department}</c>, <c>{date}</c>, <c>{time}</c>).</summary>
    public const string AppointmentMoved = "Template_AppointmentMoved";
    public const string AppointmentCancelled = "Template_AppointmentCancelled";

    /// <summary>Staff's answer from the inbox: <c>{message}</c> is their own words.</summary>
    public const string InboxReply = "Template_InboxReply";

    /// <summary>
    /// The reminder templates a call may speak (<c>Template_…</c>, or its spoken form <c>Voice_Template_…</c> where it has one). Those
    /// without values can be recorded in the studio for Duala, Basaa and Ewondo; a recording cannot say a template's values (a date,
    /// a department), so those are spoken from text.
    /// </summary>
    public static IReadOnlyList<string> VoiceReminderTemplates { get; } =
        ["Template_Appointment", AppointmentMoved, AppointmentCancelled, "Template_Medication", "Template_FollowUp", VoiceFeedbackInvite];

    /// <summary>Templates staff can name when scheduling (<c>template</c> → key), with their parameters.</summary>
    public static IReadOnlyDictionary<string, (string Key, string[] Parameters)> Templates { get; } = new Dictionary<string, (string, string[])>
    {
        ["appointment"] = ("Template_Appointment", ["department", "date", "time"]),
        ["medication"] = ("Template_Medication", ["medicine"]),
        ["follow_up"] = ("Template_FollowUp", ["date"]),
        ["feedback_invite"] = ("Template_FeedbackInvite", []),
    };

    public const string ReminderEmailSubject = "Reminder_EmailSubject";

    /// <summary>The names of the default departments (Hospital:Departments) as appointment texts say them: <c>Department_{slug}</c>.</summary>
    public static IReadOnlyList<string> Departments { get; } =
    [
        "Department_maternity", "Department_pharmacy", "Department_emergency", "Department_paediatrics", "Department_surgery",
        "Department_internal_medicine", "Department_outpatients", "Department_laboratory", "Department_radiology",
    ];

    /// <summary>The key naming <paramref name="department"/> (a slug), or null when the department has no text of its own.</summary>
    public static string? Department(string department) =>
        Departments.Contains("Department_" + department) ? "Department_" + department : null;

    /// <summary>Every key, for the completeness tests (the parsing words too: <see cref="ParsingWords"/>).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Sms, .. Voice, .. Ussd, .. Reminders, .. ParsingWords.All, .. Departments];

    /// <summary>The form of <paramref name="key"/> for a channel (<paramref name="prefix"/>), where one exists.</summary>
    public static string For(string prefix, string key) => All.Contains(prefix + key) ? prefix + key : key;
}
