using TwilioFeedback.Conversations;
using TwilioFeedback.Resources;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>One message's effects, held in Redis until PostgreSQL takes them.</summary>
public sealed record HeldEffects(long PatientId, Channel Channel, string ProviderMessageId, DateTimeOffset ReceivedAt, IReadOnlyList<HeldEffect> Effects);

/// <summary>An <see cref="Effect"/> as JSON (the engine's records stay free of serialization concerns).</summary>
public sealed record HeldEffect(
    string Type, string? ConversationId = null, int? Rating = null, Language? Language = null, string? Text = null, bool? Append = null,
    bool? Confirmed = null, string? AudioId = null, string? AudioUrl = null, string? AudioContentType = null)
{
    public static HeldEffect From(Effect effect) => effect switch
    {
        SetLanguage e => new(nameof(SetLanguage), Language: e.Language),
        OptOut => new(nameof(OptOut)),
        OptIn => new(nameof(OptIn)),
        SaveRating e => new(nameof(SaveRating), e.ConversationId, e.Rating, e.Language),
        SaveComment e => new(nameof(SaveComment), e.ConversationId, Text: e.Text, Append: e.Append),
        AnswerReminder e => new(nameof(AnswerReminder), Confirmed: e.Confirmed),
        SaveVoiceComment e => new(nameof(SaveVoiceComment), e.ConversationId, AudioId: e.Audio.ProviderId, AudioUrl: e.Audio.Url, AudioContentType: e.Audio.ContentType),
        _ => throw new InvalidOperationException($"Effect {effect.GetType().Name} cannot be held."),
    };

    public Effect ToEffect() => Type switch
    {
        nameof(SetLanguage) => new SetLanguage(Language!.Value),
        nameof(OptOut) => new OptOut(),
        nameof(OptIn) => new OptIn(),
        nameof(SaveRating) => new SaveRating(ConversationId!, Rating!.Value, Language!.Value),
        nameof(SaveComment) => new SaveComment(ConversationId!, Text!, Append ?? false),
        nameof(AnswerReminder) => new AnswerReminder(Confirmed ?? false),
        nameof(SaveVoiceComment) => new SaveVoiceComment(ConversationId!, new InboundAudio(AudioId!, AudioUrl!, AudioContentType!)),
        _ => throw new InvalidOperationException($"Unknown held effect {Type}."),
    };
}
