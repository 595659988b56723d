using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Persistence;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>
/// A list of several hundred rows, more than one chunk of the batch import, mixing new rows, rows already imported
/// (the same, or moved), repeats inside the file (the same, or different) and bad rows: each row's report and the
/// rows and reminders in PostgreSQL, exactly; the same list again changes nothing; two imports of one list at once
/// make each appointment once.
/// </summary>
public sealed class AppointmentImportBatchTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private const string Header = "external_id,patient_id,phone_number,department,starts_at,plan,language";

    private sealed record Line(string Csv, string Outcome, string? Code = null);

    /// <summary>A visit some days after the test clock's start (2026-11-24), in Douala time, so each plan's three reminders are ahead.</summary>
    private static string When(int n, int shift = 0) =>
        new DateTime(2026, 12, 1, 8, 0, 0).AddDays(n % 20).AddMinutes(n * 7 % 470 + shift).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Row(string id, int n, string department = "Surgery", int shift = 0, string phone = "") =>
        $"{id},PAT-{id},{(phone.Length > 0 ? phone : (670_000_000 + n).ToString(CultureInfo.InvariantCulture))},{department},{When(n, shift)},,{(n % 2 == 0 ? "fr" : "en")}";

    /// <summary>The 60 appointments imported before: OLD-000..059.</summary>
    private static string Earlier() =>
        Header + "\n" + string.Join("\n", Enumerable.Range(0, 60).Select(n => Row($"OLD-{n:000}", n)));

    /// <summary>
    /// 600 rows: 520 new, 30 of the earlier ones the same and 10 moved by an hour, 5 bad phones and 5 unknown
    /// departments, in a shuffled order; then 20 repeats of new rows as they were and 10 with another department.
    /// </summary>
    private static List<Line> List()
    {
        var lines = new List<Line>();
        lines.AddRange(Enumerable.Range(0, 520).Select(n => new Line(Row($"NEW-{n:000}", 1000 + n), "created")));
        lines.AddRange(Enumerable.Range(0, 30).Select(n => new Line(Row($"OLD-{n:000}", n), "unchanged")));
        lines.AddRange(Enumerable.Range(30, 10).Select(n => new Line(Row($"OLD-{n:000}", n, shift: 60), "updated")));
        lines.AddRange(Enumerable.Range(0, 5).Select(n => new Line(Row($"BAD-{n:000}", 2000 + n, phone: "12345"), "refused", "phone")));
        lines.AddRange(Enumerable.Range(5, 5).Select(n => new Line(Row($"BAD-{n:000}", 2000 + n, department: "Astrology"), "refused", "department")));
        var random = new Random(17);
        var shuffled = lines.OrderBy(_ => random.Next()).ToList();
        var repeats = Enumerable.Range(0, 20).Select(n => new Line(Row($"NEW-{n:000}", 1000 + n), "unchanged", "repeat_in_file"))
            .Concat(Enumerable.Range(20, 10).Select(n => new Line(Row($"NEW-{n:000}", 1000 + n, department: "Maternity"), "refused", "duplicate_in_file")));
        return [.. shuffled, .. repeats.OrderBy(_ => random.Next())];
    }

    private static byte[] Csv(IEnumerable<string> rows) => Encoding.UTF8.GetBytes(string.Join("\r\n", rows) + "\r\n");

    private async Task<JsonElement> ImportAsync(byte[] file)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(content, "file", "list.csv");
        var response = await Client.PostAsync("/api/v1/appointments/import", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static (int, int, int, int, int) Counts(JsonElement report) => (report.GetProperty("rows").GetInt32(), report.GetProperty("created").GetInt32(),
        report.GetProperty("updated").GetInt32(), report.GetProperty("unchanged").GetInt32(), report.GetProperty("refused").GetInt32());

    private static string? Text(JsonElement row, string name) => row.TryGetProperty(name, out var value) ? value.GetString() : null;

    [Fact]
    public async Task A_list_of_six_hundred_mixed_rows_is_reported_row_by_row_and_written_exactly_once()
    {
        await ImportAsync(Encoding.UTF8.GetBytes(Earlier()));
        var lines = List();
        var file = Csv([Header, .. lines.Select(l => l.Csv)]);

        var first = await ImportAsync(file);

        var report = first.GetProperty("report").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(2, lines.Count), report.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(lines.Select(l => (l.Csv.Split(',')[0], l.Outcome, l.Code)),
            report.Select(r => (Text(r, "external_id")!, Text(r, "outcome")!, Text(r, "code"))));
        Assert.Equal((600, 520, 10, 50, 20), Counts(first));
        // A repeat names the row it repeats; a department refusal names the departments, in English and as a value.
        var repeat = report.First(r => Text(r, "code") == "duplicate_in_file");
        var firstRow = 2 + lines.FindIndex(l => l.Csv.StartsWith(Text(repeat, "external_id") + ",", StringComparison.Ordinal));
        Assert.Equal([firstRow.ToString(CultureInfo.InvariantCulture)], repeat.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        var department = report.First(r => Text(r, "code") == "department");
        Assert.Contains("maternity", department.GetProperty("args")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("department must be one of", Text(department, "reason"), StringComparison.Ordinal);

        await using var db = Factory.Db();
        Assert.Equal(580, await db.Appointments.CountAsync());
        Assert.Equal(580, await db.Patients.CountAsync());
        // Four per appointment (three of the plan and the invite), and one "moved" notice for each of the ten moved.
        Assert.Equal(580 * 4 + 10, await db.Reminders.CountAsync());
        Assert.Equal(10, await db.Reminders.CountAsync(r => r.Template == AppointmentTexts.Moved));
        Assert.Equal(10, await db.Appointments.CountAsync(a => a.Status == AppointmentStatus.Moved));
        // The repeat with another department was not written over the first.
        Assert.Equal("surgery", (await db.Appointments.SingleAsync(a => a.ExternalId == "NEW-020")).Department);
        // A moved visit's unsent reminders follow it: the last one two hours before the new time.
        var moved = await db.Appointments.SingleAsync(a => a.ExternalId == "OLD-031");
        Assert.Equal(new DateTimeOffset(DateTime.ParseExact(When(31, 60), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), AppointmentSteps.Douala), moved.StartsAt);
        Assert.Equal(moved.StartsAt.AddHours(-2), await db.Reminders.Where(r => r.AppointmentId == moved.Id && r.Template == AppointmentTexts.Reminder)
            .MaxAsync(r => r.ScheduledTime));
        // A new patient has the phone and language of their row, stored encrypted.
        var patient = await db.Patients.SingleAsync(p => p.ExternalId == "PAT-NEW-007");
        Assert.Equal(("+237670001007", "en"), (patient.Phone, patient.PreferredLanguage));
        var stored = await db.Database.SqlQuery<string>($"SELECT phone_number AS \"Value\" FROM appointments WHERE external_id = 'NEW-007'").SingleAsync();
        Assert.DoesNotContain("670001007", stored, StringComparison.Ordinal);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "import"));

        var again = await ImportAsync(file);

        Assert.Equal((600, 0, 0, 580, 20), Counts(again));
        Assert.Equal(580 * 4 + 10, await db.Reminders.CountAsync());
        Assert.Equal(580, await db.Appointments.CountAsync());
    }

    [Fact]
    public async Task Two_imports_of_one_list_at_once_make_each_appointment_once()
    {
        var file = Csv([Header, .. Enumerable.Range(0, 700).Select(n => Row($"TWIN-{n:000}", 3000 + n))]);

        var both = await Task.WhenAll(ImportAsync(file), ImportAsync(file));

        Assert.Equal(700, both.Sum(r => r.GetProperty("created").GetInt32()));
        Assert.Equal(700, both.Sum(r => r.GetProperty("unchanged").GetInt32()));
        Assert.All(both, r => Assert.Equal(0, r.GetProperty("refused").GetInt32() + r.GetProperty("updated").GetInt32()));
        await using var db = Factory.Db();
        Assert.Equal(700, await db.Appointments.CountAsync());
        Assert.Equal(700 * 4, await db.Reminders.CountAsync());
    }

    [Fact]
    public async Task A_chunk_that_meets_an_appointment_written_meanwhile_is_done_again_row_by_row_and_loses_no_row()
    {
        var file = Csv([Header, .. Enumerable.Range(0, 10).Select(n => Row($"RACE-{n:000}", 4000 + n))]);
        // Another writer holds RACE-005 (and its patient) uncommitted: the import does not see it when it looks, and its
        // insert waits on the unique index until that writer commits, then fails for the whole chunk.
        await using var other = Factory.Db();
        await using var transaction = await other.Database.BeginTransactionAsync();
        var patient = new Patient { ExternalId = "PAT-RACE-005", PreferredLanguage = "en", CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start };
        other.Add(new Appointment
        {
            Id = Guid.CreateVersion7(), Patient = patient, ExternalId = "RACE-005", PhoneNumber = "+237670004005", Channel = "sms", Department = "surgery",
            StartsAt = new DateTimeOffset(DateTime.ParseExact(When(4005), "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), AppointmentSteps.Douala).ToUniversalTime(),
            Plan = "default", Status = AppointmentStatus.Scheduled, CreatedAt = AppFactory.Start, UpdatedAt = AppFactory.Start,
        });
        await other.SaveChangesAsync();

        var import = ImportAsync(file);
        await LockWaits.UntilBlockedAsync(Factory, import);
        await transaction.CommitAsync();
        var report = await import;

        Assert.Equal((10, 9, 0, 1, 0), Counts(report));
        Assert.Equal("unchanged", Text(report.GetProperty("report")[5], "outcome"));
        await using var db = Factory.Db();
        Assert.Equal(10, await db.Appointments.CountAsync());
        Assert.Equal(9 * 4, await db.Reminders.CountAsync());
    }
}
