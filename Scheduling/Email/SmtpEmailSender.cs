using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace TwilioFeedback.Scheduling.Email;

/// <summary>SMTP through MailKit, for hospitals that run their own mail server.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task<EmailResult> SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        if (!EmailAddresses.TryParse(to, out var address))
        {
            return EmailResult.Unusable;
        }
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(MailboxAddress.Parse(address));
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
