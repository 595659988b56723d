using Microsoft.Extensions.Options;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Webhooks.Observability;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// What every channel adapter calls: recognises retried messages, loads the patient and the state,
/// runs the engine, applies its effects, saves the state, and remembers the reply.
/// </summary>
public sealed partial class ConversationRunner(
    IConversationStore store,
    PatientCache patients,
    PendingEffects effects,
    SurveyDefinition survey,
    StudioCatalogue studio,
    TimeProvider clock,
    IOptions<ConversationOptions> options,
    WebhookMetrics metrics,
    ILogger<ConversationRunner> logger)
{
    public async Task<Reply> HandleAsync(Inbound inbound, CancellationToken cancellationToken)
    {
        var id = inbound.ProviderMessageId;
        // A call's or session's conversation is named by the message; a patient's, by the copy the claim reads.
        var session = survey.RulesFor(inbound.Channel).ResumeWithin is null ? inbound.SessionId : null;
        var claim = await store.ClaimAsync(id, patients.KeyFor(inbound.From), inbound.Channel, session, cancellationToken);
        if (claim.Replayed is { } replayed)
        {
            LogReplayed(logger, id);
            return replayed;
        }
        if (claim.Lease is not { } lease)
        {
            // Still being handled by another request after the wait: that one answers.
            LogInFlight(logger, id);
            return Reply.None(survey.DefaultLanguage);
        }

        await using (lease)
        {
            try
            {
                return await HandleClaimedAsync(inbound, session, claim, lease, cancellationToken);
            }
            catch
            {
                // Twilio will retry: let the retry run at once instead of waiting for the claim to run out.
                await lease.ReleaseAsync();
                throw;
            }
        }
    }

    private async Task<Reply> HandleClaimedAsync(Inbound inbound, string? session, MessageClaim claim, MessageLease lease, CancellationToken cancellationToken)
    {
        var conversation = claim.Conversation;
        try
        {
            // An invite's key is a rating whatever waits (ConversationEngine), so whether a reminder waits does not matter to it.
            var trustCopy = inbound.InvitedIn is not null || Answers.ParseYesNo(inbound.Answer, studio.Words) is null;
            var patient = await patients.FindOrCreateByPhoneAsync(inbound.From, claim.Companion, trustCopy, cancellationToken);
            // A channel whose dropped sessions resume (USSD) keeps one conversation per patient across its sessions.
            var subject = session ?? patient.Subject;
            if (conversation?.Subject != subject)
            {
                // Not opened with the claim (a new patient, a busy lock), or opened for a copy that named someone else.
                // One message at a time per conversation; past the wait, go on rather than drop the message.
                if (conversation is not null)
                {
                    await conversation.DisposeAsync(); // a second dispose in the finally does nothing
                }
                conversation = await store.OpenAsync(inbound.Channel, subject, patients.KeyFor(inbound.From), TimeSpan.FromSeconds(3), lease, cancellationToken);
                // The copy as it is under the lock: the message that held it may have changed the patient meanwhile (a STOP, a language).
                if (!conversation.PatientCopy.AsSpan().SequenceEqual(claim.Companion))
                {
                    patient = await patients.FindOrCreateByPhoneAsync(inbound.From, conversation.PatientCopy, trustCopy, cancellationToken);
                }
            }
            return await StepAsync(inbound, patient, conversation, cancellationToken);
        }
        finally
        {
            if (conversation is not null)
            {
                await conversation.DisposeAsync();
            }
        }
    }

    private async Task<Reply> StepAsync(Inbound inbound, PatientRecord patient, IOpenConversation conversation, CancellationToken cancellationToken)
    {
        var id = inbound.ProviderMessageId;
        var now = clock.GetUtcNow();
        var timeToLive = options.Value.TimeToLive(inbound.Channel);
        var state = conversation.State;
        if (state is not null && now - state.UpdatedAt > timeToLive)
        {
            state = null;
        }

        // The languages live on the channel (every language for a preview number) and the words, as the studio set them.
        var outcome = ConversationEngine.Handle(survey with { Offer = studio.OfferFor(inbound.From), Words = studio.Words }, state, patient.Snapshot, inbound, now);
        var applied = await effects.ApplyAsync(patient, inbound, outcome.Effects, conversation.HeldEffects > 0, cancellationToken);
        if (applied == EffectsApplied.Replay)
        {
            // A replay older than the reply window: the conversation stays as it is, and the answer is empty.
            var none = Reply.None(outcome.Reply.Language);
            await conversation.CommitAsync(conversation.State, timeToLive, id, none, options.Value.ReplayWindow);
            return none;
        }
        if (applied == EffectsApplied.AnsweredClosedVisit)
        {
            // Only the database knows the visit is over or off: "confirmed" would be untrue (issue 17).
            outcome = outcome with { Reply = outcome.Reply with { Prompts = [new Prompt(Resources.Texts.MessageKeys.ReminderVisitClosed, [])] } };
        }
        await conversation.CommitAsync(outcome.Next, timeToLive, id, outcome.Reply, options.Value.ReplayWindow);
        metrics.ConversationStep(inbound.Channel, state, outcome);

        if (logger.IsEnabled(LogLevel.Debug))
        {
            // Masking the number costs a string: only for a line that is written.
            LogHandled(logger, inbound.Channel, id, patient.ExternalId, Mask.Phone(inbound.From), state?.QuestionId ?? "new", outcome.Next?.QuestionId ?? "closed");
        }
        return outcome.Reply;
    }

    // Debug: a line a message costs a tenth of the server's CPU at full load (console formatting and
    // writes); the metrics count messages and steps. Logging__LogLevel__TwilioFeedback=Debug shows them.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "{Channel} message {MessageId} from {PatientId} ({Phone}): {From} → {To}")]
    private static partial void LogHandled(ILogger logger, Channel channel, string messageId, string patientId, string phone, string from, string to);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Message {MessageId} was handled before: same reply sent again")]
    private static partial void LogReplayed(ILogger logger, string messageId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Message {MessageId} is still being handled by another request after the wait: empty reply")]
    private static partial void LogInFlight(ILogger logger, string messageId);
}
