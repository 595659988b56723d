using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TwilioFeedback.Webhooks.Conversations;
using TwilioFeedback.Persistence.Privacy;
using TwilioFeedback.Scheduling.Reminders;
using TwilioFeedback.Tests.Infrastructure;
using TwilioFeedback.Webhooks.Configuration;
using TwilioFeedback.Webhooks.Observability;
using YamlDotNet.Serialization;

namespace TwilioFeedback.Tests.Observability;

/// <summary>
/// docker-compose.yml, deploy/k8s and the Dockerfile agree with the server: the ports it listens on,
/// the health paths it answers, the settings it reads, the secrets it is given, its shutdown timeout.
/// </summary>
public sealed partial class DeploymentManifestTests(AppFactory factory) : IntegrationTest<AppFactory>(factory)
{
    private static readonly string Root = FindRoot();

    /// <summary>Names the .NET host itself reads (not through our options classes).</summary>
    private static readonly string[] HostVariables =
        ["ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "ASPNETCORE_FORWARDEDHEADERS_ENABLED", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"];

    /// <summary>Keys the server reads outside an options class with a Section (ServiceRegistration, Program).</summary>
    private static readonly string[] DirectKeys = ["ConnectionStrings:Postgres", "Database:ApplyMigrations", "TEXT_OVERRIDES_FILE"];

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TwilioFeedback.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("TwilioFeedback.sln not found above the test output.");
    }

    private static Dictionary<object, object> Yaml(string relativePath) =>
        (Dictionary<object, object>)new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(Path.Combine(Root, relativePath)))!;

    private static Dictionary<object, object> Map(object? node, string key) => (Dictionary<object, object>)((Dictionary<object, object>)node!)[key];

    private static List<object> Seq(object? node, string key) => (List<object>)((Dictionary<object, object>)node!)[key];

    private static string Str(object? node, string key) => (string)((Dictionary<object, object>)node!)[key];

    private static bool Has(object? node, string key) => ((Dictionary<object, object>)node!).ContainsKey(key);

    private static HashSet<int> Ports(string httpPorts) => httpPorts.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();

    /// <summary>Is <paramref name="name"/> an environment name the server reads? (An alias, a host variable, or Section__Property of an options class.)</summary>
    private static bool ServerReads(string name)
    {
        if (EnvironmentAliasesSource.Aliases.Any(a => a.Variable == name) || HostVariables.Contains(name) || DirectKeys.Contains(name.Replace("__", ":")))
        {
            return true;
        }
        var parts = name.Split("__");
        if (parts.Length < 2)
        {
            return false;
        }
        var sections = new[] { typeof(Program).Assembly, typeof(ReminderOptions).Assembly, typeof(SecurityOptions).Assembly, typeof(RedisOptions).Assembly }
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null);
        return sections.Any(s => string.Equals(s.Section, parts[0], StringComparison.OrdinalIgnoreCase)
            && s.Type.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true });
    }

    [Fact]
    public void The_name_check_itself_tells_settings_the_server_reads_from_ones_it_does_not()
    {
        Assert.True(ServerReads("Reminders__DispatchEverySeconds"));
        Assert.True(ServerReads("Metrics__Port"));
        Assert.True(ServerReads("TWILIO_AUTH_TOKEN"));
        Assert.False(ServerReads("Reminders__DispatchEveryMinute"));
        Assert.False(ServerReads("TWILIO_TOKEN"));
        Assert.False(ServerReads("Nothing__Here"));
    }

    private static (Dictionary<object, object> Deployment, Dictionary<object, object> Container, Dictionary<object, object> Config) K8s()
    {
        var deployment = Yaml("deploy/k8s/deployment.yaml");
        var container = (Dictionary<object, object>)Assert.Single(Seq(Map(Map(Map(deployment, "spec"), "template"), "spec"), "containers"));
        var config = Map(Yaml("deploy/k8s/configmap.yaml"), "data");
        return (deployment, container, config.ToDictionary(p => p.Key, p => p.Value));
    }

    [Fact]
    public void Kubernetes_runs_two_replicas_or_more_on_the_ports_the_server_listens_on()
    {
        var (deployment, container, config) = K8s();
        Assert.True(int.Parse(Str(Map(deployment, "spec"), "replicas")) >= 2);
        var listening = Ports(Str(config, "ASPNETCORE_HTTP_PORTS"));
        var declared = Seq(container, "ports").ToDictionary(p => Str(p, "name"), p => int.Parse(Str(p, "containerPort")));
        Assert.Equal(listening.Order(), declared.Values.Order());
        var metricsPort = int.Parse(Str(config, "Metrics__Port"));
        Assert.Equal(metricsPort, declared["metrics"]);

        var pod = Map(Map(deployment, "spec"), "template");
        var annotations = Map(Map(pod, "metadata"), "annotations");
        Assert.Equal("true", Str(annotations, "prometheus.io/scrape"));
        Assert.Equal(metricsPort.ToString(), Str(annotations, "prometheus.io/port"));
        Assert.Equal("/metrics", Str(annotations, "prometheus.io/path"));

        // The Service publishes the web port only; the Ingress reaches it by name; the host is PUBLIC_BASE_URL's.
        var service = Yaml("deploy/k8s/service.yaml");
        Assert.Equal(Map(Map(pod, "metadata"), "labels").ToDictionary(), Map(Map(service, "spec"), "selector").ToDictionary());
        var servicePort = (Dictionary<object, object>)Assert.Single(Seq(Map(service, "spec"), "ports"));
        Assert.Equal("http", Str(servicePort, "targetPort"));
        Assert.NotEqual(metricsPort, declared[Str(servicePort, "targetPort")]);
        var ingress = Yaml("deploy/k8s/ingress.yaml");
        var rule = (Dictionary<object, object>)Assert.Single(Seq(Map(ingress, "spec"), "rules"));
        var backend = Map(Map(Assert.Single(Seq(Map(rule, "http"), "paths")), "backend"), "service");
        Assert.Equal(Str(Map(service, "metadata"), "name"), Str(backend, "name"));
        Assert.Equal(Str(servicePort, "name"), Str(Map(backend, "port"), "name"));
        Assert.Equal(new Uri(Str(config, "PUBLIC_BASE_URL")).Host, Str(rule, "host"));
    }

    [Fact]
    public void Kubernetes_probes_hit_the_health_paths_and_the_grace_period_covers_the_shutdown_timeout()
    {
        var (deployment, container, config) = K8s();
        Assert.Equal("/health/live", Str(Map(Map(container, "livenessProbe"), "httpGet"), "path"));
        Assert.Equal("/health/ready", Str(Map(Map(container, "readinessProbe"), "httpGet"), "path"));
        Assert.Equal("/health/live", Str(Map(Map(container, "startupProbe"), "httpGet"), "path"));
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            Assert.Equal("http", Str(Map(Map(container, probe), "httpGet"), "port"));
        }

        var preStop = Seq(Map(Map(Map(container, "lifecycle"), "preStop"), "exec"), "command").Cast<string>().ToList();
        Assert.Equal("sleep", preStop[0]);
        var grace = int.Parse(Str(Map(Map(Map(deployment, "spec"), "template"), "spec"), "terminationGracePeriodSeconds"));
        Assert.True(grace >= int.Parse(preStop[1]) + int.Parse(Str(config, "Shutdown__TimeoutSeconds")),
            "terminationGracePeriodSeconds must cover the preStop pause and the server's shutdown timeout");

        var resources = Map(container, "resources");
        Assert.True(Has(Map(resources, "requests"), "cpu") && Has(Map(resources, "requests"), "memory"));
        Assert.True(Has(Map(resources, "limits"), "memory"));
    }

    [Fact]
    public void Kubernetes_sets_only_settings_the_server_reads_and_every_secret_it_refers_to_is_in_the_example()
    {
        var (_, container, config) = K8s();
        var secret = Yaml("deploy/k8s/secret.example.yaml");
        var secretName = Str(Map(secret, "metadata"), "name");
        var secretKeys = Map(secret, "stringData").Keys.Cast<string>().ToHashSet();
        var configName = Str(Map(Yaml("deploy/k8s/configmap.yaml"), "metadata"), "name");

        Assert.Equal(configName, Str(Map(Assert.Single(Seq(container, "envFrom")), "configMapRef"), "name"));
        var names = config.Keys.Cast<string>().ToList();
        foreach (var variable in Seq(container, "env"))
        {
            names.Add(Str(variable, "name"));
            var reference = Map(Map(variable, "valueFrom"), "secretKeyRef");
            Assert.Equal(secretName, Str(reference, "name"));
            Assert.Contains(Str(reference, "key"), secretKeys);
        }
        names.AddRange(secretKeys);
        Assert.All(names, name => Assert.True(ServerReads(name), $"{name} is not a setting the server reads"));
        Assert.Contains("SECRET_KEY", names);
        Assert.Contains("DATABASE_URL", names);
        Assert.Contains("REDIS_URL", names);

        var kustomization = Yaml("deploy/k8s/kustomization.yaml");
        Assert.All(Seq(kustomization, "resources").Cast<string>(), file => Assert.True(File.Exists(Path.Combine(Root, "deploy/k8s", file)), file));
    }

    [Fact]
    public void Compose_runs_the_server_with_its_databases_on_the_ports_and_settings_it_reads()
    {
        var services = Map(Yaml("docker-compose.yml"), "services");
        var app = Map(services, "app");
        var environment = Map(app, "environment");
        Assert.All(environment.Keys.Cast<string>(), name => Assert.True(ServerReads(name), $"{name} is not a setting the server reads"));

        var listening = Ports(Str(environment, "ASPNETCORE_HTTP_PORTS"));
        var published = Seq(app, "ports").Cast<string>().Select(p => int.Parse(p.Split(':')[^1])).ToList();
        Assert.All(published, port => Assert.Contains(port, listening));
        var metricsPort = int.Parse(Str(environment, "Metrics__Port"));
        Assert.Contains(metricsPort, listening);
        Assert.DoesNotContain(metricsPort, published); // metrics stay on the compose network
        Assert.Equal("true", Str(environment, "Database__ApplyMigrations"));

        // DATABASE_URL and REDIS_URL name the compose services, which have volumes and health checks the app waits for.
        Assert.Equal("postgres", new Uri(Str(environment, "DATABASE_URL").Replace("${POSTGRES_PASSWORD:-feedback}", "x")).Host);
        Assert.Equal("redis", new Uri(Str(environment, "REDIS_URL")).Host);
        foreach (var database in new[] { "postgres", "redis" })
        {
            Assert.True(Has(Map(services, database), "volumes") && Has(Map(services, database), "healthcheck"), database);
            Assert.Equal("service_healthy", Str(Map(Map(app, "depends_on"), database), "condition"));
        }

        var healthcheck = string.Join(' ', Seq(Map(app, "healthcheck"), "test").Cast<string>());
        Assert.Contains($"localhost:{published.Single()}/health/ready", healthcheck);
        var grace = Str(app, "stop_grace_period");
        Assert.True(int.Parse(grace.TrimEnd('s')) > int.Parse(Str(environment, "Shutdown__TimeoutSeconds")));
    }

    [Fact]
    public void The_image_runs_as_a_user_with_ICU_the_three_cultures_and_a_health_check_on_its_port()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile);
        Assert.Contains("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false", dockerfile);
        Assert.All(dockerfile.Split('\n').Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)), from =>
        {
            Assert.DoesNotContain("alpine", from, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("chiseled", from, StringComparison.OrdinalIgnoreCase);
        });
        foreach (var culture in new[] { "dua", "bas", "ewo" })
        {
            Assert.Contains($"test -f /app/{culture}/TwilioFeedback.Resources.resources.dll", dockerfile);
        }
        var port = DockerPort().Match(dockerfile).Groups[1].Value;
        Assert.Matches($@"(?m)^EXPOSE {port}$", dockerfile);
        Assert.Contains($"curl -fsS http://localhost:{port}/health/live", dockerfile);
        Assert.Contains("Logging__Format=json", dockerfile);
    }

    [Fact]
    public async Task Every_health_path_the_deployments_probe_answers_healthy_here()
    {
        var (_, container, _) = K8s();
        var paths = new[] { "livenessProbe", "readinessProbe", "startupProbe" }.Select(p => Str(Map(Map(container, p), "httpGet"), "path"))
            .Append("/health/ready") // compose
            .Append("/health/live") // Dockerfile
            .Distinct();
        foreach (var path in paths)
        {
            var response = await Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void The_deployments_shutdown_timeout_is_the_servers_default()
    {
        var (_, _, config) = K8s();
        var timeout = Factory.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.Equal(TimeSpan.FromSeconds(new ShutdownOptions().TimeoutSeconds), timeout);
        Assert.Equal(timeout.TotalSeconds.ToString(), Str(config, "Shutdown__TimeoutSeconds"));
        Assert.Contains($"Shutdown__TimeoutSeconds={timeout.TotalSeconds}", File.ReadAllText(Path.Combine(Root, "Dockerfile")));
    }

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    private static partial Regex DockerPort();
}
