using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence.Accounts;

namespace TwilioFeedback.Persistence;

/// <summary>Staff accounts (Identity's tables), their personal access tokens and the data-protection keys.</summary>
public sealed partial class FeedbackDbContext
{
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    private static void ConfigureAccounts(ModelBuilder modelBuilder)
    {
        // Identity names its tables AspNet…; ours are snake_case like the rest.
        modelBuilder.Entity<StaffUser>(user =>
        {
            user.ToTable("staff_users");
            user.Property(u => u.DisplayName).HasMaxLength(StaffUser.DisplayNameLength);
            user.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ix_staff_users_normalized_user_name");
            user.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_staff_users_normalized_email");
        });
        modelBuilder.Entity<IdentityRole>(role =>
        {
            role.ToTable("staff_roles");
            role.HasIndex(r => r.NormalizedName).HasDatabaseName("ix_staff_roles_normalized_name");
        });
        modelBuilder.Entity<IdentityUserRole<string>>().ToTable("staff_user_roles");
        modelBuilder.Entity<IdentityUserClaim<string>>().ToTable("staff_user_claims");
        modelBuilder.Entity<IdentityUserLogin<string>>().ToTable("staff_user_logins");
        modelBuilder.Entity<IdentityUserToken<string>>().ToTable("staff_user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<string>>().ToTable("staff_role_claims");
        modelBuilder.Entity<PersonalAccessToken>(token =>
        {
            token.Property(t => t.UserId).HasMaxLength(450);
            token.Property(t => t.Name).HasMaxLength(64);
            token.Property(t => t.Hash).HasMaxLength(64);
            token.HasIndex(t => t.Hash).IsUnique();
            token.HasIndex(t => t.UserId);
            token.HasOne<StaffUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
