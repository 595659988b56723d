using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TwilioFeedback.Scheduling.Hospital;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Api;

namespace TwilioFeedback.Tests.Inbox;

/// <summary>The inbox's departments (assignment, filter, counts), its pages, and the transcript and department in the feedback API.</summary>
public sealed class InboxDepartmentTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    private HttpClient Staff { get; } = factory.ClientWith(AppFactory.Token("staff", "Nurse Ekwalla"));

    private async Task<JsonElement> GetAsync(string path)
    {
        var response = await Staff.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<long> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();

    private static Dictionary<string, int> DepartmentCounts(JsonElement page) =>
        page.GetProperty("departments").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("count").GetInt32());

    [Fact]
    public async Task Staff_assign_items_to_departments_and_the_inbox_filters_and_counts_by_department()
    {
        var birth = await InboxRows.AddAsync(Factory, 1, "fr", "Accouchement difficile, sage-femme absente", set: f => f.Topics = ["staff_attitude", "maternity"]);
        var drugs = await InboxRows.AddAsync(Factory, 2, "fr", "Rupture de médicaments");
        var other = await InboxRows.AddAsync(Factory, 1, "en", "Rude guard at the gate");

        var before = await GetAsync("/api/v1/inbox");
        var suggested = before.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetInt64() == birth);
        Assert.Equal("maternity", suggested.GetProperty("suggested_department").GetString()); // the analysis' topic names a department
        Assert.False(suggested.TryGetProperty("department", out _));
        Assert.Equal(HospitalOptions.DefaultDepartments, DepartmentCounts(before).Keys);
        Assert.Equal(3, before.GetProperty("unassigned").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await Staff.PutAsJsonAsync($"/api/v1/inbox/{birth}/department", new { department = "maternity" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Staff.PutAsJsonAsync($"/api/v1/inbox/{drugs}/department", new { department = "pharmacy" })).StatusCode);

        var all = await GetAsync("/api/v1/inbox");
        Assert.Equal((1, 1, 0, 1), (DepartmentCounts(all)["maternity"], DepartmentCounts(all)["pharmacy"], DepartmentCounts(all)["surgery"], all.GetProperty("unassigned").GetInt32()));
        var maternity = await GetAsync("/api/v1/inbox?department=maternity");
        Assert.Equal([birth], Ids(maternity));
        Assert.Equal("maternity", maternity.GetProperty("items")[0].GetProperty("department").GetString());
        Assert.Equal(1, maternity.GetProperty("counts").GetProperty("total").GetInt32()); // the queue tabs count the department's items
        Assert.Equal([other], Ids(await GetAsync("/api/v1/inbox?department=none")));
        Assert.Equal("pharmacy", (await GetAsync($"/api/v1/feedback/{drugs}")).GetProperty("department").GetString());

        // Back to none; a name that is not configured is refused naming the field; an unknown item is a 404.
        Assert.Equal(HttpStatusCode.NoContent, (await Staff.PutAsJsonAsync($"/api/v1/inbox/{drugs}/department", new { department = (string?)null })).StatusCode);
        var wrong = await Staff.PutAsJsonAsync($"/api/v1/inbox/{other}/department", new { department = "cardiology" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("'cardiology' is not a department", JsonDocument.Parse(await wrong.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("department")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Staff.PutAsJsonAsync("/api/v1/inbox/999999/department", new { department = "surgery" })).StatusCode);

        await using var db = Factory.Db();
        Assert.Equal(new string?[] { "maternity", null, null }, await db.Feedbacks.OrderBy(f => f.Id).Select(f => f.Department).ToListAsync());
        var audit = await db.AuditEntries.Where(a => a.Action == "change").OrderBy(a => a.Id).Select(a => new { a.Actor, a.Target }).ToListAsync();
        Assert.Equal([$"feedback {birth} department", $"feedback {drugs} department", $"feedback {drugs} department"], audit.Select(a => a.Target));
        Assert.All(audit, a => Assert.Equal("Nurse Ekwalla", a.Actor));
        var labels = await db.FeedbackCorrections.Where(c => c.Field == "department").OrderBy(c => c.Id).Select(c => new { c.FeedbackId, c.Before, c.After }).ToListAsync();
        Assert.Equal(new (long, string?, string?)[] { (birth, null, "maternity"), (drugs, null, "pharmacy"), (drugs, "pharmacy", null) }, labels.Select(l => (l.FeedbackId, l.Before, l.After)));
    }

    [Fact]
    public async Task Paging_through_more_items_than_a_page_shows_each_once_in_the_order_of_urgency()
    {
        for (var i = 0; i < 23; i++)
        {
            // Four queues, interleaved in time, two of each queue at the same instant (so a page can end between them): the order is queue, then oldest first, then id.
            var queue = i % 4;
            await InboxRows.AddAsync(Factory, queue == 0 ? 1 : 4, queue == 2 ? "dua" : "fr", queue == 1 ? null : "Commentaire " + i, voice: queue == 1,
                set: f => (f.Sentiment, f.CommentLanguage, f.AnalysisConfidence, f.DateSubmitted) =
                    ("neutral", queue == 2 ? "dua" : "fr", queue == 3 ? 0.2 : 0.9, AppFactory.Start.AddMinutes(i / 8)));
        }
        var whole = await GetAsync("/api/v1/inbox?limit=100");
        Assert.Equal(23, Ids(whole).Count);
        Assert.False(whole.TryGetProperty("next_cursor", out _));

        var seen = new List<long>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await GetAsync("/api/v1/inbox?limit=5" + (cursor is null ? "" : "&cursor=" + cursor));
            pages++;
            Assert.True(Ids(page).Count <= 5);
            Assert.Equal(23, page.GetProperty("counts").GetProperty("total").GetInt32());
            seen.AddRange(Ids(page));
            cursor = page.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(5, pages);
        Assert.Equal(Ids(whole), seen); // none missing, none twice, same order
        var queues = whole.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("queue").GetString()).ToList();
        Assert.Equal(queues.OrderBy(q => Array.IndexOf(InboxQueues.All, q)), queues);

        // A queue pages on its own too.
        var voice = await GetAsync("/api/v1/inbox?queue=voice&limit=3");
        var rest = await GetAsync("/api/v1/inbox?queue=voice&limit=3&cursor=" + voice.GetProperty("next_cursor").GetString());
        Assert.Equal(Ids(whole).Where(id => queues[Ids(whole).IndexOf(id)] == "voice"), Ids(voice).Concat(Ids(rest)));
    }

    [Fact]
    public async Task The_counts_alone_carry_no_patient_data_and_are_not_audited()
    {
        await InboxRows.AddAsync(Factory, 1, "en", "Rude staff");
        await InboxRows.AddAsync(Factory, 3, "en", voice: true, channel: "voice");

        var counts = await GetAsync("/api/v1/inbox/counts");

        Assert.Equal((1, 1, 2), (counts.GetProperty("escalation").GetInt32(), counts.GetProperty("voice").GetInt32(), counts.GetProperty("total").GetInt32()));
        Assert.DoesNotContain("Rude", counts.GetRawText());
        await using var db = Factory.Db();
        Assert.DoesNotContain(await db.AuditEntries.Select(a => a.Target).ToListAsync(), t => t.StartsWith("inbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_feedback_api_shows_the_transcript_decrypted_with_who_made_it_and_translators_are_refused()
    {
        var machine = await InboxRows.AddAsync(Factory, 3, "fr", voice: true, channel: "voice",
            set: f => (f.Transcript, f.TranscriptBy, f.TranscriptStatus) = ("Attente trop longue aux urgences", "machine:whisper-large-v3@stt.example:8080", "done"));
        var confirmed = await InboxRows.AddAsync(Factory, 2, "dua", voice: true, channel: "voice",
            set: f => (f.Transcript, f.TranscriptBy, f.TranscriptConfirmedAt, f.Department) = ("Ba si bola mba bwam", "staff:Nurse Ekwalla", AppFactory.Start, "emergency"));
        var typed = await InboxRows.AddAsync(Factory, 5, "en", "Kind nurses");

        var one = await GetAsync($"/api/v1/feedback/{machine}");
        Assert.Equal(("Attente trop longue aux urgences", "machine:whisper-large-v3@stt.example:8080", false),
            (one.GetProperty("transcript").GetString(), one.GetProperty("transcript_by").GetString(), one.GetProperty("transcript_confirmed").GetBoolean()));
        var list = (await GetAsync("/api/v1/feedback?limit=10")).GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("id").GetInt64());
        Assert.Equal(("Ba si bola mba bwam", "staff:Nurse Ekwalla", true, "emergency"),
            (list[confirmed].GetProperty("transcript").GetString(), list[confirmed].GetProperty("transcript_by").GetString(),
             list[confirmed].GetProperty("transcript_confirmed").GetBoolean(), list[confirmed].GetProperty("department").GetString()));
        Assert.False(list[typed].TryGetProperty("transcript", out _));
        Assert.False(list[typed].TryGetProperty("transcript_by", out _));

        await using (var db = Factory.Db())
        {
            var raw = await db.Database.SqlQuery<string>($"SELECT transcript AS \"Value\" FROM feedbacks WHERE id = {machine}").SingleAsync();
            Assert.StartsWith("enc1:", raw); // stored encrypted, shown decrypted
        }

        var translator = Factory.ClientWith(AppFactory.Token("translator", "Mme Ebelle"));
        Assert.Equal(HttpStatusCode.Forbidden, (await translator.GetAsync($"/api/v1/feedback/{machine}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await translator.GetAsync("/api/v1/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await translator.GetAsync("/api/v1/inbox")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await translator.GetAsync("/api/v1/inbox/counts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await translator.PutAsJsonAsync($"/api/v1/inbox/{machine}/department", new { department = "surgery" })).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_transcript_department_and_paging()
    {
        var schemas = (await GetAsync("/openapi/v1.json")).GetProperty("components").GetProperty("schemas");

        var feedback = schemas.GetProperty("FeedbackResponse").GetProperty("properties");
        Assert.All(["transcript", "transcript_by", "transcript_confirmed", "department"], p => Assert.True(feedback.TryGetProperty(p, out _), p));
        Assert.True(schemas.GetProperty("InboxPage").GetProperty("properties").TryGetProperty("next_cursor", out _));
        Assert.True(schemas.GetProperty("InboxItem").GetProperty("properties").TryGetProperty("suggested_department", out _));
        Assert.True(schemas.GetProperty("InboxDepartmentRequest").GetProperty("properties").TryGetProperty("department", out _));
    }

    [Theory]
    [InlineData("Maternity")]
    [InlineData("")]
    [InlineData("salle d'attente")]
    public void A_wrong_department_setting_is_refused_at_start_up_naming_it(string name)
    {
        var result = new HospitalOptionsValidator().Validate(null, new HospitalOptions { Departments = ["pharmacy", name] });
        Assert.True(result.Failed);
        Assert.Contains("Hospital:Departments:1", result.FailureMessage);
        Assert.True(new HospitalOptionsValidator().Validate(null, new HospitalOptions { Departments = ["pharmacy", "pharmacy"] }).Failed);
        Assert.Equal(["dialysis"], new HospitalOptions { Departments = ["dialysis"] }.DepartmentNames);
    }
}
