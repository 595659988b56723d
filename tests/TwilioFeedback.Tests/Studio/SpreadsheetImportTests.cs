using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Web.Studio;

namespace TwilioFeedback.Tests.Studio;

/// <summary>
/// Translators working offline: a language exported as XLSX or CSV, edited, imported back — the good
/// rows become the importer's drafts (never approved), a bad row is reported and blocks nothing.
/// </summary>
public sealed class SpreadsheetImportTests(AppFactory factory) : IClassFixture<AppFactory>, IAsyncLifetime
{
    private const string Rating = "Test: ɓwam? 1 … 5";
    private const string Thanks = "Na sôm!";

    private readonly HttpClient _translator = factory.ClientWith(AppFactory.Token("translator", "Ebenye Writer"));

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The rows as the person changes them: the rating and the thanks written, the menu without its placeholder, a key that does not exist.</summary>
    private static void Edit(List<Dictionary<string, string?>> rows)
    {
        rows.Single(r => r["key"] == "AskRating")["current text"] = Rating;
        rows.Single(r => r["key"] == "Thanks")["current text"] = Thanks;
        rows.Single(r => r["key"] == "LanguageMenu")["current text"] = "Pɔsɔ́ ɓwambo";
        var typo = rows[0].Keys.ToDictionary(k => k, _ => (string?)null);
        typo["key"] = "AskRatng";
        typo["current text"] = "typo in the key";
        rows.Add(typo);
    }

