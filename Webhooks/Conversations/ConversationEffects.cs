using Coravel.Queuing.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Resources;
using TwilioFeedback.Conversations;
using TwilioFeedback.Persistence;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Scheduling.Recordings;
using TwilioFeedback.Webhooks.Observability;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Conversations;

/// <summary>
/// The one place where the engine's effects reach the database. Each is idempotent: the same message
/// applied twice changes nothing the second time (unique conversation and message ids).
/// </summary>
public sealed class ConversationEffects(
    FeedbackDbContext db, DataCipher cipher, TimeProvider clock, IQueue queue, WebhookMetrics metrics, ReminderTransitions reminders, IOptions<ConversationOptions> options, StatementBatcher statements)
{
    /// <summary>Longest comment kept; longer ones are cut (a WhatsApp message holds 4,096 characters).</summary>
    public const int MaxCommentLength = 4000;

    /// <summary>
    /// Applies the effects; returns false when the message changes state (opt-out, opt-in, language,
    /// reminder answer) and <c>processed_messages</c> says it was applied before: then nothing is applied.
    /// A record made within the reply window while this request holds the message's claim (so no reply was
    /// saved) means the request that applied it died before saving the conversation: the effects are in
    /// place, and true lets this one save the step and answer as that one would have.
    /// </summary>
    /// <returns><see cref="EffectsApplied.Replay"/> where false is described above.</returns>
    public async Task<EffectsApplied> ApplyAsync(PatientRecord patient, Inbound inbound, IReadOnlyList<Effect> effects, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!effects.Any(ChangesState))
        {
            return await ApplyEachAsync(patient, inbound, effects, now, cancellationToken);
        }
        if (effects is [SetLanguage language])
        {
            return await SetLanguageOnceAsync(patient, inbound, language, now, cancellationToken) ? EffectsApplied.Applied : EffectsApplied.Replay;
        }
        // The record and the effects in one transaction: a replay months later (the Redis reply key long
        // gone) finds the record and changes nothing; a concurrent one waits on the key, then finds it.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var first = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO processed_messages (provider_id, processed_at) VALUES ({inbound.ProviderMessageId}, {now}) ON CONFLICT DO NOTHING",
            cancellationToken);
        if (first == 0)
        {
            return await AppliedByAHandlerThatDiedAsync(inbound, now, cancellationToken) ? EffectsApplied.Applied : EffectsApplied.Replay;
        }
        var applied = await ApplyEachAsync(patient, inbound, effects, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>
    /// The language pick of every new conversation, with its record, in one statement instead of a
    /// transaction of three round trips (INSERT, UPDATE, COMMIT): one statement is as atomic, and a
    /// replay finds the record and updates nothing. True when this message had not been applied before.
    /// </summary>
    private async Task<bool> SetLanguageOnceAsync(PatientRecord patient, Inbound inbound, SetLanguage set, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The UPDATE is the statement itself, so its row count says whether the record was made: a command with a fixed
        // text (Npgsql prepares it) and no LINQ query for EF to build, hash and look up on every pick.
        var first = await statements.ExecuteAsync(db, SetLanguageSql, cancellationToken,
            FixedSql.Text(inbound.ProviderMessageId), FixedSql.Time(now), FixedSql.Text(set.Language.Code()), FixedSql.Bigint(patient.Id));
        return first > 0 || await AppliedByAHandlerThatDiedAsync(inbound, now, cancellationToken);
    }

    /// <summary>Recorded within the reply window: its reply would still be kept had its handler lived to save it.</summary>
    private async Task<bool> AppliedByAHandlerThatDiedAsync(Inbound inbound, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - options.Value.ReplayWindow;
        return await db.Database.SqlQuery<bool>(
            $"SELECT EXISTS (SELECT 1 FROM processed_messages WHERE provider_id = {inbound.ProviderMessageId} AND processed_at > {since}) AS \"Value\"")
            .SingleAsync(cancellationToken);
    }

    /// <summary>Effects that change the patient or a reminder: applied once per message, ever.</summary>
    public static bool ChangesState(Effect effect) => effect is SetLanguage or OptOut or OptIn or AnswerReminder;

    private async Task<EffectsApplied> ApplyEachAsync(PatientRecord patient, Inbound inbound, IReadOnlyList<Effect> effects, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var applied = EffectsApplied.Applied;
        foreach (var effect in effects)
        {
            // Built only by the effects that use it: an expression tree costs reflection and allocations on every message.
            IQueryable<Persistence.Patient> Patients() => db.Patients.Where(p => p.Id == patient.Id);
            switch (effect)
            {
                case SetLanguage set:
                    await Patients().ExecuteUpdateAsync(s => s.SetProperty(p => p.PreferredLanguage, set.Language.Code()).SetProperty(p => p.UpdatedAt, now), cancellationToken);
                    break;
                case OptOut:
                    await Patients().Where(p => p.OptedOutAt == null)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.OptedOutAt, now).SetProperty(p => p.UpdatedAt, now), cancellationToken);
                    break;
                case OptIn:
                    await Patients().ExecuteUpdateAsync(s => s.SetProperty(p => p.OptedOutAt, (DateTimeOffset?)null).SetProperty(p => p.UpdatedAt, now), cancellationToken);
                    break;
                case SaveRating rating:
                    var stored = await statements.ExecuteAsync(db, SaveRatingSql, cancellationToken,
                        FixedSql.Bigint(patient.Id), FixedSql.Text(rating.Language.Code()), FixedSql.Integer(rating.Rating), FixedSql.Time(now),
                        FixedSql.Text(ChannelName(inbound.Channel)), FixedSql.Text(inbound.ProviderMessageId), FixedSql.Text(rating.ConversationId));
                    if (stored > 0)
                    {
                        metrics.FeedbackStored(ChannelName(inbound.Channel), rating.Language.Code());
                    }
                    break;
                case SaveComment comment:
                    await SaveCommentAsync(comment, inbound.ProviderMessageId, cancellationToken);
                    break;
                case AnswerReminder answer:
                    // The latest reminder awaiting the patient's 1 or 2 (none: the answer answers nothing).
                    var since = now - PatientDirectory.ConfirmationWindow;
                    var latest = await db.Reminders
                        .Where(r => r.PatientId == patient.Id && r.Confirm && r.RespondedAt == null && r.SentAt > since
                            && (r.Status == ReminderStatus.Sent || r.Status == ReminderStatus.Delivered))
                        .OrderByDescending(r => r.SentAt).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
                    if (latest != 0)
                    {
                        // A visit already attended, missed, cancelled or declined stays as it is; the patient is told so (asked first: a 2 declines an open one).
                        var closed = await Scheduling.Appointments.AppointmentAnswers.VisitClosedAsync(db, latest, cancellationToken);
                        if (await reminders.AnswerAsync(latest, answer.Confirmed, inbound.ProviderMessageId, cancellationToken) == 1 && closed)
                        {
                            applied = EffectsApplied.AnsweredClosedVisit;
                        }
                    }
                    break;
                case SaveVoiceComment voice:
                    // A call recording is fetched when Twilio says it is ready; a WhatsApp voice note is ready now.
                    var ready = inbound.Channel != Channel.Voice;
                    await RecordingRows.UpsertAsync(db, voice.Audio.ProviderId, voice.Audio.Url, voice.Audio.ContentType,
                        inbound.Channel == Channel.Voice ? "call" : ChannelName(inbound.Channel), ready, now, cancellationToken);
                    await db.Database.ExecuteSqlInterpolatedAsync(
                        $"""
                        UPDATE feedbacks SET voice_recording_id = (SELECT id FROM voice_recordings WHERE provider_sid = {voice.Audio.ProviderId}),
                            last_message_id = {inbound.ProviderMessageId}
                        WHERE conversation_id = {voice.ConversationId}
                        """,
                        cancellationToken);
                    if (ready)
                    {
                        queue.QueueInvocable<RecordingFetcher>();
                    }
                    break;
                default:
                    throw new InvalidOperationException($"No handler for effect {effect.GetType().Name}.");
            }
        }
        return applied;
    }

    /// <summary>
    /// Sets or extends the comment. It is encrypted, so it is read, joined and written back under a row
    /// lock: two overlapping messages of one conversation (a lock that timed out, a drain) are joined
    /// one after the other, none lost; the last message id makes a retried message change nothing.
    /// </summary>
    private async Task SaveCommentAsync(SaveComment comment, string? messageId, CancellationToken cancellationToken)
    {
        var text = SafeText.Clean(comment.Text, MaxCommentLength);
        if (!comment.Append)
        {
            // A first comment replaces whatever is there: one statement, nothing to read or join. Its text is
            // fixed, so Npgsql prepares it (Max Auto Prepare) and EF compiles no query; the comment is encrypted
            // here, as the column's converter would.
            await statements.ExecuteAsync(db, FirstCommentSql, cancellationToken,
                FixedSql.Text(cipher.Protect(text)), FixedSql.Text(messageId), FixedSql.Text(comment.ConversationId));
            return;
        }
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var row = await db.Feedbacks.FromSql($"SELECT * FROM feedbacks WHERE conversation_id = {comment.ConversationId} FOR UPDATE").AsNoTracking()
            .Select(f => new { f.Id, f.Content, f.LastMessageId }).FirstOrDefaultAsync(cancellationToken);
        if (row is not null && (messageId is null || row.LastMessageId != messageId))
        {
            var content = comment.Append && row.Content is not null ? SafeText.Clean(row.Content + "\n" + text, MaxCommentLength) : text;
            // As the first comment's: a fixed text, the comment encrypted here as the column's converter would.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE feedbacks SET content = {cipher.Protect(content)}, last_message_id = {messageId}, processed = false WHERE id = {row.Id}",
                cancellationToken);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public static string ChannelName(Channel channel) => channel.ToString().ToLowerInvariant();

    // The statements of every conversation, as constants (FixedSql): $1 the message id, $2 the time, $3 the language, $4 the patient.
    private const string SetLanguageSql = """
        WITH recorded AS (
            INSERT INTO processed_messages (provider_id, processed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1)
        UPDATE patients SET preferred_language = $3, updated_at = $2
        WHERE id = $4 AND EXISTS (SELECT 1 FROM recorded)
        """;

    // $1 the patient, $2 the language, $3 the rating, $4 the time, $5 the channel, $6 the message id, $7 the conversation.
    private const string SaveRatingSql = """
        INSERT INTO feedbacks (patient_id, language, rating, date_submitted, processed, channel, provider_message_id, conversation_id, last_message_id)
        VALUES ($1, $2, $3, $4, false, $5, $6, $7, $6)
        ON CONFLICT DO NOTHING
        """;

    // $1 the encrypted comment, $2 the message id (null: none to compare), $3 the conversation.
    private const string FirstCommentSql = """
        UPDATE feedbacks SET content = $1, last_message_id = $2, processed = false
        WHERE conversation_id = $3 AND ($2::text IS NULL OR last_message_id IS NULL OR last_message_id <> $2)
        """;
}

/// <summary>What applying a message's effects came to.</summary>
public enum EffectsApplied
{
    /// <summary>A replay of a message whose state-changing effects were applied before: nothing changed.</summary>
    Replay,
    Applied,
    /// <summary>Applied, and a 1 or 2 answered a reminder of a visit no longer open (attended, no-show, cancelled, declined), which stays as it was.</summary>
    AnsweredClosedVisit,
}
