using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AnalysisConfidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "alarming",
                table: "feedbacks",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "analysis_confidence",
                table: "feedbacks",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "rating_disagrees",
                table: "feedbacks",
                type: "boolean",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "alarming",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "analysis_confidence",
                table: "feedbacks");

            migrationBuilder.DropColumn(
                name: "rating_disagrees",
                table: "feedbacks");
        }
    }
}
