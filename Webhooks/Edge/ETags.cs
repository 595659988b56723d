using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace TwilioFeedback.Webhooks.Edge;

/// <summary>Frugal on slow links: an answer the client has already costs no body.</summary>
public static class ETags
{
    /// <summary>GET answers carry an ETag; a client that has it gets 304 and no body.</summary>
    public static TBuilder WithETags<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            var inner = result is INestedHttpResult nested ? nested.Result : result;
            if (!HttpMethods.IsGet(http.Request.Method) || inner is not IValueHttpResult { Value: { } value } || inner is not IStatusCodeHttpResult { StatusCode: 200 })
            {
                return result;
            }
            var json = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json)))[..32]}\"";
            http.Response.Headers.ETag = etag;
            return http.Request.Headers.IfNoneMatch.Contains(etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : result;
        });
}
