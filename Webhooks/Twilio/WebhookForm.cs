using Microsoft.AspNetCore.Http.HttpResults;

namespace TwilioFeedback.Webhooks.Twilio;

/// <summary>
/// Binds a provider's form POST once into the record a handler takes as a parameter. Binding runs
/// before the endpoint filters, so it never refuses a request itself: a form it cannot accept becomes
/// the record's <c>Problem</c>, which the handler returns after the signature filter has had its say.
/// </summary>
public static class WebhookForm
{
    public const string NotATwilioForm = "Expected a form POST from Twilio.";

    /// <summary>
    /// <paramref name="parse"/> gets the form (read once: the signature filter reads the same cached
    /// collection) and no problem, or an empty form and the 415 titled <paramref name="notAFormTitle"/>.
    /// </summary>
    public static ValueTask<T> BindAsync<T>(HttpContext context, Func<IFormCollection, ProblemHttpResult?, T> parse, string notAFormTitle = NotATwilioForm)
    {
        var request = context.Request;
        if (!request.HasFormContentType)
        {
            return ValueTask.FromResult(parse(FormCollection.Empty, Refuse(StatusCodes.Status415UnsupportedMediaType, notAFormTitle)));
        }
        // A body that has already arrived completes at once: no state machine on the hot path.
        var reading = request.ReadFormAsync(context.RequestAborted);
        return reading.IsCompletedSuccessfully ? ValueTask.FromResult(parse(reading.Result, null)) : ParseAsync(reading, parse);

        static async ValueTask<T> ParseAsync(Task<IFormCollection> reading, Func<IFormCollection, ProblemHttpResult?, T> parse) =>
            parse(await reading, null);
    }

    /// <summary>A fresh ProblemDetails each time: the writer adds the request's trace id to it.</summary>
    public static ProblemHttpResult Refuse(int statusCode, string title) => TypedResults.Problem(statusCode: statusCode, title: title);

    public static ProblemHttpResult BadRequest(string title) => Refuse(StatusCodes.Status400BadRequest, title);
}
