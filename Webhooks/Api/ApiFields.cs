using PhoneNumbers;
using TwilioFeedback.Resources;
using TwilioFeedback.Scheduling.Email;

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

    /// <summary>A phone number in E.164 (libphonenumber; Cameroon without a country code); null when absent or invalid.</summary>
    public static string? PhoneNumber(string? value, Dictionary<string, string[]> errors, string field = "phone_number")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            // A number has at most 15 digits; the cap keeps the parser off pathological input.
            var number = value.Length <= 32 ? util.Parse(value, "CM") : null;
            if (number is not null && util.IsValidNumber(number))
            {
                return util.Format(number, PhoneNumberFormat.E164);
            }
        }
        catch (NumberParseException)
        {
        }
        errors[field] = [$"{field} is not a valid number (Cameroon is assumed without a country code)."];
        return null;
    }

    /// <summary>One email address, as the senders parse it (<see cref="EmailAddresses"/>): the bare address; null when absent or invalid.</summary>
    public static string? Email(string? value, Dictionary<string, string[]> errors, string hint = "")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (!EmailAddresses.TryParse(value, out var address))
        {
            errors["email"] = [$"email must be one address, as name@domain.example{hint}."];
            return null;
        }
        return address;
    }
}
