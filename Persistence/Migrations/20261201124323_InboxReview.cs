using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InboxReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "handled_at",
                table: "feedbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "handled_by",
                table: "feedbacks",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "reply_reminder_id",
                table: "feedbacks",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "reviewed_at",
                table: "feedbacks",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "translation",
                table: "feedbacks",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "feedback_corrections",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    feedback_id = table.Column<long>(type: "bigint", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    field = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    before = table.Column<string>(type: "text", nullable: true),
                    after = table.Column<string>(type: "text", nullable: true),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    text = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_feedback_corrections", x => x.id);
                    table.ForeignKey(
                        name: "fk_feedback_corrections_feedbacks_feedback_id",
                        column: x => x.feedback_id,
                        principalTable: "feedbacks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_feedbacks_date_submitted1",
                table: "feedbacks",
                column: "date_submitted",
                filter: "handled_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_feedback_corrections_feedback_id",
                table: "feedback_corrections",
                column: "feedback_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feedback_corrections");

            migrationBuilder.DropIndex(
                name: "ix_feedbacks_date_submitted1",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "handled_at",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "handled_by",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "reply_reminder_id",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "reviewed_at",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "translation",
                table: "feedbacks");
        }
    }
}
