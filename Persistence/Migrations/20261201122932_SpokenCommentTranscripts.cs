using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SpokenCommentTranscripts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "transcript",
                table: "feedbacks",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "transcript_attempts",
                table: "feedbacks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "transcript_by",
                table: "feedbacks",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "transcript_confirmed_at",
                table: "feedbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "transcript_error",
                table: "feedbacks",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "transcript_next_attempt_at",
                table: "feedbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "transcript_status",
                table: "feedbacks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "transcript",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_attempts",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_by",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_confirmed_at",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_error",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_next_attempt_at",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "transcript_status",
                table: "feedbacks");
        }
    }
}
