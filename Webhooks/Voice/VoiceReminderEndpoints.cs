using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>The TwiML of a reminder call: the message spoken in the patient's language, and 1/2 to confirm.</summary>
public static class VoiceReminderEndpoints
{
    public const string Path = "/twilio/voice/reminder";

    public static RouteGroupBuilder MapVoiceReminders(this RouteGroupBuilder twilio)
    {
        twilio.MapPost("/voice/reminder", HandleAsync).WithMetadata(WebhookChannel.Voice).WithName("TwilioVoiceReminder").WithSummary("TwiML for a reminder call we placed.");
        return twilio;
    }

    internal static async Task<Results<TwiMLResult, ProblemHttpResult>> HandleAsync(
        CallStep call, [AsParameters] VoiceServices services, FeedbackDbContext db, PatientCache patients, ReminderTransitions transitions,
        CancellationToken cancellationToken, long id = 0, int step = 0)
    {
        var reminder = await db.Reminders.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (reminder is null || step is < 0 or > 3)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such reminder call.");
        }
        var language = Languages.FromCode(reminder.Language) ?? Language.French;
        var (texts, voice) = (services.Texts, services.Prompts(typeof(VoiceReminderEndpoints)));
        var response = new VoiceResponse();
        // Only the call and the key pressed matter on a call we placed: the form is not required (call.Problem is not an error here).
        var digits = call.Digits;

        if (step > 0 && digits is "1" or "2")
        {
            // Only the call placed for this reminder answers it, and only once it is sent (the guard is in
            // ReminderTransitions' statement). The message itself may be spoken before the dispatcher has saved
            // the call's sid (Twilio can fetch step 0 first); answers cannot.
            if (string.IsNullOrEmpty(call.CallSid) || reminder.ProviderId != call.CallSid)
            {
                return new TwiMLResult(response.Hangup());
            }
            var confirmed = digits == "1";
            // The same path as a 1 or 2 by message. What answered is the call and its step (a CallSid is 34
            // characters; a longer one is cut to fit the column), so the same request again answers nothing else.
            var answeredBy = $"{SafeText.Clean(call.CallSid, 40)}:{step}";
            await transitions.AnswerAsync(id, confirmed, answeredBy, cancellationToken, providerId: call.CallSid);
            // Whether another reminder still waits for the patient's 1 or 2: the copy conversations read is dropped.
            if (await db.Patients.Where(p => p.Id == reminder.PatientId).Select(p => p.PhoneHash).FirstOrDefaultAsync(cancellationToken) is { } phoneHash)
            {
                await patients.ForgetAsync(phoneHash);
            }
            VoicePrompts.Add(response, [voice.Say(texts.Get(confirmed ? MessageKeys.ReminderConfirmed : MessageKeys.ReminderDeclined,
                language is Language.English ? Language.English : Language.French), language)]);
            return new TwiMLResult(response.Hangup());
        }
        if (!reminder.Confirm || step >= 2)
        {
            // Heard once (or no answer twice): goodbye.
            var speech = step == 0 ? [voice.Say(reminder.Message, language)] : new List<Speech>();
            speech.Add(await voice.SpeakAsync(MessageKeys.VoiceGoodbye, language, cancellationToken));
            VoicePrompts.Add(response, speech);
            return new TwiMLResult(response.Hangup());
        }
        var ask = new List<Speech>();
        if (step == 0)
        {
            // The confirmation question is in the message already for SMS; on a call it is asked by the keypad prompt.
            var prompt = " " + texts.Get(MessageKeys.ReminderConfirmPrompt, language);
            ask.Add(voice.Say(reminder.Message.EndsWith(prompt, StringComparison.Ordinal) ? reminder.Message[..^prompt.Length] : reminder.Message, language));
        }
        ask.Add(await voice.SpeakAsync(MessageKeys.VoiceReminderConfirm, language, cancellationToken));
        var action = $"{Path}?id={id}&step={step + 1}";
        response.Gather(action, numDigits: 1, services.Options.Value.GatherTimeoutSeconds, r => VoicePrompts.Add(r, ask));
        response.Redirect(action);
        return new TwiMLResult(response);
    }
}
