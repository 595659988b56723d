using Microsoft.Extensions.DependencyInjection;
using TwilioFeedback.Resources;
using TwilioFeedback.Resources.Texts;
using TwilioFeedback.Scheduling.Appointments;
using TwilioFeedback.Scheduling.Hospital;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Tests.Reminders;
using TwilioFeedback.Tests.Studio;

namespace TwilioFeedback.Tests.Appointments;

/// <summary>An appointment's texts name its department in the message's language (Resources <c>Department_{slug}</c>), at the Twilio stub.</summary>
public sealed class AppointmentDepartmentNameTests(TwilioApiFactory factory) : IntegrationTest<TwilioApiFactory>(factory)
{
    // The clock starts Tuesday 24 November 2026, 10:00 in Douala; the first reminder goes that day at 18:00.
    private static readonly DateTimeOffset FridayTen = new(2026, 11, 27, 10, 0, 0, AppointmentSteps.Douala);

    /// <summary>The first reminder of an appointment in <paramref name="department"/> for a new patient speaking <paramref name="language"/>, as the patient gets it.</summary>
    private async Task<string> FirstReminderAsync(string language, string department)
    {
        Factory.TwilioAccepts();
        var result = await Factory.UpsertAsync(new AppointmentRequest("PAT1710", "677 00 17 10", null, null, department, FridayTen, "HIS-1710", null, language));
        Assert.Equal(AppointmentUpsertOutcome.Created, result.Outcome);
        Factory.Clock.Advance(TimeSpan.FromHours(8));
        await Factory.DispatchAsync();
        return Assert.Single(Factory.Sms());
    }

    public static TheoryData<string, string, string, SmsEncoding, int> Reminders() => new()
    {
        { "fr", "maternity", "Hôpital Général de Douala : votre rendez-vous (Maternité) est le 27 novembre à 10:00. Répondez 1 pour confirmer, 2 pour refuser.", SmsEncoding.Ucs2, 2 },
        { "en", "maternity", "Douala General Hospital: your appointment (Maternity) is on 27 November at 10:00. Reply 1 to confirm, 2 to decline.", SmsEncoding.Gsm7, 1 },
        // The longest names of the default list: French is UCS-2 (the ô of Hôpital), 67 characters a part, so they cost a third part.
        { "fr", "outpatients", "Hôpital Général de Douala : votre rendez-vous (Consultations externes) est le 27 novembre à 10:00. Répondez 1 pour confirmer, 2 pour refuser.", SmsEncoding.Ucs2, 3 },
        { "en", "internal_medicine", "Douala General Hospital: your appointment (Internal medicine) is on 27 November at 10:00. Reply 1 to confirm, 2 to decline.", SmsEncoding.Gsm7, 1 },
    };

    [Theory]
    [MemberData(nameof(Reminders))]
    public async Task An_appointment_reminder_names_the_department_in_the_patients_language(string language, string department, string expected, SmsEncoding encoding, int segments)
    {
        var sms = await FirstReminderAsync(language, department);

        Assert.Equal(expected, sms);
        var cost = SmsSegments.Count(sms);
        Assert.Equal((encoding, segments), (cost.Encoding, cost.Segments));
    }

    [Fact]
    public async Task A_department_name_approved_in_the_studio_replaces_the_built_in_one_and_a_draft_changes_nothing()
    {
        var (writer, reviewer) = (Factory.ClientWith(AppFactory.Token("translator", "Translator A")), Factory.ClientWith(AppFactory.Token("translator", "Translator B")));
        var draft = await StudioSteps.DraftAsync(writer, "fr", "Department_maternity", "Maternité, bâtiment B");
        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        Assert.Equal("Maternité", DepartmentNames.In(texts, "maternity", Language.French));

        Assert.Equal(System.Net.HttpStatusCode.OK, (await StudioSteps.ApproveAsync(reviewer, "fr", "Department_maternity", draft)).StatusCode);
        Assert.Contains("(Maternité, bâtiment B)", await FirstReminderAsync("fr", "maternity"));
    }

    [Fact]
    public void Every_default_department_has_its_name_in_the_five_languages_and_a_department_without_one_reads_as_configured()
    {
        var texts = Factory.Services.GetRequiredService<PatientTexts>();
        Assert.Equal(HospitalOptions.DefaultDepartments.Select(d => "Department_" + d), MessageKeys.Departments);
        Assert.Equal("Pédiatrie", DepartmentNames.In(texts, "paediatrics", Language.French));
        Assert.Equal("Paediatrics", DepartmentNames.In(texts, "paediatrics", Language.English));
        // No Duala name is attested (LEXICON.md): the French one stands in, marked as a placeholder in Messages.dua.resx.
        Assert.Equal("Pédiatrie", DepartmentNames.In(texts, "paediatrics", Language.Duala));
        Assert.Equal("Eye clinic", DepartmentNames.In(texts, "eye_clinic", Language.French));
    }
}
