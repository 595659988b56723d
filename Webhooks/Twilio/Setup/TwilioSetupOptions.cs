using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Webhooks.Twilio.Setup;

/// <summary>Where Twilio's Messaging v1 API lives (<c>Twilio:MessagingApiBaseUrl</c>; tests point it at a stub).</summary>
public sealed class TwilioSetupOptions
{
    [Required(ErrorMessage = "Twilio:MessagingApiBaseUrl is required.")]
    [Url(ErrorMessage = "Twilio:MessagingApiBaseUrl must be an absolute URL.")]
    public string MessagingApiBaseUrl { get; set; } = "https://messaging.twilio.com";
}
