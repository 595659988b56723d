using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace TwilioFeedback.Webhooks.Web;

/// <summary>
/// The pages' files, embedded in the assembly and compressed once at start (Brotli, gzip): served
/// with an ETag, HTML revalidated on each visit, scripts and styles cached for a year under a
/// <c>?v=</c> hash that the HTML carries.
/// </summary>
public sealed partial class WebAssets
{
    private const string ResourcePrefix = "web/";

    private sealed record Asset(string ContentType, string ETag, string Version, byte[] Identity, byte[] Brotli, byte[] Gzip);

    private readonly FrozenDictionary<string, Asset> _assets;

    public WebAssets()
    {
        var assembly = typeof(WebAssets).Assembly;
        var raw = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToDictionary(n => n[ResourcePrefix.Length..], n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                return buffer.ToArray();
            });
        var versions = raw.ToDictionary(p => p.Key, p => Hash(p.Value)[..12]);
        _assets = raw.ToFrozenDictionary(p => p.Key, p =>
        {
            var bytes = p.Value;
            if (p.Key.EndsWith(".html", StringComparison.Ordinal))
            {
                // Scripts and styles referenced by version, so browsers may keep them for a year.
                bytes = Encoding.UTF8.GetBytes(AssetReference().Replace(Encoding.UTF8.GetString(bytes),
                    m => versions.TryGetValue(m.Groups[1].Value, out var v) ? $"/web/{m.Groups[1].Value}?v={v}\"" : m.Value));
            }
            return new Asset(ContentTypeOf(p.Key), $"\"{Hash(bytes)[..24]}\"", versions[p.Key], bytes,
                Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)),
                Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)));
        });
    }

    /// <summary>Writes the named file, or 404; honours If-None-Match and Accept-Encoding.</summary>
    public IResult Serve(HttpContext context, string name)
    {
        if (!_assets.TryGetValue(name, out var asset))
        {
            return TypedResults.NotFound();
        }
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        headers.Vary = "Accept-Encoding";
        headers.XContentTypeOptions = "nosniff";
        if (name.EndsWith(".html", StringComparison.Ordinal))
        {
            headers.CacheControl = "no-cache";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
            headers["Referrer-Policy"] = "no-referrer";
        }
        else
        {
            headers.CacheControl = context.Request.Query["v"] == asset.Version ? "public, max-age=31536000, immutable" : "public, max-age=300";
        }
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var accepts = context.Request.Headers.AcceptEncoding.ToString();
        if (accepts.Contains("br", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "br";
            return TypedResults.Bytes(asset.Brotli, asset.ContentType);
        }
        if (accepts.Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(asset.Gzip, asset.ContentType);
        }
        return TypedResults.Bytes(asset.Identity, asset.ContentType);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(bytes);
        }
        return output.ToArray();
    }

    [GeneratedRegex("/web/([a-z0-9.-]+\\.(?:js|css|svg))\"")]
    private static partial Regex AssetReference();
}
