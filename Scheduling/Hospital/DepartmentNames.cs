using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;

namespace TwilioFeedback.Scheduling.Hospital;

/// <summary>How a department is named to a patient: its Resources text (<c>Department_{slug}</c>, which the studio may override) in the message's language, else its configured name as it reads.</summary>
public static class DepartmentNames
{
    public static string In(PatientTexts texts, string department, Language language) =>
        MessageKeys.Department(department) is { } key ? texts.Get(key, language) : HospitalOptions.DisplayName(department);
}
