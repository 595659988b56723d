using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Scheduling.Recordings;

/// <summary>How recordings travel from Twilio to our database.</summary>
public sealed class RecordingOptions
{
    public const string Section = "Recordings";

    /// <summary>Delete the recording at Twilio once it is stored here (default on: one copy, ours).</summary>
    public bool DeleteFromTwilio { get; set; } = true;

    [Range(1, 20, ErrorMessage = "Recordings:MaxAttempts must be from 1 to 20.")]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Largest recording fetched (a 2-minute call recording in WAV is about 2 MB).</summary>
    [Range(1024, 100 * 1024 * 1024, ErrorMessage = "Recordings:MaxBytes must be from 1 KiB to 100 MiB.")]
    public int MaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Hosts a media URL may redirect to (one hop, https, fetched without credentials): Twilio's CDN.
    /// Null: <see cref="DefaultRedirectHosts"/>.
    /// </summary>
    public string[]? MediaRedirectHosts { get; set; }

    public static readonly IReadOnlyList<string> DefaultRedirectHosts = ["mms.twiliocdn.com", "s3-external-1.amazonaws.com"];

    public IReadOnlyList<string> AllowedRedirectHosts => MediaRedirectHosts ?? DefaultRedirectHosts;

    /// <summary>The recordings client follows no redirect itself: <see cref="RecordingFetcher"/> decides which one to follow.</summary>
    public static HttpMessageHandler Handler() => new SocketsHttpHandler { AllowAutoRedirect = false };
}
