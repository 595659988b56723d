using System.ComponentModel.DataAnnotations;
using MailKit.Security;
using SendGrid.Helpers.Mail;

namespace TwilioFeedback.Scheduling.Email;

/// <summary>Email settings: SendGrid (<c>SENDGRID_API_KEY</c>) or the hospital's own SMTP server.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? SendGridApiKey { get; set; }

    /// <summary>SendGrid's API host; tests point it at a stub.</summary>
    public string SendGridHost { get; set; } = "https://api.sendgrid.com";

    /// <summary>Checked at start-up with the senders' own parser (<see cref="EmailAddresses"/>).</summary>
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
