using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PromptRecordingReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_prompt_recordings_language_key",
                table: "prompt_recordings");

            migrationBuilder.RenameColumn(
                name: "updated_at",
                table: "prompt_recordings",
                newName: "recorded_at");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "approved_at",
                table: "prompt_recordings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "author_id",
                table: "prompt_recordings",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "author_name",
                table: "prompt_recordings",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "duration_ms",
                table: "prompt_recordings",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "reviewer_id",
                table: "prompt_recordings",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reviewer_name",
                table: "prompt_recordings",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "prompt_recordings",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "draft");

            migrationBuilder.CreateIndex(
                name: "ix_prompt_recordings_language_key",
                table: "prompt_recordings",
                columns: new[] { "language", "key" },
                unique: true,
                filter: "status = 'approved'");

            migrationBuilder.CreateIndex(
                name: "ix_prompt_recordings_language_key1",
                table: "prompt_recordings",
                columns: new[] { "language", "key" },
                unique: true,
                filter: "status = 'draft'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_prompt_recordings_language_key",
                table: "prompt_recordings");

            migrationBuilder.DropIndex(
                name: "ix_prompt_recordings_language_key1",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "approved_at",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "author_id",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "author_name",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "duration_ms",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "reviewer_id",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "reviewer_name",
                table: "prompt_recordings");

            migrationBuilder.DropColumn(
                name: "status",
                table: "prompt_recordings");

            migrationBuilder.RenameColumn(
                name: "recorded_at",
                table: "prompt_recordings",
                newName: "updated_at");

            migrationBuilder.CreateIndex(
                name: "ix_prompt_recordings_language_key",
                table: "prompt_recordings",
                columns: new[] { "language", "key" },
                unique: true);
        }
    }
}
