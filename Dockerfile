# Multi-stage build of the gateway image. Build: docker build -t ingest .
# Run:   docker run -p 2525:2525 -p 8080:8080 -v ingest-mail:/var/mail/ingest ingest
# The Kafka-to-Maildir tool's image (docker-compose.yml): docker build --target kafka-to-maildir -t ingest-kafka-to-maildir .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
# Restore first, from the project files alone, so the layer is cached across source edits.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Ingest.Protocol/Ingest.Protocol.csproj src/Ingest.Protocol/
COPY src/Ingest.Delivery/Ingest.Delivery.csproj src/Ingest.Delivery/
COPY src/Ingest.Delivery.Maildir/Ingest.Delivery.Maildir.csproj src/Ingest.Delivery.Maildir/
COPY src/Package.props src/
COPY src/Ingest.Kafka.Records/Ingest.Kafka.Records.csproj src/Ingest.Kafka.Records/
COPY src/Ingest.Delivery.Kafka/Ingest.Delivery.Kafka.csproj src/Ingest.Delivery.Kafka/
COPY src/Ingest.Session/Ingest.Session.csproj src/Ingest.Session/
COPY src/Ingest.Transport/Ingest.Transport.csproj src/Ingest.Transport/
COPY src/Ingest.Host/Ingest.Host.csproj src/Ingest.Host/
RUN dotnet restore src/Ingest.Host/Ingest.Host.csproj
COPY src/ src/
RUN dotnet publish src/Ingest.Host/Ingest.Host.csproj -c Release --no-restore -o /app

# The operator tool (src/Ingest.Tools.KafkaToMaildir), built only for --target kafka-to-maildir.
FROM build AS build-tool
RUN dotnet restore src/Ingest.Tools.KafkaToMaildir/Ingest.Tools.KafkaToMaildir.csproj \
    && dotnet publish src/Ingest.Tools.KafkaToMaildir/Ingest.Tools.KafkaToMaildir.csproj -c Release --no-restore -o /tool

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS kafka-to-maildir
WORKDIR /tool
COPY --from=build-tool /tool .
# The same user and Maildir path as the gateway image, so either can fill the volume Dovecot serves.
RUN mkdir -p /var/mail/ingest && chown app:app /var/mail/ingest
VOLUME /var/mail/ingest
USER app
ENTRYPOINT ["dotnet", "Ingest.Tools.KafkaToMaildir.dll"]

# The gateway: the last stage, so a plain docker build makes it.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
RUN mkdir -p /var/mail/ingest && chown app:app /var/mail/ingest
ENV Ingest__Maildir__Path=/var/mail/ingest \
    Ingest__Server__Endpoints__0=0.0.0.0:2525 \
    Ingest__Management__Endpoint=0.0.0.0:8080 \
    DOTNET_gcServer=1
VOLUME /var/mail/ingest
EXPOSE 2525 8080
# No HEALTHCHECK: the runtime image has no HTTP client; orchestrators probe /readyz and /healthz on 8080.
# The aspnet image's unprivileged user; bind 2525 (or grant NET_BIND_SERVICE to use 25).
USER app
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Ingest.Host.dll"]
