using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using TwilioFeedback.Webhooks.Patients;

namespace TwilioFeedback.Webhooks.Api;

/// <summary>Examples in the OpenAPI document (and so on /docs), in the seed's shapes and snake_case names.</summary>
public static class ApiExamples
{
    private static readonly Dictionary<Type, string> Examples = new()
    {
        [typeof(FeedbackRequest)] = """{"patient_id":"PAT123","language":"french","content":"Le personnel était très gentil","rating":5}""",
        [typeof(FeedbackResponse)] = """
            {"id":42,"patient_id":"PAT123","language":"french","content":"Le personnel était très gentil","rating":5,
             "date_submitted":"2026-11-24T09:30:00+00:00","processed":true,"channel":"api","has_voice":false,
             "sentiment":"positive","topics":["staff_attitude"],"comment_language":"fr"}
            """,
        [typeof(SyncBatch)] = """
            {"items":[{"client_id":"6f1c2a9e-3b7d-4c55-9a0e-2d4b8f1e7c31","patient_id":"PAT123","language":"duala","rating":4,
             "content":"Bwam","given_at":"2026-11-23T14:05:00+01:00"}]}
            """,
        [typeof(SyncAnswer)] = """
            {"items":[{"client_id":"6f1c2a9e-3b7d-4c55-9a0e-2d4b8f1e7c31","outcome":"created","id":43},
                      {"client_id":"0b8e7c1d-5a2f-4e3b-8c9d-1f2a3b4c5d6e","outcome":"invalid","reason":"rating is required, from 1 to 5."}]}
            """,
        [typeof(ReminderRequest)] = """
            {"patient_id":"PAT123","message":"Rendez-vous demain à 9h, service de cardiologie","language":"french",
             "scheduled_time":"2026-11-25T08:00:00+01:00","phone_number":"+237677123456","email":"patient@example.cm",
             "channels":["sms","email"],"confirm":true}
            """,
        [typeof(ReminderResponse)] = """
            {"id":7,"patient_id":"PAT123","message":"Rendez-vous demain à 9h, service de cardiologie","language":"french",
             "scheduled_time":"2026-11-25T07:00:00+00:00","phone_number":"+237677123456","status":"scheduled","channels":["sms","email"],
             "urgent":false,"attempts":0,"sms_segments":1,"kind":"reminder","confirm":true}
            """,
        [typeof(PatientUpdate)] = """{"preferred_language":"ewondo","opted_out":false}""",
        [typeof(PatientResponse)] = """
            {"patient_id":"PAT123","preferred_language":"ewondo","opted_out":false,"phone":"+2376••••••56","feedback_count":3,
             "created_at":"2026-11-01T10:00:00+00:00"}
            """,
    };

    /// <summary>Every example by the type it shows (the tests check each still fits its type).</summary>
    public static IReadOnlyDictionary<Type, string> All => Examples;

    public static OpenApiOptions AddSeedExamples(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
            {
                schema.Examples = [JsonNode.Parse(example)!];
            }
            return Task.CompletedTask;
        });
}
