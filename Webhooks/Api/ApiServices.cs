using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using TwilioFeedback.Webhooks.Patients;
using TwilioFeedback.Webhooks.Voice;

using TwilioFeedback.Webhooks.Api.Fhir;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>The REST API: snake_case JSON, its OpenAPI document and reference page, and the audit log.</summary>
public static class ApiServices
{
    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        services.AddOpenApi(options => options.AddSeedExamples());
        services.AddScoped<AuditLog>();
        services.AddSingleton<Fhir.FhirAppointments>();
        return services;
    }

    public static IEndpointRouteBuilder MapApi(this IEndpointRouteBuilder app)
    {
        app.MapFeedbackApi();
        app.MapSync();
        app.MapReports();
        app.MapPatients();
        app.MapReminderApi();
        app.MapAppointmentApi();
        app.MapCallBackApi();
        app.MapFhirApi();                  // HL7 FHIR R4 Appointments from the hospital's integration engine
        app.MapInboxApi();
        app.MapPrompts();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("TwilioFeedback API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }
}
