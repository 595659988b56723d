using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace TwilioFeedback.Webhooks.Api.Fhir;

/// <summary>FHIR answers: a resource as <c>application/fhir+json</c> with a status, and the OperationOutcomes we send.</summary>
public static class FhirOutcomes
{
    public const string ContentType = "application/fhir+json";

    /// <summary>An OperationOutcome with one issue: <paramref name="severity"/> error for refusals, information for what was done.</summary>
    public static OperationOutcome Outcome(OperationOutcome.IssueType code, string diagnostics, string? expression = null,
        OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Error) => new()
    {
        Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics, Expression = expression is null ? [] : [expression] }],
    };

    /// <summary>The resource as FHIR JSON with <paramref name="status"/> (and a Location when given).</summary>
    public static IResult Result(int status, Resource resource, string? location = null) => new FhirResult(status, resource, location);

    private sealed class FhirResult(int status, Resource resource, string? location) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = ContentType;
            if (location is not null)
            {
                httpContext.Response.Headers.Location = location;
            }
            await httpContext.Response.WriteAsync(resource.ToJson(), httpContext.RequestAborted);
        }
    }
}
