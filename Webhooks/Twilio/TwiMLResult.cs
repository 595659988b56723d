using System.Text;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>Writes TwiML with <c>Content-Type: text/xml; charset=utf-8</c>.</summary>
public sealed class TwiMLResult(TwiML response) : IResult, IContentTypeHttpResult, IStatusCodeHttpResult
{
    public string ContentType => "text/xml; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string Document { get; } = response.ToString();

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        return httpContext.Response.WriteAsync(Document, Encoding.UTF8);
    }
}
