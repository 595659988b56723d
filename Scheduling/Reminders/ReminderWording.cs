using System.Text.Json;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Hospital;

namespace TwilioFeedback.Scheduling.Reminders;

/// <summary>
/// Writes a template reminder in the patient's language as it is when the reminder goes out (not as it was
/// when it was scheduled): an appointment's texts from the appointment, other templates from the values kept
/// on the row. A free-text message stays as written.
/// </summary>
public sealed class ReminderWording(PatientTexts texts, IReminderLanguages languages, IOptions<ReminderOptions> options)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    /// <summary>The template's values as kept on the row.</summary>
    public static string Keep(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values);

    /// <summary>
    /// The Resources key of <paramref name="reminder"/>'s template and its values in <paramref name="language"/> (an appointment's
    /// department named in that language), or null when it is free text, or a template whose values were not kept (rows from before they were).
    /// </summary>
    public (string Key, IReadOnlyDictionary<string, string> Values)? Template(Reminder reminder, Language language)
    {
        if (reminder.Template is null)
        {
            return null;
        }
        if (reminder.Appointment is { } appointment && AppointmentTexts.Keys.TryGetValue(reminder.Template, out var appointmentKey))
        {
            return (appointmentKey, AppointmentTexts.Values(appointment, language, _zone, DepartmentNames.In(texts, appointment.Department, language)));
        }
        if (MessageKeys.Templates.TryGetValue(reminder.Template, out var template) && (reminder.TemplateValues is not null || template.Parameters.Length == 0))
        {
            return (template.Key, reminder.TemplateValues is { } kept ? JsonSerializer.Deserialize<Dictionary<string, string>>(kept) ?? [] : []);
        }
        return null;
    }

    /// <summary>
    /// The text to send for <paramref name="reminder"/> (its patient and appointment loaded) in <paramref name="language"/>,
    /// or null when it is free text, or a template whose values were not kept (rows from before they were). <paramref name="onCall"/>:
    /// as a call says it, the template's spoken form where it has one (<c>Voice_…</c>: "press a key", not "reply"), without the
    /// written 1-or-2 question (a call asks it with its own keypad prompt).
    /// </summary>
    public string? Write(Reminder reminder, Language language, bool onCall = false)
    {
        if (Template(reminder, language) is not var (key, values))
        {
            return null;
        }
        var text = Placeholders.Fill(texts.Get(onCall ? MessageKeys.For(MessageKeys.VoicePrefix, key) : key, language), values);
        if (reminder.Confirm && !onCall)
        {
            text += " " + texts.Get(MessageKeys.ReminderConfirmPrompt, language);
        }
        return SafeText.Clean(text, MaxLength);
    }

    /// <summary>
    /// The language <paramref name="reminder"/> goes out in on <paramref name="channels"/>: its patient's current language (the language
    /// on the row when they have none), or that language's fallback where it is not live on each of them.
    /// </summary>
    public Language ServeOn(Reminder reminder, IReadOnlyList<string> channels) =>
        languages.ServeOn(Languages.FromCode(reminder.Patient.PreferredLanguage) ?? Languages.FromCode(reminder.Language) ?? Language.French, channels);

    /// <summary>Writes the reminder afresh for sending, in the language of <see cref="ServeOn"/> on each of the reminder's channels.</summary>
    public void Refresh(Reminder reminder)
    {
        var language = ServeOn(reminder, reminder.Channels);
        if (Write(reminder, language) is { } text)
        {
            reminder.Message = text;
            reminder.Language = language.Code();
        }
    }

    public const int MaxLength = 1600;
}
