using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Webhooks.Accounts;

/// <summary>Identity on our database, the session cookie, data-protection keys in PostgreSQL, set-up and invitation links.</summary>
public static class AccountServices
{
    public const string CookieName = "tf_session";

    public static IServiceCollection AddStaffAccounts(this IServiceCollection services)
    {
        services.AddIdentity<StaffUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireDigit = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.Lockout.AllowedForNewUsers = true;
                options.SignIn.RequireConfirmedAccount = false;
                // The same claim names as our JWTs, so the audit log and the policies read both alike.
                options.ClaimsIdentity.UserNameClaimType = "name";
                options.ClaimsIdentity.RoleClaimType = "role";
                options.ClaimsIdentity.UserIdClaimType = "sub";
            })
            .AddEntityFrameworkStores<FeedbackDbContext>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<PageIdentityErrors>()
            .AddTokenProvider<OneUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider);
        // The password policy is a setting (Accounts:Password:*, Identity's PasswordOptions), checked at start-up.
        services.AddOptions<IdentityOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection("Accounts:Password").Bind(options.Password))
            .Validate(o => o.Password.RequiredLength is >= 8 and <= 128, "Accounts:Password:RequiredLength must be from 8 to 128.")
            .Validate(o => o.Password.RequiredUniqueChars >= 1 && o.Password.RequiredUniqueChars <= o.Password.RequiredLength,
                "Accounts:Password:RequiredUniqueChars must be from 1 to Accounts:Password:RequiredLength.")
            .ValidateOnStart();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.LoginPath = "/account/signin";
            cookie.LogoutPath = "/account/signout";
            cookie.AccessDeniedPath = "/account/denied";
            cookie.Events.OnSigningIn = context =>
            {
                // Secure everywhere but on this machine (scripts/run serves http://localhost).
                context.CookieOptions.Secure = !IsLocal(context.Request);
                return Task.CompletedTask;
            };
            cookie.Events.OnRedirectToLogin = context => ApiOr(context.Request, context.Response, StatusCodes.Status401Unauthorized, context.RedirectUri);
            cookie.Events.OnRedirectToAccessDenied = context => ApiOr(context.Request, context.Response, StatusCodes.Status403Forbidden, context.RedirectUri);
        });
        // A disabled account or changed roles reach open sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAntiforgery(options =>
        {
            options.HeaderName = "X-CSRF-TOKEN";
            options.Cookie.Name = "tf_csrf";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddDataProtection().SetApplicationName("twilio-feedback").PersistKeysToDbContext<FeedbackDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<DataCipher>((options, cipher) => options.XmlEncryptor = new DataCipherXmlEncryptor(cipher));
        services.AddScoped<AccountLinks>();
        services.AddScoped<AccountAudit>();
        services.AddHostedService<FirstAdminLinkPrinter>();
        services.AddOptions<SignInBudgetOptions>().BindConfiguration("RateLimits").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInBudget>();
        return services;
    }

    internal static bool IsLocal(HttpRequest request) =>
        request.Host.Host is "localhost" or "127.0.0.1" or "[::1]" or "::1";

    /// <summary>
    /// Scripts get the status, never a redirect to the sign-in page: a fetch follows the redirect, and the
    /// sign-in page it then renders sets an antiforgery cookie of its own. The dashboard's signed-out
    /// <c>/account/me</c> did that while the page itself was going to the sign-in page, so the browser could
    /// keep the fetch's cookie beside the page's form token: "Form expired" on the first sign-in.
    /// </summary>
    internal static bool WantsStatus(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/account/me")
        || (request.Headers.Accept.ToString() is var accept && accept.Contains("application/json", StringComparison.OrdinalIgnoreCase)
            && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    private static Task ApiOr(HttpRequest request, HttpResponse response, int status, string redirect)
    {
        if (WantsStatus(request))
        {
            response.StatusCode = status;
        }
        else
        {
            response.Redirect(redirect);
        }
        return Task.CompletedTask;
    }
}
