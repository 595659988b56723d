using Microsoft.AspNetCore.Identity;

namespace TwilioFeedback.Persistence.Accounts;

/// <summary>A member of staff who signs in: Identity's user, plus a name to show and a switch an admin turns off.</summary>
public sealed class StaffUser : IdentityUser
{
    /// <summary>The <c>display_name</c> column's length: the forms' <c>maxlength</c> and the server's check.</summary>
    public const int DisplayNameLength = 128;

    public string DisplayName { get; set; } = "";

    /// <summary>Set by an admin (users page or <c>scripts/admin disable</c>): no sign-in, no token works.</summary>
    public bool Disabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
