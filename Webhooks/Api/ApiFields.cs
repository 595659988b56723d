using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>Fields every API body shares, checked the same way everywhere.</summary>
internal static class ApiFields
{
    /// <summary>The hospital's patient id: up to 64 letters, digits, '-' or '_'.</summary>
    public static string? PatientId(string? value, Dictionary<string, string[]> errors)
    {
        var patientId = value?.Trim();
        if (string.IsNullOrEmpty(patientId) || patientId.Length > 64 || !patientId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors["patient_id"] = ["patient_id is required: up to 64 letters, digits, '-' or '_'."];
            return null;
        }
        return patientId;
    }

    /// <summary>A language as the seed named it (english, douala…) or by code (en, dua…).</summary>
    public static Language Language(string? value, Dictionary<string, string[]> errors)
    {
        if (!Languages.TryParse(value, out var language))
        {
            errors["language"] = ["language must be one of english, french, douala, bassa, ewondo (or en, fr, dua, bas, ewo)."];
        }
        return language;
    }
}
