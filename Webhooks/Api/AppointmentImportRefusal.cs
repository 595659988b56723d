using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// Why a whole file was refused: the English <paramref name="Reason"/> for integrators, and a <paramref name="Code"/> with
/// its values, which the import page words in its own language (i18n.js <c>appt.refused.*</c>).
/// </summary>
public sealed record AppointmentImportRefusal(string Code, IReadOnlyList<string> Args, string Reason, int Status = StatusCodes.Status400BadRequest)
{
    /// <summary>ProblemDetails with the reason as its title and <c>code</c> and <c>args</c> beside it.</summary>
    public ProblemHttpResult ToProblem() => TypedResults.Problem(statusCode: Status, title: Reason,
        extensions: new Dictionary<string, object?> { ["code"] = Code, ["args"] = Args });
}
