namespace TwilioFeedback.Resources.Texts;

/// <summary>Marker for the patient-facing texts in Messages.*.resx, read through IStringLocalizer.</summary>
public sealed class Messages;
