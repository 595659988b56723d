namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>What each voice prompt is for, shown beside it while recording.</summary>
public static class RecordingPurposes
{
    private static readonly Dictionary<string, string> Purposes = new()
    {
        ["Voice_LanguageOption"] = "The call's first menu: the language offers itself, in itself, with its key.",
        ["Voice_AskRating"] = "Asks the caller to rate their care by pressing 1 (very bad) to 5 (very good).",
        ["Voice_AskRatingAgain"] = "Asks for the rating again after no key or a wrong key.",
        ["Voice_AskComment"] = "Invites a spoken comment after the beep; # ends it, * skips it.",
        ["Voice_AskCommentAgain"] = "Asks for the comment again when nothing was recorded.",
        ["Voice_Thanks"] = "Thanks the caller before hanging up.",
        ["Voice_TooManyMisses"] = "A polite goodbye after several answers that could not be understood.",
        ["Voice_ReminderConfirm"] = "On a reminder call: press 1 to confirm the appointment, 2 if they cannot come.",
        ["Voice_Goodbye"] = "Ends a reminder call.",
        ["Template_Appointment"] = "A reminder call: the appointment's department, date and time.",
        ["Template_AppointmentMoved"] = "A reminder call: the appointment has moved to a new date and time.",
        ["Template_AppointmentCancelled"] = "A reminder call: the appointment is cancelled; call to book another.",
        ["Template_Medication"] = "A reminder call: time to take a medicine, named in the message.",
        ["Template_FollowUp"] = "A reminder call: a follow-up visit on a date.",
        ["Voice_Template_FeedbackInvite"] = "A call after the visit: asks the patient to rate their care by pressing 1 (very bad) to 5 (very good).",
    };

    public static string Of(string key) => Purposes.GetValueOrDefault(key, key);
}
