using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Twilio;

namespace TwilioFeedback.Webhooks.Voice;

/// <summary>
/// The TwiML of a reminder call: the message spoken in the patient's language, and 1/2 to confirm. A feedback invite asks for
/// the rating by keypad instead, and the key (or none) opens the voice survey with the patient called, as a reply to the SMS invite does.
/// </summary>
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
        ReminderWording wording, ConversationRunner runner, CancellationToken cancellationToken, long id = 0, int step = 0, bool survey = false)
    {
        var reminder = await db.Reminders.AsNoTracking().Include(r => r.Patient).Include(r => r.Appointment).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (reminder is null || step < 0 || step > (survey ? 100 : 3))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such reminder call.");
        }
        if (survey)
        {
            // Only the call placed for this invite goes on to the survey. On a call we placed, From is the hospital: the patient is the number called.
            if (step == 0 || !AsksForRating(reminder) || string.IsNullOrEmpty(call.CallSid) || reminder.ProviderId != call.CallSid)
            {
                return new TwiMLResult(new VoiceResponse().Hangup());
            }
            // Step 1 is the key pressed on the invite (the row's language is the one it was said in): the rating.
            return await VoiceEndpoints.SurveyStepAsync(call with { From = reminder.PhoneNumber ?? call.To, To = call.From }, step,
                $"{Path}?id={id}&survey=true&", services, runner, cancellationToken, step == 1 ? Languages.FromCode(reminder.Language) : null);
        }
        var (texts, voice) = (services.Texts, services.Prompts(typeof(VoiceReminderEndpoints)));
        // The message as the call speaks it (a template in the patient's language of now), and the language it is in;
        // later steps go on in the language the first one saved on the row.
        var (language, message) = step == 0 ? await MessageAsync(reminder, wording, texts, voice, db, cancellationToken) : (Languages.FromCode(reminder.Language) ?? Language.French, null);
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
            // A visit already attended, missed, cancelled or declined stays as it is, and the patient hears that, not "confirmed".
            var closed = reminder.Appointment is { } appointment && !AppointmentAnswers.IsOpen(appointment.Status);
            // The same path as a 1 or 2 by message. What answered is the call and its step (a CallSid is 34
            // characters; a longer one is cut to fit the column), so the same request again answers nothing else.
            var answeredBy = $"{SafeText.Clean(call.CallSid, 40)}:{step}";
            await transitions.AnswerAsync(id, confirmed, answeredBy, cancellationToken, providerId: call.CallSid);
            // Whether another reminder still waits for the patient's 1 or 2: the copy conversations read is dropped.
            if (await db.Patients.Where(p => p.Id == reminder.PatientId).Select(p => p.PhoneHash).FirstOrDefaultAsync(cancellationToken) is { } phoneHash)
            {
                await patients.ForgetAsync(phoneHash);
            }
            var answer = closed ? MessageKeys.ReminderVisitClosed : confirmed ? MessageKeys.ReminderConfirmed : MessageKeys.ReminderDeclined;
            VoicePrompts.Add(response, [voice.Say(texts.Get(answer,
                language is Language.English ? Language.English : Language.French), language)]);
            return new TwiMLResult(response.Hangup());
        }
        if (step == 0 && AsksForRating(reminder))
        {
            // "Press a key from 1 to 5": the key is the survey's first answer; no key, and the survey asks for the rating itself.
            // An invite written by staff is said as written, then asks for the key as the survey does.
            List<Speech> invite = reminder.Template == AppointmentTexts.FeedbackInvite
                ? [message!]
                : [message!, await voice.SpeakAsync(MessageKeys.For(MessageKeys.VoicePrefix, MessageKeys.AskRating), language, cancellationToken)];
            var surveyStep = $"{Path}?id={id}&survey=true&step=1";
            response.Gather(surveyStep, numDigits: 1, services.Options.Value.GatherTimeoutSeconds, r => VoicePrompts.Add(r, invite));
            response.Redirect(surveyStep);
            return new TwiMLResult(response);
        }
        if (!reminder.Confirm || step >= 2)
        {
            // Heard once (or no answer twice): goodbye.
            var speech = step == 0 ? [message!] : new List<Speech>();
            speech.Add(await voice.SpeakAsync(MessageKeys.VoiceGoodbye, language, cancellationToken));
            VoicePrompts.Add(response, speech);
            return new TwiMLResult(response.Hangup());
        }
        var ask = new List<Speech>();
        if (step == 0)
        {
            ask.Add(message!);
        }
        ask.Add(await voice.SpeakAsync(MessageKeys.VoiceReminderConfirm, language, cancellationToken));
        var action = $"{Path}?id={id}&step={step + 1}";
        response.Gather(action, numDigits: 1, services.Options.Value.GatherTimeoutSeconds, r => VoicePrompts.Add(r, ask));
        response.Redirect(action);
        return new TwiMLResult(response);
    }

    /// <summary>A feedback invite, or a row written from the invite's template: the call asks for the rating by keypad.</summary>
    private static bool AsksForRating(Reminder reminder) =>
        reminder.Kind == ReminderKinds.FeedbackInvite || reminder.Template == AppointmentTexts.FeedbackInvite;

    /// <summary>
    /// What the call says first. A template is written afresh in the patient's current language, or its fallback where that is not live on
    /// each of its channels; for Duala, Basaa and Ewondo an approved studio recording of a template without values is played, else (Twilio has no voice for them)
    /// the French text is spoken. The row's language is set to what was said. A free text is said as written, in the row's language.
    /// </summary>
    private static async Task<(Language, Speech)> MessageAsync(Reminder reminder, ReminderWording wording, PatientTexts texts, VoicePrompts voice, FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var written = Languages.FromCode(reminder.Language) ?? Language.French;
        // As the dispatcher wrote it: live on each of the reminder's channels (a call may be the fallback of an SMS).
        var language = wording.ServeOn(reminder, reminder.Channels);
        if (wording.Template(reminder, language) is not var (key, _))
        {
            // The confirmation question is in a free text already for SMS; on a call it is asked by the keypad prompt.
            var prompt = " " + texts.Get(MessageKeys.ReminderConfirmPrompt, written);
            return (written, voice.Say(reminder.Message.EndsWith(prompt, StringComparison.Ordinal) ? reminder.Message[..^prompt.Length] : reminder.Message, written));
        }
        Speech speech;
        if (language is Language.English or Language.French)
        {
            speech = voice.Say(wording.Write(reminder, language, onCall: true)!, language);
        }
        // Value-free: the text has no placeholders (an appointment's feedback invite carries the visit's values, but its text uses none).
        // Its spoken form is what a take records.
        else if (!texts.HasValues(key) && (await voice.SpeakAsync(MessageKeys.For(MessageKeys.VoicePrefix, key), language, cancellationToken)) is { PlayUrl: not null } recorded)
        {
            speech = recorded;
        }
        else
        {
            language = Language.French;
            speech = voice.Say(wording.Write(reminder, language, onCall: true)!, language);
        }
        if (language.Code() != reminder.Language)
        {
            await db.Reminders.Where(r => r.Id == reminder.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Language, language.Code()), cancellationToken);
        }
        return (language, speech);
    }
}
