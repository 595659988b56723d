using System.Net;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace TwilioFeedback.Scheduling.Email;

/// <summary>SendGrid v3 mail/send through the SendGrid package, on an HttpClient with resilience.</summary>
public sealed class SendGridEmailSender(IHttpClientFactory httpClients, IOptions<EmailOptions> options) : IEmailSender
{
    public const string HttpClientName = "sendgrid";

    public async Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        if (!EmailAddresses.TryParse(to, out var address))
        {
            return EmailResult.Unusable;
        }
        var settings = options.Value;
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions { ApiKey = settings.SendGridApiKey, Host = settings.SendGridHost });
        var message = MailHelper.CreateSingleEmail(new EmailAddress(settings.FromAddress, settings.FromName), new EmailAddress(address), subject, body, null);
        try
        {
            var response = await client.SendEmailAsync(message, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return new EmailResult(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.First() : "", false, null);
            }
            var permanent = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.RequestEntityTooLarge;
            return new EmailResult(null, permanent, $"SendGrid {(int)response.StatusCode}: {await response.Body.ReadAsStringAsync(cancellationToken)}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or Polly.ExecutionRejectedException)
        {
            return new EmailResult(null, false, exception.Message);
        }
    }
}
