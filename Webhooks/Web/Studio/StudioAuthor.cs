using System.Security.Claims;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>Who writes or reviews: the user id (<c>sub</c>) that authorship is compared by, and the name shown.</summary>
public sealed record StudioAuthor(string Id, string Name)
{
    public static StudioAuthor Of(ClaimsPrincipal user)
    {
        var id = user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("A studio call without a signed-in user.");
        return new StudioAuthor(id, user.FindFirst("name")?.Value ?? id);
    }
}
