using PhoneNumbers;

namespace TwilioFeedback.Scheduling.Appointments;

/// <summary>A phone number as an appointment gives it, in E.164 (libphonenumber; Cameroon, +237, without a country code).</summary>
public static class AppointmentPhones
{
    public static string? Normalize(string value)
    {
        var trimmed = value.Trim();
        // A number has at most 15 digits; the cap keeps the parser off pathological input.
        if (trimmed.Length is 0 or > 32)
        {
            return null;
        }
        try
        {
            var util = PhoneNumberUtil.GetInstance();
            var number = util.Parse(trimmed, "CM");
            return util.IsValidNumber(number) ? util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
