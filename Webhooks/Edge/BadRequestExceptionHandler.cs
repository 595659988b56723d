using Microsoft.AspNetCore.Diagnostics;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>
/// Turns the request errors we expect (bodies too large, malformed forms or JSON) into a 4xx
/// ProblemDetails; anything else stays a 500 for the default handler.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: var code } => (code, "The request could not be read."),
            // The form reader's limits (value length, count) are the only InvalidDataException we expect.
            InvalidDataException when exception.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                => (StatusCodes.Status413PayloadTooLarge, "A form value is larger than this endpoint accepts."),
            // A body that cannot be read as what it claims: a NUL in a form value, a multipart body without
            // its boundary, a Content-Encoding: gzip body that is not gzip.
            InvalidDataException => (StatusCodes.Status400BadRequest, "The request body could not be read."),
            IOException when exception.Source == "Microsoft.AspNetCore.WebUtilities" => (StatusCodes.Status400BadRequest, "The request body could not be read."),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Title = title },
            Exception = exception,
        });
    }
}
