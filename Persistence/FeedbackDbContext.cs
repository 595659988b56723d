using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using TwilioFeedback.Persistence.Accounts;
using TwilioFeedback.Persistence.Privacy;

namespace TwilioFeedback.Persistence;

/// <summary>
/// The database: snake_case tables and columns, indexes for the queries we run. Patient data (phone
/// numbers, emails, comments, reminder texts) is encrypted by the <see cref="DataCipher"/> given with
/// <see cref="EncryptedColumns.UseDataCipher"/>; patients are found by <see cref="Patient.PhoneHash"/>.
/// </summary>
public sealed partial class FeedbackDbContext(DbContextOptions<FeedbackDbContext> options) : IdentityDbContext<StaffUser>(options), IDataProtectionKeyContext
{
    private readonly DataCipher _cipher = EncryptedColumns.Find(options)
        ?? throw new InvalidOperationException("FeedbackDbContext needs UseDataCipher(...): patient data is never stored in clear.");

    public DbSet<Patient> Patients => Set<Patient>();

    public DbSet<Feedback> Feedbacks => Set<Feedback>();

    public DbSet<VoiceRecording> VoiceRecordings => Set<VoiceRecording>();

    public DbSet<PromptRecording> PromptRecordings => Set<PromptRecording>();

    public DbSet<ProviderEvent> ProviderEvents => Set<ProviderEvent>();

    public DbSet<Reminder> Reminders => Set<Reminder>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ProcessedMessage> ProcessedMessages => Set<ProcessedMessage>();