    [Fact]
    public async Task An_xlsx_exported_edited_and_imported_stores_the_good_rows_as_drafts_and_reports_the_bad_ones()
    {
        var export = await _translator.GetAsync("/api/v1/studio/export/dua.xlsx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(StudioSpreadsheet.XlsxContentType, export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("studio-dua-2026-11-24.xlsx", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        using var exported = new MemoryStream(await export.Content.ReadAsByteArrayAsync());
        var rows = exported.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>()
            .Select(r => r.ToDictionary(p => p.Key, p => p.Value?.ToString())).ToList();
        Assert.Equal(["key", "purpose", "English", "French", "current text", "status", "limits"], rows[0].Keys);
        var rating = rows.Single(r => r["key"] == "AskRating");
        Assert.Equal("How was your care at the hospital? Reply 1 (very bad) to 5 (very good).", rating["English"]);
        Assert.StartsWith("Comment jugez-vous", rating["French"], StringComparison.Ordinal);
        Assert.Equal("not written", rating["status"]);
        Assert.Contains("SMS", rating["limits"], StringComparison.Ordinal);

        Edit(rows);
        using var edited = new MemoryStream();
        edited.SaveAs(rows, excelType: ExcelType.XLSX);
        await AssertImportedAsync(edited.ToArray(), "dua.xlsx", rows.Count);
    }

    [Fact]
    public async Task A_csv_exported_edited_in_french_excel_and_imported_stores_the_good_rows_as_drafts_and_reports_the_bad_ones()
    {
        var export = await _translator.GetAsync("/api/v1/studio/export/dua.csv");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var bytes = await export.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var table = StudioSpreadsheetCsv.Parse(Encoding.UTF8.GetString(bytes[3..]))!;
        var header = table[0];
        var rows = table.Skip(1).Where(r => r.Length == header.Length)
            .Select(r => header.Zip(r).ToDictionary(p => p.First!, p => p.Second)).ToList();
        Assert.Contains(rows, r => r["key"] == "AskRating" && r["status"] == "not written");

        Edit(rows);
        // As Excel in a French locale saves it: semicolons, every field quoted, CRLF.
        var csv = new StringBuilder("\uFEFF");
        foreach (var row in rows.Prepend(header.ToDictionary(h => h!, h => h)))
        {
            csv.Append(string.Join(";", header.Select(h => "\"" + (row.GetValueOrDefault(h!) ?? "").Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))).Append("\r\n");
        }
        await AssertImportedAsync(Encoding.UTF8.GetBytes(csv.ToString()), "dua.csv", rows.Count);
    }

    /// <summary>An export's rows by key, read as a person's spreadsheet program reads the CSV.</summary>
    private async Task<(string?[] Header, Dictionary<string, Dictionary<string, string?>> Rows)> ExportCsvAsync(string query)
    {
        var export = await _translator.GetAsync("/api/v1/studio/export/dua.csv" + query);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var table = StudioSpreadsheetCsv.Parse(Encoding.UTF8.GetString((await export.Content.ReadAsByteArrayAsync())[3..]))!;
        return (table[0], table.Skip(1).ToDictionary(r => r[0]!, r => table[0].Zip(r).ToDictionary(p => p.First!, p => p.Second)));
    }

    [Fact]
    public async Task Staff_on_a_french_page_download_the_purpose_status_and_limits_in_french_under_the_same_column_names()
    {
        var (header, rows) = await ExportCsvAsync("?ui=fr");
        Assert.Equal(StudioSpreadsheet.Columns, header.Select(h => h ?? ""));
        var rating = rows["AskRating"];
        Assert.Equal("Demande la note des soins, de 1 à 5, par SMS/WhatsApp.", rating["purpose"]);
        Assert.Equal("pas écrit", rating["status"]);
        Assert.Equal("SMS : 1 segment (2 au plus)", rating["limits"]);
        Assert.Equal("garder {0} {1} ; SMS : 1 segment (2 au plus) ; USSD : 182 caractères au plus", rows["LanguageMenuAgain"]["limits"]);
        Assert.Equal("Mots qu'un patient peut taper pour oui (confirmer un rappel), séparés par des virgules.", rows["Words_Yes"]["purpose"]);
        Assert.Equal("How was your care at the hospital? Reply 1 (very bad) to 5 (very good).", rating["English"]);

        // A draft imported from it: its status in French too, and still in English for an English page (the default).
        var imported = await ImportAsync(Encoding.UTF8.GetBytes($"key,current text\r\nAskRating,{Rating}\r\n"), "dua.csv");
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.StartsWith("brouillon de Ebenye Writer, 2026-11-24 ", (await ExportCsvAsync("?ui=fr")).Rows["AskRating"]["status"], StringComparison.Ordinal);
        Assert.EndsWith(", source spreadsheet", (await ExportCsvAsync("?ui=fr")).Rows["AskRating"]["status"], StringComparison.Ordinal);
        var english = (await ExportCsvAsync("")).Rows["AskRating"];
        Assert.Equal(("Asks for the rating of the care, 1 to 5, by SMS/WhatsApp.", "SMS: 1 segment (2 at most)"), (english["purpose"], english["limits"]));
        Assert.StartsWith("draft by Ebenye Writer, 2026-11-24 ", english["status"], StringComparison.Ordinal);
        Assert.Equal(english["status"], (await ExportCsvAsync("?ui=en")).Rows["AskRating"]["status"]);

        var unknown = await _translator.GetAsync("/api/v1/studio/export/dua.xlsx?ui=de");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Every_studio_text_has_a_french_purpose_for_the_page_and_the_spreadsheet()
    {
        var missing = TwilioFeedback.Resources.Texts.TextItems.All.Where(i => StudioPurposes.InFrench(i.Key) is null).Select(i => i.Key).ToList();
        Assert.True(missing.Count == 0, "no studio.purpose.<key> in i18n.js for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Only_the_french_blocks_of_i18n_js_give_the_french_purposes()
    {
        const string script = """
            window.TF_TEXTS = {
                en: {
                    "studio.purpose.AskRating": "Asks for the rating.",
                },
                fr: {
                    "studio.purpose.AskRating": "Demande la note.",
                },
            };
            Object.assign(window.TF_TEXTS.en, {
                "studio.purpose.Help": "The help text.",
            });
            Object.assign(window.TF_TEXTS.fr, {
                "studio.purpose.Thanks": "Le merci \"final\".",
            });
            """;
        var french = StudioPurposes.FrenchEntries(script);
        Assert.Equal([("AskRating", "Demande la note."), ("Thanks", "Le merci \"final\".")],
            french.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)));
    }

    private async Task AssertImportedAsync(byte[] file, string name, int rowCount)
    {
        var answer = await ImportAsync(file, name);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var report = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, report.GetProperty("imported").GetInt32());
        Assert.Equal(rowCount - 4, report.GetProperty("unchanged").GetInt32());
        var refused = report.GetProperty("refused").EnumerateArray()
            .Select(r => (Row: r.GetProperty("row").GetInt32(), Key: r.GetProperty("key").GetString(), Reason: r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal(["LanguageMenu", "AskRatng"], refused.Select(r => r.Key));
        Assert.Contains("placeholders", refused[0].Reason, StringComparison.Ordinal);
        Assert.Contains("not a patient-facing text", refused[1].Reason, StringComparison.Ordinal);
        Assert.Equal(rowCount + 1, refused[1].Row); // the last row; the header is row 1

        var texts = (await _translator.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/dua")).EnumerateArray().ToDictionary(i => i.GetProperty("key").GetString()!);
        foreach (var (key, text) in new[] { ("AskRating", Rating), ("Thanks", Thanks) })
        {
            var draft = texts[key].GetProperty("draft");
            Assert.Equal(text, draft.GetProperty("text").GetString());
            Assert.Equal("spreadsheet", draft.GetProperty("source").GetString());
            Assert.Equal("Ebenye Writer", draft.GetProperty("author").GetString());
            Assert.False(texts[key].TryGetProperty("approved", out _));
        }
        Assert.False(texts["LanguageMenu"].TryGetProperty("draft", out _));

        // The same file again changes nothing.
        var again = await (await ImportAsync(file, name)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(rowCount - 2, again.GetProperty("unchanged").GetInt32());
    }

    private Task<HttpResponseMessage> ImportAsync(byte[] file, string name, string language = "dua")
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return _translator.PostAsync($"/api/v1/studio/import/{language}", new MultipartFormDataContent { { content, "file", name } });
    }

    [Fact]
    public async Task A_file_that_is_not_a_spreadsheet_gets_a_400_problem_and_stores_nothing()
    {
        var png = await ImportAsync([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], "photo.png");
        Assert.Equal(HttpStatusCode.BadRequest, png.StatusCode);
        Assert.Equal("application/problem+json", png.Content.Headers.ContentType?.MediaType);
        var problem = await png.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not a studio spreadsheet.", problem.GetProperty("title").GetString());

        var letter = await ImportAsync(Encoding.UTF8.GetBytes("Dear translator,\nthe texts are attached.\n"), "letter.txt");
        Assert.Equal(HttpStatusCode.BadRequest, letter.StatusCode);
        Assert.Contains("\"key\" and \"current text\"", (await letter.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var raw = await _translator.PostAsync("/api/v1/studio/import/dua", new ByteArrayContent(Encoding.UTF8.GetBytes("key,current text\r\nThanks,Na sôm!\r\n")));
        Assert.Equal(HttpStatusCode.BadRequest, raw.StatusCode);

        var texts = await _translator.GetFromJsonAsync<JsonElement>("/api/v1/studio/texts/dua");
        Assert.All(texts.EnumerateArray(), i => Assert.False(i.TryGetProperty("draft", out _)));
    }

    [Theory]
    [InlineData("dua")]
    [InlineData("bas")]
    [InlineData("ewo")]
    public async Task The_lexicon_loads_as_drafts_marked_with_their_public_source_and_none_is_approved(string language)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "TwilioFeedback.sln")))
        {
            root = root.Parent!;
        }
        var file = await File.ReadAllBytesAsync(Path.Combine(root.FullName, "Resources", "Lexicon", language + ".csv"));
        var report = await (await ImportAsync(file, language + ".csv", language)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(report.GetProperty("refused").EnumerateArray());
        var rows = StudioSpreadsheet.Read(file).Lines;
        Assert.Equal(rows.Count, report.GetProperty("imported").GetInt32());
        var texts = (await _translator.GetFromJsonAsync<JsonElement>($"/api/v1/studio/texts/{language}")).EnumerateArray().ToDictionary(i => i.GetProperty("key").GetString()!);
        foreach (var row in rows)
        {
            Assert.Equal(row.Text, texts[row.Key].GetProperty("draft").GetProperty("text").GetString());
            Assert.StartsWith("LEXICON.md: ", texts[row.Key].GetProperty("draft").GetProperty("source").GetString(), StringComparison.Ordinal);
        }
        Assert.All(texts.Values, i => Assert.False(i.TryGetProperty("approved", out _)));
    }

    [Fact]
    public async Task Staff_without_the_translator_role_may_not_export_or_import()
    {
        using var nurse = factory.ClientWith(AppFactory.Token("staff"));
        Assert.Equal(HttpStatusCode.Forbidden, (await nurse.GetAsync("/api/v1/studio/export/dua.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _translator.GetAsync("/api/v1/studio/export/xx.csv")).StatusCode);
    }
}
