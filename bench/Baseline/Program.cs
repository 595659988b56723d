// A bare ASP.NET Core endpoint answering every webhook path with one constant TwiML document: what the
// benchmark compares the real server with. Same runtime, same defaults (server GC), no middleware.
using System.Text;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();

var twiml = Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?><Response><Message>How was your care? Reply 1 to 5.</Message></Response>");
app.MapPost("/{**path}", (HttpContext context) =>
{
    context.Response.ContentType = "text/xml; charset=utf-8";
    return context.Response.Body.WriteAsync(twiml).AsTask();
});
app.MapGet("/health/live", () => "Healthy");
app.Run();
