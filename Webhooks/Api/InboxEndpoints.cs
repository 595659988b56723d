using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Analysis;
using TwilioFeedback.Scheduling.Hospital;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Webhooks.Accounts;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Webhooks.Edge;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>
/// <c>/api/v1/inbox</c>: feedback a person should read, most urgent first, and what staff do with it —
/// transcribe, translate, confirm or correct the analysis, mark handled, answer the patient. Every
/// action is audited; corrections are kept as labelled data (<c>corrections.csv</c>).
/// </summary>
public static class InboxEndpoints
{
    /// <summary>Below this confidence an analysis waits for a person.</summary>
    public const double LowConfidence = 0.5;

    public const int MaxPageSize = 100;

    /// <summary>Longest reply in staff's own words (with the template, about two SMS segments).</summary>
    public const int MaxReplyLength = 240;

    private static readonly string[] LocalLanguages = ["dua", "bas", "ewo"];

    private static readonly string[] Sentiments = ["positive", "neutral", "negative"];

    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var inbox = app.MapGroup("/api/v1/inbox").WithTags("Inbox").RequireAuthorization(StaffAuth.StaffPolicy).RequireRateLimiting(RateLimitOptions.ApiPolicy);
        inbox.MapGet("/", ListAsync).WithName("Inbox").WithSummary("Unhandled feedback a person should read, most urgent first, with counts per queue and department; next_cursor while more remain.");
        inbox.MapGet("/counts", CountsAsync).WithName("InboxCounts").WithSummary("How many unhandled items wait in each queue (no patient data: not audited).");
        inbox.MapPut("/{id:long}/department", DepartmentAsync).WithName("InboxDepartment");
        inbox.MapPut("/{id:long}/transcript", TranscriptAsync).WithName("InboxTranscript");
        inbox.MapPut("/{id:long}/analysis", AnalysisAsync).WithName("InboxAnalysis");
        inbox.MapPost("/{id:long}/handled", HandledAsync).WithName("InboxHandled");
        inbox.MapPost("/{id:long}/reply", ReplyAsync).WithName("InboxReply");
        inbox.MapGet("/corrections.csv", CorrectionsAsync).WithName("InboxCorrections").RequireAuthorization(StaffAuth.AdminPolicy);
        return app;
    }

    /// <summary>A row with its queue's rank; a class with init members, so EF can compose queries over it.</summary>
    private sealed class Ranked
    {
        public required Feedback Feedback { get; init; }

        public int Rank { get; init; }
    }

    /// <summary>Unhandled rows with their queue's rank (0 most urgent; 9: nothing for a person).</summary>
    private static IQueryable<Ranked> RankedQuery(FeedbackDbContext db) => db.Feedbacks.AsNoTracking().Where(f => f.HandledAt == null)
        .Select(f => new Ranked
        {
            Feedback = f,
            Rank = f.EscalatedAt != null || f.Alarming == true || f.Rating <= 2 ? 0
            : f.VoiceRecordingId != null && f.TranscriptConfirmedAt == null ? 1
            : (f.Content != null || f.Transcript != null) && f.Translation == null
                && (LocalLanguages.Contains(f.Language) || LocalLanguages.Contains(f.CommentLanguage) || (f.Processed && f.CommentLanguage == null)) ? 2
            : f.Processed && f.ReviewedAt == null && (f.RatingDisagrees == true || f.AnalysisConfidence < LowConfidence) ? 3
            : 9,
        })
        .Where(r => r.Rank < 9);

    internal static async Task<Results<Ok<InboxPage>, ValidationProblem>> ListAsync(
        HttpContext context, FeedbackDbContext db, AuditLog audit, TopicCatalog topics, IOptions<HospitalOptions> hospital, CancellationToken cancellationToken,
        string? queue = null, string? channel = null, string? language = null, string? topic = null, string? department = null,
        DateOnly? from = null, DateOnly? to = null, string? cursor = null, int limit = 50)
    {
        var departments = hospital.Value.DepartmentNames;
        var errors = new Dictionary<string, string[]>();
        var rank = queue is null ? -1 : Array.IndexOf(InboxQueues.All, queue);
        if (queue is not null && rank < 0)
        {
            errors["queue"] = [$"queue must be one of {string.Join(", ", InboxQueues.All)}."];
        }
        if (language is not null && Languages.FromCode(language) is null)
        {
            errors["language"] = ["language must be en, fr, dua, bas or ewo."];
        }
        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"limit must be from 1 to {MaxPageSize}."];
        }
        if (from > to)
        {
            errors["from"] = ["from must not be after to."];
        }
        if (department is not null && department != InboxDepartments.None && !departments.Contains(department))
        {
            errors["department"] = [$"department must be {InboxDepartments.None} or one of {string.Join(", ", departments)}."];
        }
        InboxCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            after = InboxCursor.Decode(cursor);
            if (after is null)
            {
                errors["cursor"] = ["cursor is not one this server gave."];
            }
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var query = RankedQuery(db);
        if (channel is not null)
        {
            query = query.Where(r => r.Feedback.Channel == channel);
        }
        if (language is not null)
        {
            query = query.Where(r => r.Feedback.Language == language || r.Feedback.CommentLanguage == language);
        }
        if (topic is not null)
        {
            query = query.Where(r => r.Feedback.Topics.Contains(topic));
        }
        // Days in UTC: a date filter is a rough cut, the list is sorted by urgency anyway.
        if (from is { } start)
        {
            var since = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.Feedback.DateSubmitted >= since);
        }
        if (to is { } end)
        {
            var until = new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(r => r.Feedback.DateSubmitted < until);
        }
        // Each facet is counted with every filter but its own: the queue tabs with the department, the departments within the queue.
        var byDepartment = rank >= 0 ? query.Where(r => r.Rank == rank) : query;
        var departmentCounts = await byDepartment.GroupBy(r => r.Feedback.Department).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key ?? InboxDepartments.None, g => g.Count, cancellationToken);
        if (department == InboxDepartments.None)
        {
            query = query.Where(r => r.Feedback.Department == null);
        }
        else if (department is not null)
        {
            query = query.Where(r => r.Feedback.Department == department);
        }
        var counts = await query.GroupBy(r => r.Rank).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        if (rank >= 0)
        {
            query = query.Where(r => r.Rank == rank);
        }
        // Keyset paging in the list's own order (queue, then oldest first, then id): no row is skipped or shown twice while the rows stay put.
        if (after is { } c)
        {
            var at = c.DateSubmitted;
            query = query.Where(r => r.Rank > c.Rank
                || (r.Rank == c.Rank && (r.Feedback.DateSubmitted > at || (r.Feedback.DateSubmitted == at && r.Feedback.Id > c.Id))));
        }
        var rows = await query.OrderBy(r => r.Rank).ThenBy(r => r.Feedback.DateSubmitted).ThenBy(r => r.Feedback.Id).Take(limit + 1)
            .Select(r => new
            {
                r.Feedback,
                r.Rank,
                CanReply = r.Feedback.Patient.Phone != null && r.Feedback.Patient.OptedOutAt == null,
                Reply = db.Reminders.Where(m => m.Id == r.Feedback.ReplyReminderId)
                    .Select(m => new InboxReply(m.Id, m.Channels.FirstOrDefault() ?? "sms", m.Status, m.Reason, m.ScheduledTime, m.SentAt)).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        await audit.RecordAsync(context, "read", "inbox", cancellationToken);
        var items = rows.Take(limit).Select(r => ToItem(r.Feedback, r.Rank, r.CanReply, r.Reply, departments)).ToList();
        var next = rows.Count > limit ? new InboxCursor(rows[limit - 1].Rank, rows[limit - 1].Feedback.DateSubmitted, rows[limit - 1].Feedback.Id).Encode() : null;
        var departmentList = departments.Concat(departmentCounts.Keys.Where(k => k != InboxDepartments.None && !departments.Contains(k)).Order(StringComparer.Ordinal))
            .Select(d => new InboxDepartmentCount(d, departmentCounts.GetValueOrDefault(d))).ToList();
        return TypedResults.Ok(new InboxPage(Counts(counts), items, topics.Names, departmentList, departmentCounts.GetValueOrDefault(InboxDepartments.None), next));
    }

    internal static async Task<Ok<InboxCounts>> CountsAsync(FeedbackDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(Counts(await RankedQuery(db).GroupBy(r => r.Rank).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken)));

    private static InboxCounts Counts(Dictionary<int, int> counts) =>
        new(counts.GetValueOrDefault(0), counts.GetValueOrDefault(1), counts.GetValueOrDefault(2), counts.GetValueOrDefault(3), counts.Values.Sum());

    /// <summary>Assigns the item to a department (<c>null</c> or <c>""</c>: to none); audited, and kept as a label like the other corrections.</summary>
    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DepartmentAsync(
        long id, InboxDepartmentRequest request, HttpContext context, FeedbackDbContext db, AuditLog audit, IOptions<HospitalOptions> hospital, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var departments = hospital.Value.DepartmentNames;
        var department = string.IsNullOrEmpty(request.Department) ? null : request.Department;
        if (department is not null && !departments.Contains(department))
        {
            var shown = department.Length > 40 ? department[..40] : department;
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["department"] = [$"'{shown}' is not a department; use {string.Join(", ", departments)}."],
            });
        }
        var feedback = await db.Feedbacks.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feedback is null)
        {
            return NotFound(id);
        }
        var actor = AuditLog.ActorOf(context.User, context.Connection.RemoteIpAddress);
        Correct(db, feedback, actor, clock.GetUtcNow(), "department", feedback.Department, department, feedback.Translation ?? feedback.Content ?? feedback.Transcript);
        feedback.Department = department;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, "change", $"feedback {id} department", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> TranscriptAsync(
        long id, InboxTranscriptRequest request, HttpContext context, FeedbackDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var transcript = Text(request.Transcript, "transcript", errors, required: true);
        var translation = Text(request.Translation, "translation", errors, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var feedback = await db.Feedbacks.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feedback is null)
        {
            return NotFound(id);
        }
        if (feedback.VoiceRecordingId is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Feedback {id} has no spoken comment to transcribe.");
        }
        var actor = AuditLog.ActorOf(context.User, context.Connection.RemoteIpAddress);
        var now = clock.GetUtcNow();
        Correct(db, feedback, actor, now, "transcript", feedback.Transcript, transcript, transcript);
        if (translation is not null || feedback.Translation is not null)
        {
            Correct(db, feedback, actor, now, "translation", feedback.Translation, translation, translation ?? transcript);
        }
        feedback.Transcript = transcript;
        feedback.TranscriptBy = "staff:" + actor;
        feedback.TranscriptConfirmedAt = now;
        feedback.TranscriptStatus = TranscriptStates.Done;
        feedback.TranscriptNextAttemptAt = null;
        feedback.Translation = translation;
        feedback.Processed = false; // analysed again with the words a person wrote (a review by staff still wins)
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, "change", $"feedback {id} transcript", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> AnalysisAsync(
        long id, InboxAnalysisRequest request, HttpContext context, FeedbackDbContext db, AuditLog audit, TopicCatalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Sentiment is null || !Sentiments.Contains(request.Sentiment))
        {
            errors["sentiment"] = ["sentiment must be positive, neutral or negative."];
        }
        var topics = (request.Topics ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (topics.FirstOrDefault(t => !catalog.Names.Contains(t)) is { } unknown)
        {
            errors["topics"] = [$"'{(unknown.Length > 40 ? unknown[..40] : unknown)}' is not a topic; use {string.Join(", ", catalog.Names)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var feedback = await db.Feedbacks.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feedback is null)
        {
            return NotFound(id);
        }
        var actor = AuditLog.ActorOf(context.User, context.Connection.RemoteIpAddress);
        var now = clock.GetUtcNow();
        var words = feedback.Translation ?? feedback.Content ?? feedback.Transcript;
        // Confirmations are labels too: the row says before = after.
        Correct(db, feedback, actor, now, "sentiment", feedback.Sentiment, request.Sentiment, words);
        Correct(db, feedback, actor, now, "topics", string.Join(',', feedback.Topics), string.Join(',', topics), words);
        feedback.Sentiment = request.Sentiment;
        feedback.Topics = topics;
        feedback.ReviewedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, "change", $"feedback {id} analysis", cancellationToken);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> HandledAsync(
        long id, HttpContext context, FeedbackDbContext db, AuditLog audit, TimeProvider clock, CancellationToken cancellationToken)
    {
        var actor = AuditLog.ActorOf(context.User, context.Connection.RemoteIpAddress);
        var now = clock.GetUtcNow();
        var changed = await db.Feedbacks.Where(f => f.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.HandledAt, f => f.HandledAt ?? now).SetProperty(f => f.HandledBy, f => f.HandledBy ?? actor), cancellationToken);
        if (changed == 0)
        {
            return NotFound(id);
        }
        await audit.RecordAsync(context, "change", $"feedback {id} handled", cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Answers the patient: a reminder row due now (the dispatcher applies opt-out and quiet hours and records delivery).</summary>
    internal static async Task<Results<Accepted<InboxReply>, ValidationProblem, ProblemHttpResult>> ReplyAsync(
        long id, InboxReplyRequest request, HttpContext context, FeedbackDbContext db, AuditLog audit, PatientTexts texts, IReminderLanguages languages,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var message = Text(request.Message, "message", errors, required: true, MaxReplyLength);
        if (request.Channel is not (null or "sms" or "whatsapp"))
        {
            errors["channel"] = ["channel must be sms or whatsapp."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var feedback = await db.Feedbacks.Include(f => f.Patient).FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (feedback is null)
        {
            return NotFound(id);
        }
        if (feedback.Patient.Phone is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This patient has no phone number to answer.");
        }
        if (feedback.Patient.OptedOutAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This patient has opted out of messages: no reply is sent.");
        }
        var channel = request.Channel ?? (feedback.Channel == "whatsapp" ? "whatsapp" : "sms");
        // Staff's words go as typed; the hospital's greeting around them is in the patient's language where it is live on the
        // channel, else its fallback (French), as reminders are; the row records the language sent.
        var wanted = Languages.FromCode(feedback.Patient.PreferredLanguage) ?? Languages.FromCode(feedback.Language) ?? Language.English;
        var language = languages.ServeOn(wanted, [channel]);
        var now = clock.GetUtcNow();
        var reminder = new Reminder
        {
            PatientId = feedback.PatientId,
            Message = Placeholders.Fill(texts.Get(MessageKeys.InboxReply, language), new Dictionary<string, string> { ["message"] = message! }),
            Language = language.Code(),
            ScheduledTime = now,
            PhoneNumber = feedback.Patient.Phone,
            Channels = [channel],
            Status = ReminderStatus.Scheduled,
            Kind = "inbox_reply",
            Template = "inbox_reply",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Reminders.Add(reminder);
        await db.SaveChangesAsync(cancellationToken);
        feedback.ReplyReminderId = reminder.Id;
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(context, "change", $"feedback {id} reply", cancellationToken);
        return TypedResults.Accepted($"/api/v1/reminders/{reminder.Id}",
            new InboxReply(reminder.Id, channel, reminder.Status, null, reminder.ScheduledTime, null));
    }

    /// <summary>Every correction and confirmation, as labelled data for improving the analyzer (admin; audited).</summary>
    internal static async Task CorrectionsAsync(HttpContext context, FeedbackDbContext db, AuditLog audit, CancellationToken cancellationToken)
    {
        await audit.RecordAsync(context, "export", "inbox corrections.csv", cancellationToken);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"corrections.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        await writer.WriteLineAsync("feedback_id,at,actor,field,before,after,language,text");
        await foreach (var c in db.FeedbackCorrections.AsNoTracking().OrderBy(c => c.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(string.Join(',',
                c.FeedbackId.ToString(CultureInfo.InvariantCulture), c.At.ToString("O", CultureInfo.InvariantCulture), ReportEndpoints.Csv(c.Actor),
                c.Field, ReportEndpoints.Csv(c.Before), ReportEndpoints.Csv(c.After), c.Language, ReportEndpoints.Csv(c.Text)));
        }
    }

    private static void Correct(FeedbackDbContext db, Feedback feedback, string actor, DateTimeOffset at, string field, string? before, string? after, string? words) =>
        db.FeedbackCorrections.Add(new FeedbackCorrection
        {
            FeedbackId = feedback.Id, At = at, Actor = actor, Field = field, Before = before, After = after,
            Language = feedback.CommentLanguage ?? feedback.Language, Text = words,
        });

    private static string? Text(string? value, string field, Dictionary<string, string[]> errors, bool required, int max = ConversationEffects.MaxCommentLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"{field} is required."];
            }
            return null;
        }
        if (value.Length > max)
        {
            errors[field] = [$"{field} holds at most {max} characters."];
            return null;
        }
        return SafeText.Clean(value.Trim(), max);
    }

    private static ProblemHttpResult NotFound(long id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No feedback {id}.");

    private static InboxItem ToItem(Feedback f, int rank, bool canReply, InboxReply? reply, IReadOnlyList<string> departments) => new(
        f.Id, InboxQueues.All[rank], f.DateSubmitted, f.Rating, f.Channel, f.Language, f.CommentLanguage, f.Content, f.VoiceRecordingId is not null,
        f.Transcript, f.TranscriptBy, f.TranscriptStatus, f.TranscriptError, f.TranscriptConfirmedAt is not null, f.Translation,
        f.Sentiment, f.AnalysisConfidence is { } c ? Math.Round(c, 2) : null, f.RatingDisagrees, f.Topics, f.Alarming == true, f.EscalatedAt is not null,
        f.ReviewedAt is not null, canReply, reply, f.Department,
        f.Department is null ? f.Topics.FirstOrDefault(departments.Contains) : null);
}
