using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReminderConfirmAndSeries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "confirm",
                table: "reminders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "reminders",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "responded_at",
                table: "reminders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "series_id",
                table: "reminders",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "template",
                table: "reminders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_reminders_series_id",
                table: "reminders",
                column: "series_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_reminders_series_id",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "confirm",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "responded_at",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "series_id",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "template",
                table: "reminders");
        }
    }
}
