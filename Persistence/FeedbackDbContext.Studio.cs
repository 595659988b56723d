using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace TwilioFeedback.Persistence;

/// <summary>The language studio: text versions with their review, language settings, preview numbers.</summary>
public sealed partial class FeedbackDbContext
{
    public DbSet<StudioText> StudioTexts => Set<StudioText>();

    public DbSet<StudioLanguage> StudioLanguages => Set<StudioLanguage>();

    public DbSet<PreviewNumber> PreviewNumbers => Set<PreviewNumber>();

    private static void ConfigureStudio(ModelBuilder modelBuilder, ValueConverter encrypted)
    {
        modelBuilder.Entity<StudioText>(text =>
        {
            text.Property(t => t.Language).HasMaxLength(8);
            text.Property(t => t.Key).HasMaxLength(64);
            text.Property(t => t.Text).HasMaxLength(2000);
            text.Property(t => t.AuthorId).HasMaxLength(450);
            text.Property(t => t.AuthorName).HasMaxLength(128);
            text.Property(t => t.Source).HasMaxLength(128);
            text.Property(t => t.Status).HasMaxLength(16);
            text.Property(t => t.ReviewerId).HasMaxLength(450);
            text.Property(t => t.ReviewerName).HasMaxLength(128);
            // The history of one item, and the catalogue's load of approved versions.
            text.HasIndex(t => new { t.Language, t.Key, t.Id });
            text.HasIndex(t => t.ApprovedAt).HasFilter("status = 'approved'");
        });
        modelBuilder.Entity<StudioLanguage>(language =>
        {
            language.HasKey(l => l.Language);
            language.Property(l => l.Language).HasMaxLength(8);
            language.Property(l => l.Fallback).HasMaxLength(8);
            language.Property(l => l.LiveChannels).HasDefaultValueSql("'{}'");
        });
        modelBuilder.Entity<PreviewNumber>(preview =>
        {
            preview.Property(p => p.Phone).HasConversion(encrypted);
            preview.HasIndex(p => p.PhoneHash).IsUnique();
            preview.Property(p => p.Name).HasMaxLength(128);
        });
    }
}
