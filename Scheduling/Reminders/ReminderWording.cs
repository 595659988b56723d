using System.Text.Json;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Appointments;

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
    /// The text to send for <paramref name="reminder"/> (its patient and appointment loaded) in <paramref name="language"/>,
    /// or null when it is free text, or a template whose values were not kept (rows from before they were).
    /// </summary>
    public string? Write(Reminder reminder, Language language)
    {
        if (reminder.Template is null)
        {
            return null;
        }
        string key;
        IReadOnlyDictionary<string, string> values;
        if (reminder.Appointment is { } appointment && AppointmentTexts.Keys.TryGetValue(reminder.Template, out var appointmentKey))
        {
            (key, values) = (appointmentKey, AppointmentTexts.Values(appointment, language, _zone));
        }
        else if (MessageKeys.Templates.TryGetValue(reminder.Template, out var template) && (reminder.TemplateValues is not null || template.Parameters.Length == 0))
        {
            key = template.Key;
            values = reminder.TemplateValues is { } kept ? JsonSerializer.Deserialize<Dictionary<string, string>>(kept) ?? [] : [];
        }
        else
        {
            return null;
        }
        var text = Placeholders.Fill(texts.Get(key, language), values);
        if (reminder.Confirm)
        {
            text += " " + texts.Get(MessageKeys.ReminderConfirmPrompt, language);
        }
        return SafeText.Clean(text, MaxLength);
    }

    /// <summary>
    /// Writes the reminder afresh for sending, in its patient's current language (the language on the row when they
    /// have none), or that language's fallback where it is not live on each of the reminder's channels.
    /// </summary>
    public void Refresh(Reminder reminder)
    {
        var wanted = Languages.FromCode(reminder.Patient.PreferredLanguage) ?? Languages.FromCode(reminder.Language) ?? Language.French;
        var language = languages.ServeOn(wanted, reminder.Channels);
        if (Write(reminder, language) is { } text)
        {
            reminder.Message = text;
            reminder.Language = language.Code();
        }
    }

    public const int MaxLength = 1600;
}
