namespace TwilioFeedback.Conversations;

/// <summary>How a survey treats one channel.</summary>
/// <param name="RetryLimit">How many misses (no answer, a wrong answer) a question forgives before the polite close.</param>
/// <param name="HonoursOptOut">Whether an opted-out patient is silenced here: opting out stops the messages we send
/// (SMS, WhatsApp), not a patient who calls or dials us.</param>
/// <param name="ResumeWithin">How long after a dropped session a patient who comes back resumes it (<see cref="SessionResume"/>);
/// null: each session starts afresh. Such a channel keeps one conversation per patient across its sessions.</param>
public sealed record ChannelRules(int RetryLimit, bool HonoursOptOut, TimeSpan? ResumeWithin = null);
