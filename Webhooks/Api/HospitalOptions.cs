using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Api;

/// <summary><c>Hospital</c>: the departments staff assign feedback to in the inbox.</summary>
public sealed class HospitalOptions
{
    public const string Section = "Hospital";

    /// <summary>Douala General Hospital's departments, used while <see cref="Departments"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultDepartments =
        ["maternity", "pharmacy", "emergency", "paediatrics", "surgery", "internal_medicine", "outpatients", "laboratory", "radiology"];

    /// <summary>Department names (lower-case <c>a-z0-9_</c>); a list set in configuration replaces the defaults.</summary>
    public List<string> Departments { get; set; } = [];

    /// <summary>The departments in force, in their configured order.</summary>
    public IReadOnlyList<string> DepartmentNames => Departments.Count > 0 ? Departments : DefaultDepartments;
}

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
