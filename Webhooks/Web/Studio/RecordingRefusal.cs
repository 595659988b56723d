using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Web.Studio;

/// <summary>
/// Why the studio refused a take or a step: the English <paramref name="Detail"/>, and a
/// <paramref name="Code"/> with its numbers, which the page words in its own language (i18n.js <c>rec.refused.*</c>).
/// </summary>
public sealed record RecordingRefusal(string Code, IReadOnlyList<double> Args, string Detail)
{
    /// <summary>ProblemDetails with <c>code</c> and <c>args</c> beside the English detail.</summary>
    public ProblemHttpResult ToProblem(int status, string title) => TypedResults.Problem(statusCode: status, title: title, detail: Detail,
        extensions: new Dictionary<string, object?> { ["code"] = Code, ["args"] = Args });
}
