using System.ComponentModel.DataAnnotations;
using System.Net;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace TwilioFeedback.Scheduling.Email;

/// <summary>Email settings: SendGrid (<c>SENDGRID_API_KEY</c>) or the hospital's own SMTP server.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? SendGridApiKey { get; set; }

    /// <summary>SendGrid's API host; tests point it at a stub.</summary>
    public string SendGridHost { get; set; } = "https://api.sendgrid.com";

    [EmailAddress(ErrorMessage = "Email:FromAddress must be an email address.")]
    public string FromAddress { get; set; } = "no-reply@hospital.example";

    public string FromName { get; set; } = "Douala General Hospital";

    /// <summary>An SMTP host: used when no SendGrid key is set.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535, ErrorMessage = "Email:SmtpPort must be a port number.")]
    public int SmtpPort { get; set; } = 587;

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable.</summary>
    public SecureSocketOptions SmtpSecurity { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;

    public string? SmtpUsername { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>The secret path segment SendGrid's Event Webhook posts to (<c>/sendgrid/events/{secret}</c>); empty: off.</summary>
    public string? EventWebhookSecret { get; set; }

    public bool DryRun => string.IsNullOrWhiteSpace(SendGridApiKey) && string.IsNullOrWhiteSpace(SmtpHost);
}

/// <summary>What became of one email.</summary>
public sealed record EmailResult(string? MessageId, bool Permanent, string? Error)
{
    /// <summary>The provider's words, with any email or phone number in them masked (they reach the database and the logs).</summary>
    public string? Error { get; init; } = TwilioFeedback.Persistence.Privacy.Mask.Scrub(Error);

    public bool Succeeded => MessageId is not null;
}

/// <summary>Sends one plain-text email. The one way the server sends email; configuration picks the transport.</summary>
public interface IEmailSender
{
    Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken);
}

/// <summary>SendGrid v3 mail/send through the SendGrid package, on an HttpClient with resilience.</summary>
public sealed class SendGridEmailSender(IHttpClientFactory httpClients, IOptions<EmailOptions> options) : IEmailSender
{
    public const string HttpClientName = "sendgrid";

    public async Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions { ApiKey = settings.SendGridApiKey, Host = settings.SendGridHost });
        var message = MailHelper.CreateSingleEmail(new EmailAddress(settings.FromAddress, settings.FromName), new EmailAddress(to), subject, body, null);
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

/// <summary>SMTP through MailKit, for hospitals that run their own mail server.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        using var client = new SmtpClient();
        // Bounded like the HTTP providers: a reminder dispatcher's lease must outlast any one send.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProviderResilience.SendTimeout);
        try
        {
            await client.ConnectAsync(settings.SmtpHost ?? "", settings.SmtpPort, settings.SmtpSecurity, timeout.Token);
            if (!string.IsNullOrEmpty(settings.SmtpUsername))
            {
                await client.AuthenticateAsync(settings.SmtpUsername, settings.SmtpPassword ?? "", timeout.Token);
            }
            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(true, timeout.Token);
            return new EmailResult(message.MessageId, false, null);
        }
        catch (SmtpCommandException exception)
        {
            // 5xx replies (unknown mailbox, rejected) will not change on retry; 4xx will.
            return new EmailResult(null, (int)exception.StatusCode >= 500, $"SMTP {(int)exception.StatusCode}: {exception.Message}");
        }
        catch (Exception exception) when (exception is IOException or SmtpProtocolException or System.Net.Sockets.SocketException or AuthenticationException or OperationCanceledException)
        {
            return new EmailResult(null, false, exception.Message);
        }
    }
}
