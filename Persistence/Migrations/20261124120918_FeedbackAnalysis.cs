using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackAnalysis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "escalated_at",
                table: "feedbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sentiment",
                table: "feedbacks",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "sentiment_score",
                table: "feedbacks",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "topics",
                table: "feedbacks",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.CreateIndex(
                name: "ix_feedbacks_processed",
                table: "feedbacks",
                column: "processed",
                filter: "processed = false");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_feedbacks_processed",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "escalated_at",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "sentiment",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "sentiment_score",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "topics",
                table: "feedbacks");
        }
    }
}
