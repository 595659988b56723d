namespace TwilioFeedback.Persistence.Accounts;

/// <summary>The three roles: admins run accounts and everything staff do; translators reach only the language studio.</summary>
public static class StaffRoles
{
    public const string Admin = "admin";
    public const string Staff = "staff";
    public const string Translator = "translator";

    public static readonly IReadOnlyList<string> All = [Admin, Staff, Translator];
}