    public DbSet<CallBack> CallBacks => Set<CallBack>();
    public DbSet<FeedbackCorrection> FeedbackCorrections => Set<FeedbackCorrection>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder); // Identity's tables
        ConfigureAccounts(modelBuilder);
        var encrypted = EncryptedColumns.Converter(_cipher);
        ConfigureStudio(modelBuilder, encrypted);
        ConfigureAppointments(modelBuilder, encrypted);
        modelBuilder.Entity<Patient>(patient =>
        {
            patient.Property(p => p.ExternalId).HasMaxLength(64);
            patient.HasIndex(p => p.ExternalId).IsUnique();
            patient.Property(p => p.Phone).HasConversion(encrypted);
            patient.HasIndex(p => p.PhoneHash).IsUnique();
            patient.Property(p => p.Email).HasConversion(encrypted);
            patient.Property(p => p.PreferredLanguage).HasMaxLength(8);
            patient.Property(p => p.Channels).HasDefaultValueSql("'{}'");
        });

        modelBuilder.Entity<Feedback>(feedback =>
        {
            feedback.Property(f => f.Language).HasMaxLength(8);
            feedback.Property(f => f.Content).HasConversion(encrypted);
            feedback.Property(f => f.Channel).HasMaxLength(16);
            feedback.Property(f => f.ProviderMessageId).HasMaxLength(64);
            feedback.Property(f => f.ConversationId).HasMaxLength(64);
            feedback.Property(f => f.LastMessageId).HasMaxLength(64);
            feedback.HasIndex(f => f.ProviderMessageId).IsUnique();
            feedback.HasIndex(f => f.ConversationId).IsUnique();
            feedback.HasIndex(f => f.ClientId).IsUnique();
            feedback.HasIndex(f => new { f.PatientId, f.DateSubmitted });
            feedback.HasIndex(f => f.DateSubmitted);
            feedback.Property(f => f.Sentiment).HasMaxLength(16);
            feedback.Property(f => f.CommentLanguage).HasMaxLength(8);
            feedback.Property(f => f.Topics).HasDefaultValueSql("'{}'");
            feedback.HasIndex(f => f.Processed).HasFilter("processed = false");
            feedback.Property(f => f.Transcript).HasConversion(encrypted);
            feedback.Property(f => f.TranscriptBy).HasMaxLength(128);
            feedback.Property(f => f.TranscriptStatus).HasMaxLength(16);
            feedback.Property(f => f.TranscriptError).HasMaxLength(512);
            feedback.Property(f => f.Translation).HasConversion(encrypted);
            feedback.Property(f => f.HandledBy).HasMaxLength(128);
            feedback.Property(f => f.Department).HasMaxLength(32);
            // The inbox reads unhandled rows only.
            feedback.HasIndex(f => f.DateSubmitted, "ix_feedbacks_unhandled").HasFilter("handled_at IS NULL");
            feedback.ToTable(t => t.HasCheckConstraint("ck_feedbacks_rating", "rating BETWEEN 1 AND 5"));
            feedback.HasOne(f => f.Patient).WithMany(p => p.Feedbacks).HasForeignKey(f => f.PatientId);
            feedback.HasOne(f => f.VoiceRecording).WithMany().HasForeignKey(f => f.VoiceRecordingId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<VoiceRecording>(recording =>
        {
            recording.Property(r => r.ContentType).HasMaxLength(64);
            recording.Property(r => r.Source).HasMaxLength(16);
            recording.Property(r => r.Status).HasMaxLength(16);
            recording.Property(r => r.ProviderSid).HasMaxLength(64);
            recording.Property(r => r.SourceUrl).HasMaxLength(512);
            recording.Property(r => r.KeyId).HasMaxLength(32);
            recording.Property(r => r.LastError).HasMaxLength(512);
            recording.HasIndex(r => r.ProviderSid).IsUnique();
            recording.HasIndex(r => new { r.Status, r.NextAttemptAt });
        });

        modelBuilder.Entity<PromptRecording>(prompt =>
        {
            prompt.Property(p => p.Language).HasMaxLength(8);
            prompt.Property(p => p.Key).HasMaxLength(64);
            prompt.Property(p => p.ContentType).HasMaxLength(64);
            prompt.Property(p => p.Etag).HasMaxLength(64);
            // Takes uploaded before review existed become drafts: played only once someone approves them.
            prompt.Property(p => p.Status).HasMaxLength(16).HasDefaultValue(PromptRecordingStatus.Draft);
            prompt.Property(p => p.AuthorId).HasMaxLength(128);
            prompt.Property(p => p.AuthorName).HasMaxLength(256);
            prompt.Property(p => p.ReviewerId).HasMaxLength(128);
            prompt.Property(p => p.ReviewerName).HasMaxLength(256);
            // One approved take (played) and one draft (under review) per key × language; older takes stay as history.
            prompt.HasIndex(p => new { p.Language, p.Key }, "ix_prompt_recordings_approved").HasFilter("status = 'approved'").IsUnique();
            prompt.HasIndex(p => new { p.Language, p.Key }, "ix_prompt_recordings_draft").HasFilter("status = 'draft'").IsUnique();
        });

        modelBuilder.Entity<Reminder>(reminder =>
        {
            reminder.Property(r => r.Language).HasMaxLength(8);
            reminder.Property(r => r.Message).HasConversion(encrypted);
            reminder.Property(r => r.PhoneNumber).HasConversion(encrypted);
            reminder.Property(r => r.Email).HasConversion(encrypted);
            reminder.Property(r => r.Status).HasMaxLength(16);
            reminder.Property(r => r.Reason).HasMaxLength(64);
            reminder.Property(r => r.ProviderId).HasMaxLength(64);
            reminder.Property(r => r.LastError).HasMaxLength(512);
            // The dispatcher's query: due rows by status and time.
            reminder.HasIndex(r => new { r.Status, r.ScheduledTime });
            reminder.HasIndex(r => r.ProviderId);
            reminder.HasIndex(r => new { r.PatientId, r.ScheduledTime });
            reminder.Property(r => r.Kind).HasMaxLength(24);
            reminder.Property(r => r.Template).HasMaxLength(64);
            reminder.HasIndex(r => r.SeriesId);
            reminder.Property(r => r.RespondedMessageId).HasMaxLength(64);
            reminder.HasIndex(r => r.RespondedMessageId);
            reminder.HasMany(r => r.DeliveryAttempts).WithOne().HasForeignKey(a => a.ReminderId);
        });

        modelBuilder.Entity<DeliveryAttempt>(attempt =>
        {
            attempt.Property(a => a.Channel).HasMaxLength(16);
            attempt.Property(a => a.Outcome).HasMaxLength(16);
            attempt.Property(a => a.ProviderId).HasMaxLength(64);
            attempt.Property(a => a.Error).HasMaxLength(512);
        });

        modelBuilder.Entity<AuditEntry>(audit =>
        {
            audit.Property(a => a.Actor).HasMaxLength(AuditEntry.MaxActorLength);
            audit.Property(a => a.Action).HasMaxLength(AuditEntry.MaxActionLength);
            audit.Property(a => a.Target).HasMaxLength(AuditEntry.MaxTargetLength);
            audit.HasIndex(a => a.At);
        });

        modelBuilder.Entity<ProviderEvent>(status =>
        {
            status.Property(e => e.Kind).HasMaxLength(16);
            status.Property(e => e.Sid).HasMaxLength(64);
            status.Property(e => e.Status).HasMaxLength(32);
            status.Property(e => e.ErrorCode).HasMaxLength(16);
            status.HasIndex(e => new { e.Kind, e.Sid, e.Status }).IsUnique();
        });

        modelBuilder.Entity<FeedbackCorrection>(correction =>
        {
            correction.Property(c => c.Actor).HasMaxLength(128);
            correction.Property(c => c.Field).HasMaxLength(16);
            correction.Property(c => c.Language).HasMaxLength(8);
            correction.Property(c => c.Before).HasConversion(encrypted);
            correction.Property(c => c.After).HasConversion(encrypted);
            correction.Property(c => c.Text).HasConversion(encrypted);
            correction.HasIndex(c => c.FeedbackId);
            correction.HasOne<Feedback>().WithMany().HasForeignKey(c => c.FeedbackId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ProcessedMessage>(processed =>
        {
            processed.HasKey(m => m.ProviderId);
            processed.Property(m => m.ProviderId).HasMaxLength(64);
            // The retention job purges by age.
            processed.HasIndex(m => m.ProcessedAt);
        });

        modelBuilder.Entity<CallBack>(callBack =>
        {
            callBack.ToTable("call_backs");
            callBack.Property(c => c.Phone).HasConversion(encrypted);
            callBack.Property(c => c.HospitalNumber).HasMaxLength(32);
            callBack.Property(c => c.InboundCallSid).HasMaxLength(64);
            callBack.HasIndex(c => c.InboundCallSid).IsUnique(); // a repeated webhook asks once
            callBack.Property(c => c.Trigger).HasMaxLength(16);
            callBack.Property(c => c.Status).HasMaxLength(16);
            callBack.Property(c => c.ProviderId).HasMaxLength(64);
            callBack.Property(c => c.CallStatus).HasMaxLength(16);
            callBack.Property(c => c.LastError).HasMaxLength(512);
            // The dispatcher's query (due rows), the status callback's, and the per-day limit's.
            callBack.HasIndex(c => new { c.Status, c.DueAt });
            callBack.HasIndex(c => c.ProviderId);
            callBack.HasIndex(c => new { c.PhoneHash, c.Day });
            callBack.HasIndex(c => c.CreatedAt);
        });
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without a running server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<FeedbackDbContext>
{
    public FeedbackDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FeedbackDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time")
            .UseSnakeCaseNamingConvention()
            .UseDataCipher(new DataCipher(Options.Create(new SecurityOptions { SecretKey = "design-time-only-key" })))
            .Options);
}
