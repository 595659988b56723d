using System.ComponentModel.DataAnnotations;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>Each <c>Simulator:TestNumbers</c> entry is <c>+</c> and 4 to 14 digits.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SimulatorPrefixesAttribute() : ValidationAttribute("Simulator:TestNumbers must be prefixes such as +2370000 (+ and 4 to 14 digits).")
{
    public override bool IsValid(object? value) =>
        value is not string[] prefixes || prefixes.All(p => p is { Length: >= 5 and <= 15 } && p[0] == '+' && p[1..].All(char.IsAsciiDigit));
}

/// <summary>The simulator (<c>Simulator:*</c>): what an SMS costs, where the server reaches itself, who may use it.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Estimated price of one SMS segment, shown beside each message (an example rate: set your own).</summary>
    [Range(typeof(decimal), "0", "100", ErrorMessage = "Simulator:PricePerSegment must be from 0 to 100.")]
    public decimal PricePerSegment { get; set; } = 0.05m;

    [Required(ErrorMessage = "Simulator:Currency is required.")]
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Simulator:Currency must be a three-letter code such as USD or XAF.")]
    public string Currency { get; set; } = "USD";

    /// <summary>Where the simulator posts its signed requests; empty: the server's own listening address.</summary>
    [Url(ErrorMessage = "Simulator:BaseAddress must be an absolute URL.")]
    public string? BaseAddress { get; set; }

    /// <summary>The number patients write to, when <c>Twilio:PhoneNumber</c> is not set.</summary>
    public string HospitalNumber { get; set; } = "+237233000000";

    /// <summary>The USSD code shown and sent as <c>serviceCode</c>.</summary>
    public string UssdServiceCode { get; set; } = "*384#";

    /// <summary>
    /// Prefixes of the numbers the simulator may speak for (E.164, e.g. <c>+2370000</c>); empty: that
    /// default range, which no Cameroonian phone can have.
    /// </summary>
    [SimulatorPrefixes]
    public string[]? TestNumbers { get; set; }

    /// <summary>Simulated steps a minute per person (or, without a token, per address): its own budget, apart from the API's and the patients'.</summary>
    [Range(1, 100_000, ErrorMessage = "Simulator:PermitsPerMinute must be from 1 to 100000.")]
    public int PermitsPerMinute { get; set; } = 120;

    /// <summary>Lets anyone on the page use the simulator without a token: for local runs only (always so in Development).</summary>
    public bool AllowAnonymous { get; set; }
}
