using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using TwilioFeedback.Tests.Infrastructure;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>A hospital's list as CSV or XLSX: good rows made, a repeated row unchanged, bad rows refused with why, a second import changing nothing.</summary>
public sealed class AppointmentImportTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private static readonly string[] Header = ["external_id", "patient_id", "phone_number", "department", "starts_at", "plan", "language"];

    /// <summary>Good (offset, Douala time, a named plan), the first row again, and four bad ones.</summary>
    private static readonly string?[][] Rows =
    [
        ["HIS-201", "PAT201", "677000201", "Internal Medicine", "2026-11-27T10:00:00+01:00", null, "fr"],
        ["HIS-202", "PAT202", "+237 677 00 02 02", "maternity", "2026-12-04 09:30", "maternity", "en"],
        ["HIS-201", "PAT201", "677000201", "internal_medicine", "2026-11-27T10:00:00+01:00", null, "fr"],
        ["HIS-203", "PAT203", "12345", "Surgery", "2026-11-27T10:00:00+01:00", null, null],
        ["HIS-204", "PAT204", "677000204", "Astrology", "2026-11-27T10:00:00+01:00", null, null],
        ["HIS-205", "PAT205", "677000205", "Surgery", "next friday", null, null],
        [null, "PAT206", "677000206", "Surgery", "2026-11-27T10:00:00+01:00", null, null],
    ];

    private static readonly (string Outcome, string? Field)[] Expected =
    [
        ("created", null), ("created", null), ("unchanged", null),
        ("refused", "phone"), ("refused", "department"), ("refused", "starts_at"), ("refused", "external_id"),
    ];

    private static byte[] Csv()
    {
        var text = new StringBuilder(string.Join(';', Header)).Append("\r\n"); // as French Excel saves it
        foreach (var row in Rows)
        {
            text.Append(string.Join(';', row.Select(c => c ?? ""))).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static byte[] Xlsx()
    {
        using var file = new MemoryStream();
        // The second row's time as a date cell, as a hospital system's export has it.
        file.SaveAs(Rows.Select((row, i) => Header.Zip(row).ToDictionary(p => p.First, p => i == 1 && p.First == "starts_at"
            ? (object?)new DateTime(2026, 12, 4, 9, 30, 0) : p.Second)).ToList(), excelType: ExcelType.XLSX);
        return file.ToArray();
    }

    private async Task<JsonElement> ImportAsync(byte[] file, string name, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".csv", StringComparison.Ordinal) ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(content, "file", name);
        var response = await Client.PostAsync("/api/v1/appointments/import", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, body);
        return JsonDocument.Parse(body).RootElement;
    }

    [Theory]
    [InlineData("list.csv")]
    [InlineData("list.xlsx")]
    public async Task A_list_makes_the_good_rows_reports_the_bad_ones_and_a_second_import_changes_nothing(string name)
    {
        var file = name.EndsWith(".csv", StringComparison.Ordinal) ? Csv() : Xlsx();

        var first = await ImportAsync(file, name);
        var second = await ImportAsync(file, name);

        var report = first.GetProperty("report").EnumerateArray().ToList();
        Assert.Equal(Expected, report.Select(r => (r.GetProperty("outcome").GetString()!, r.TryGetProperty("field", out var f) ? f.GetString() : null)));
        Assert.Equal(Enumerable.Range(2, Rows.Length), report.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal((2, 1, 4), (first.GetProperty("created").GetInt32(), first.GetProperty("unchanged").GetInt32(), first.GetProperty("refused").GetInt32()));
        Assert.Contains("Cameroon", report[3].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 3), (second.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32()));

        await using var db = Factory.Db();
        var appointments = await db.Appointments.AsNoTracking().OrderBy(a => a.ExternalId).ToListAsync();
        Assert.Equal(
            [
                ("HIS-201", "+237677000201", "internal_medicine", "default", new DateTimeOffset(2026, 11, 27, 10, 0, 0, AppointmentSteps.Douala)),
                ("HIS-202", "+237677000202", "maternity", "maternity", new DateTimeOffset(2026, 12, 4, 9, 30, 0, AppointmentSteps.Douala)),
            ],
            appointments.Select(a => (a.ExternalId, a.PhoneNumber, a.Department, a.Plan, a.StartsAt)));
        Assert.Equal(8, await db.Reminders.CountAsync()); // three reminders and an invite each, once
    }

    [Fact]
    public async Task A_file_that_is_no_list_gets_a_problem_naming_the_columns()
    {
        var problem = await ImportAsync(Encoding.UTF8.GetBytes("name,when\r\nAlice,tomorrow\r\n"), "list.csv", HttpStatusCode.BadRequest);
        Assert.Contains("patient_id, department, starts_at", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var binary = await ImportAsync([0x50, 0x4B, 0x03, 0x04, 0, 1, 2], "list.xlsx", HttpStatusCode.BadRequest);
        Assert.Contains("XLSX", binary.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_row_in_a_second_import_updates_its_appointment()
    {
        await ImportAsync(Csv(), "list.csv");
        var moved = Encoding.UTF8.GetBytes(string.Join(',', Header) + "\r\nHIS-201,PAT201,677000201,INTERNAL MEDICINE,2026-11-30 11:00,,fr\r\n");

        var report = await ImportAsync(moved, "list.csv");

        Assert.Equal("updated", report.GetProperty("report")[0].GetProperty("outcome").GetString());
        await using var db = Factory.Db();
        var appointment = await db.Appointments.AsNoTracking().SingleAsync(a => a.ExternalId == "HIS-201");
        Assert.Equal((new DateTimeOffset(2026, 11, 30, 11, 0, 0, AppointmentSteps.Douala), "moved"), (appointment.StartsAt, appointment.Status));
    }
}
