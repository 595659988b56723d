using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class VoiceRecordingsAndPrompts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "data",
                table: "voice_recordings",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");

            migrationBuilder.AddColumn<int>(
                name: "attempts",
                table: "voice_recordings",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "key_id",
                table: "voice_recordings",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "voice_recordings",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "voice_recordings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_sid",
                table: "voice_recordings",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_url",
                table: "voice_recordings",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "voice_recordings",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "stored_at",
                table: "voice_recordings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "prompt_recordings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false),
                    size_bytes = table.Column<int>(type: "integer", nullable: false),
                    etag = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prompt_recordings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "provider_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    error_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provider_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_voice_recordings_provider_sid",
                table: "voice_recordings",
                column: "provider_sid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_voice_recordings_status_next_attempt_at",
                table: "voice_recordings",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_prompt_recordings_language_key",
                table: "prompt_recordings",
                columns: new[] { "language", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_events_kind_sid_status",
                table: "provider_events",
                columns: new[] { "kind", "sid", "status" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prompt_recordings");

            migrationBuilder.DropTable(
                name: "provider_events");

            migrationBuilder.DropIndex(
                name: "ix_voice_recordings_provider_sid",
                table: "voice_recordings");

            migrationBuilder.DropIndex(
                name: "ix_voice_recordings_status_next_attempt_at",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "attempts",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "key_id",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "provider_sid",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "source_url",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "status",
                table: "voice_recordings");

            migrationBuilder.DropColumn(
                name: "stored_at",
                table: "voice_recordings");

            migrationBuilder.AlterColumn<byte[]>(
                name: "data",
                table: "voice_recordings",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldNullable: true);
        }
    }
}
