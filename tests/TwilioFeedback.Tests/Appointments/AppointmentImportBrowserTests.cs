using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using TwilioFeedback.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>A member of staff on a phone signs in, uploads the hospital's list and reads the report, in English and in French.</summary>
public sealed class AppointmentImportBrowserTests(BrowserAppFactory factory) : IClassFixture<BrowserAppFactory>, IAsyncLifetime
{
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors = [];

    public Task InitializeAsync() => factory.ResetAsync();

    public Task DisposeAsync()
    {
        Assert.True(_errors.IsEmpty, string.Join("\n", _errors));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Staff_upload_a_list_on_a_phone_and_see_each_rows_outcome()
    {
        await Accounts.Staff.CreateAsync(factory.Services, "ekwalla@hospital.cm", "staff");
        var page = await factory.NewPageAsync(390, 844, errors: _errors, expected: BrowserAppFactory.Statuses(401));

        await page.GotoAsync("/appointments/import");
        await BrowserAppFactory.SignInAsync(page, "ekwalla@hospital.cm", "/appointments/import");

        var csv = "external_id,patient_id,phone_number,department,starts_at\r\n"
            + "HIS-301,PAT301,677000301,Surgery,2027-01-15 09:30\r\n"
            + "HIS-302,PAT302,677000302,Maternity,2027-01-16 10:00\r\n"
            + "HIS-301,PAT301,677000301,Surgery,2027-01-15 09:30\r\n"
            + "HIS-303,PAT303,677000303,Astrology,2027-01-16 10:00\r\n";
        await page.GetByLabel("File (.csv or .xlsx)").SetInputFilesAsync(new FilePayload { Name = "list.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Import" }).ClickAsync();

        await Expect(page.GetByText("2 created, 0 updated, 1 unchanged, 1 refused.")).ToBeVisibleAsync();
        var refused = page.Locator("#rows tr").Nth(3);
        await Expect(refused).ToContainTextAsync("Refused");
        await Expect(refused).ToContainTextAsync("department must be one of");
        await Expect(page.Locator("#status")).ToHaveTextAsync("4 rows read.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), "the page scrolls sideways at 390 px");
        // Only the reason wraps anywhere: a row number, an id or a result is never split mid-word at 390 px.
        var split = await page.EvaluateAsync<string[]>("""
            [...document.querySelectorAll("#rows td:not(:last-child)")].filter(td => {
                const range = document.createRange(); range.selectNodeContents(td);
                return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
            }).map(td => td.textContent)
            """);
        Assert.Empty(split);

        await page.GetByRole(AriaRole.Button, new() { Name = "Français" }).ClickAsync();
        // Counts of one (and of none) in the singular, as French says them (Intl.PluralRules).
        await Expect(page.Locator("#counts")).ToHaveTextAsync("2 créés, 0 mis à jour, 1 inchangé, 1 refusé.");
        await Expect(refused).ToContainTextAsync("Refusé");
        // The server's reason as its code and values, worded in French; the long list of departments wraps inside the table's box.
        await Expect(refused.Locator("td.reason")).ToContainTextAsync("department doit être l'un de ces services : maternity, pharmacy, emergency");
        await Expect(page.Locator("#status")).ToHaveTextAsync("4 lignes lues.");
        Assert.True(await page.EvaluateAsync<bool>("(box => box.scrollWidth <= box.clientWidth)(document.querySelector('#report .table-scroll'))"),
            "the report's table scrolls sideways inside its box at 390 px");
        // The header is one line ("Pourquoi" is not left alone on a second one), and the results line up under "Résultat".
        var headerLines = await page.EvaluateAsync<int>("""
            new Set([...document.querySelectorAll("#report thead th")].filter(th => th.getBoundingClientRect().width > 1)
                .map(th => Math.round(th.getBoundingClientRect().top))).size
            """);
        Assert.Equal(1, headerLines);
        var resultLefts = await page.EvaluateAsync<int[]>("""
            [...document.querySelectorAll("#report tr > :nth-child(3)")].map(c => Math.round(c.getBoundingClientRect().left))
            """);
        Assert.Single(resultLefts.Distinct());
        await page.ScreenshotAsync(new() { Path = BrowserAppFactory.ScreenshotPath("appointments-import-fr-390"), FullPage = true });

        await using var db = factory.Db();
        Assert.Equal(["HIS-301", "HIS-302"], await db.Appointments.OrderBy(a => a.ExternalId).Select(a => a.ExternalId!).ToListAsync());
    }
}
