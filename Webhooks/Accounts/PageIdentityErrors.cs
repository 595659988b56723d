using Microsoft.AspNetCore.Identity;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>
/// Identity's errors with the value each one names kept apart, so the account pages can say them in the page's
/// language: i18n.js has <c>identity.{Code}</c> for every code, English and French. The description stays
/// Identity's own English (the admin command prints it).
/// </summary>
public sealed class PageIdentityErrors : IdentityErrorDescriber
{
    /// <summary>An error and the value its text names (a user name, an email, a length), or null.</summary>
    public sealed class Error : IdentityError
    {
        public string? Value { get; init; }
    }

    /// <summary>Every error this describer words: each has an <c>identity.{Code}</c> text in i18n.js.</summary>
    public static IReadOnlyList<IdentityError> All()
    {
        var d = new PageIdentityErrors();
        return
        [
            d.DefaultError(), d.ConcurrencyFailure(), d.PasswordMismatch(), d.InvalidToken(), d.RecoveryCodeRedemptionFailed(),
            d.LoginAlreadyAssociated(), d.InvalidUserName("x y"), d.InvalidEmail("x y"), d.DuplicateUserName("nurse@dgh.example"),
            d.DuplicateEmail("nurse@dgh.example"), d.InvalidRoleName("x y"), d.DuplicateRoleName("staff"), d.UserAlreadyHasPassword(),
            d.UserLockoutNotEnabled(), d.UserAlreadyInRole("staff"), d.UserNotInRole("staff"), d.PasswordTooShort(12),
            d.PasswordRequiresUniqueChars(4), d.PasswordRequiresNonAlphanumeric(), d.PasswordRequiresDigit(), d.PasswordRequiresLower(),
            d.PasswordRequiresUpper(),
        ];
    }

    private static Error Named(IdentityError error, string? value = null) => new() { Code = error.Code, Description = error.Description, Value = value };

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override IdentityError DefaultError() => Named(base.DefaultError());
    public override IdentityError ConcurrencyFailure() => Named(base.ConcurrencyFailure());
    public override IdentityError PasswordMismatch() => Named(base.PasswordMismatch());
    public override IdentityError InvalidToken() => Named(base.InvalidToken());
    public override IdentityError RecoveryCodeRedemptionFailed() => Named(base.RecoveryCodeRedemptionFailed());
    public override IdentityError LoginAlreadyAssociated() => Named(base.LoginAlreadyAssociated());
    public override IdentityError InvalidUserName(string? userName) => Named(base.InvalidUserName(userName), userName);
    public override IdentityError InvalidEmail(string? email) => Named(base.InvalidEmail(email), email);
    public override IdentityError DuplicateUserName(string userName) => Named(base.DuplicateUserName(userName), userName);
    public override IdentityError DuplicateEmail(string email) => Named(base.DuplicateEmail(email), email);
    public override IdentityError InvalidRoleName(string? role) => Named(base.InvalidRoleName(role), role);
    public override IdentityError DuplicateRoleName(string role) => Named(base.DuplicateRoleName(role), role);
    public override IdentityError UserAlreadyHasPassword() => Named(base.UserAlreadyHasPassword());
    public override IdentityError UserLockoutNotEnabled() => Named(base.UserLockoutNotEnabled());
    public override IdentityError UserAlreadyInRole(string role) => Named(base.UserAlreadyInRole(role), role);
    public override IdentityError UserNotInRole(string role) => Named(base.UserNotInRole(role), role);
    public override IdentityError PasswordTooShort(int length) => Named(base.PasswordTooShort(length), Number(length));
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) => Named(base.PasswordRequiresUniqueChars(uniqueChars), Number(uniqueChars));
    public override IdentityError PasswordRequiresNonAlphanumeric() => Named(base.PasswordRequiresNonAlphanumeric());
    public override IdentityError PasswordRequiresDigit() => Named(base.PasswordRequiresDigit());
    public override IdentityError PasswordRequiresLower() => Named(base.PasswordRequiresLower());
    public override IdentityError PasswordRequiresUpper() => Named(base.PasswordRequiresUpper());

    /// <summary>
    /// The refusal as the account pages show it: each error a sentence with its <c>identity.{Code}</c> key (and its
    /// value as the text's <c>{0}</c>), so i18n.js words it in the page's language; Identity's English until then.
    /// </summary>
    public static string Alert(IEnumerable<IdentityError> errors) =>
        "<p role=\"alert\" class=\"warning\">" + string.Join(" ", errors.Select(e => e is Error { } known
            ? $"<span data-t=\"identity.{AccountPage.E(known.Code)}\"{(known.Value is null ? "" : $" data-t-arg=\"{AccountPage.E(known.Value)}\"")}>{AccountPage.E(known.Description)}</span>"
            : $"<span>{AccountPage.E(e.Description)}</span>")) + "</p>";
}
