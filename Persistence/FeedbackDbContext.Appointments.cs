using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace TwilioFeedback.Persistence;

/// <summary>Appointments, and the link from each reminder of a plan to its appointment.</summary>
public sealed partial class FeedbackDbContext
{
    public DbSet<Appointment> Appointments => Set<Appointment>();

    private static void ConfigureAppointments(ModelBuilder modelBuilder, ValueConverter encrypted)
    {
        modelBuilder.Entity<Appointment>(appointment =>
        {
            appointment.Property(a => a.ExternalId).HasMaxLength(64);
            // A re-import or a FHIR update finds its appointment by the hospital's id, never making a second.
            appointment.HasIndex(a => a.ExternalId).IsUnique();
            appointment.Property(a => a.PhoneNumber).HasConversion(encrypted);
            appointment.Property(a => a.Email).HasConversion(encrypted);
            appointment.Property(a => a.Channel).HasMaxLength(16);
            appointment.Property(a => a.Department).HasMaxLength(64);
            appointment.Property(a => a.Plan).HasMaxLength(64);
            appointment.Property(a => a.Status).HasMaxLength(16);
            // Staff's list: by status (declined ones first of all) and time.
            appointment.HasIndex(a => new { a.Status, a.StartsAt });
            appointment.HasIndex(a => new { a.PatientId, a.StartsAt });
            appointment.HasOne(a => a.Patient).WithMany().HasForeignKey(a => a.PatientId);
        });
        modelBuilder.Entity<Reminder>(reminder =>
        {
            reminder.Property(r => r.TemplateValues).HasConversion(encrypted);
            reminder.HasIndex(r => r.AppointmentId);
            reminder.HasOne(r => r.Appointment).WithMany().HasForeignKey(r => r.AppointmentId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
