# TwilioFeedback server. Multi-stage, non-root, with ICU: Duala, Basaa and Ewondo need real
# globalization (no invariant mode, no chiseled/Alpine image without ICU).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY Resources/TwilioFeedback.Resources.csproj Resources/
COPY Conversations/TwilioFeedback.Conversations.csproj Conversations/
COPY Persistence/TwilioFeedback.Persistence.csproj Persistence/
COPY Scheduling/TwilioFeedback.Scheduling.csproj Scheduling/
COPY Webhooks/TwilioFeedback.Webhooks.csproj Webhooks/
RUN dotnet restore Webhooks/TwilioFeedback.Webhooks.csproj
COPY Resources/ Resources/
COPY Conversations/ Conversations/
COPY Persistence/ Persistence/
COPY Scheduling/ Scheduling/
COPY Webhooks/ Webhooks/
# Without ICU at build time the satellite assemblies are silently missing: fail here instead.
RUN dotnet publish Webhooks/TwilioFeedback.Webhooks.csproj -c Release -o /app --no-restore \
 && test -f /app/dua/TwilioFeedback.Resources.resources.dll \
 && test -f /app/bas/TwilioFeedback.Resources.resources.dll \
 && test -f /app/ewo/TwilioFeedback.Resources.resources.dll

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the HEALTHCHECK. The aspnet image carries ICU (libicu); fail the build if it ever does not.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && ldconfig -p | grep -q libicuuc
# Logging__Format=json: one JSON object a line, with the request id. Shutdown__TimeoutSeconds:
# in-flight webhooks get this long after SIGTERM (keep the orchestrator's grace period above it).
# /metrics answers only on 9090, which is not published: a plain `docker run -p 8080:8080` keeps it private.
ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=false \
    ASPNETCORE_HTTP_PORTS=8080;9090 \
    Metrics__Port=9090 \
    Logging__Format=json \
    Shutdown__TimeoutSeconds=25
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://localhost:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "TwilioFeedback.Webhooks.dll"]
