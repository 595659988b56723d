using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Scheduling.Hospital;

/// <summary>Checks <c>Hospital:Departments</c> at start-up, naming the setting that is wrong.</summary>
public sealed partial class HospitalOptionsValidator : IValidateOptions<HospitalOptions>
{
    public const int MaxDepartments = 50;

    public ValidateOptionsResult Validate(string? name, HospitalOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Departments.Count; i++)
        {
            if (!DepartmentName().IsMatch(options.Departments[i] ?? ""))
            {
                failures.Add($"Hospital:Departments:{i}: a department name is 1–32 lower-case letters, digits or '_', starting with a letter.");
            }
        }
        if (options.Departments.Count > MaxDepartments)
        {
            failures.Add($"Hospital:Departments holds at most {MaxDepartments} departments.");
        }
        if (options.Departments.Distinct(StringComparer.Ordinal).Count() != options.Departments.Count)
        {
            failures.Add("Hospital:Departments names a department twice.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,31}$")]
    private static partial Regex DepartmentName();
}
