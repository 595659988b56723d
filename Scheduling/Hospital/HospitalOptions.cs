namespace TwilioFeedback.Scheduling.Hospital;

/// <summary><c>Hospital</c>: the hospital's one list of departments, which the inbox assigns feedback to and appointments are booked into.</summary>
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

    /// <summary>
    /// The department's name for <paramref name="name"/> written as its name (<c>internal_medicine</c>) or as a hospital
    /// system displays it (<c>Internal Medicine</c>, <c>INTERNAL-MEDICINE</c>): case, spaces and hyphens do not count.
    /// Null when the hospital has no such department.
    /// </summary>
    public string? KnownDepartment(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var slug = string.Join('_', name.Trim().ToLowerInvariant().Split([' ', '\t', '-', '_'], StringSplitOptions.RemoveEmptyEntries));
        return DepartmentNames.FirstOrDefault(d => string.Equals(d, slug, StringComparison.Ordinal));
    }

    /// <summary>How a department's name reads in a message to a patient: <c>internal_medicine</c> → <c>Internal medicine</c>.</summary>
    public static string DisplayName(string department) =>
        department.Length == 0 ? department : char.ToUpperInvariant(department[0]) + department[1..].Replace('_', ' ');
}
