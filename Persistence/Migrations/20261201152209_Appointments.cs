using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Appointments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "appointment_id",
                table: "reminders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "template_values",
                table: "reminders",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "appointments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<long>(type: "bigint", nullable: false),
                    external_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    email = table.Column<string>(type: "text", nullable: true),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    department = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    plan = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_appointments", x => x.id);
                    table.ForeignKey(
                        name: "fk_appointments_patients_patient_id",
                        column: x => x.patient_id,
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reminders_appointment_id",
                table: "reminders",
                column: "appointment_id");

            migrationBuilder.CreateIndex(
                name: "ix_appointments_external_id",
                table: "appointments",
                column: "external_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_appointments_patient_id_starts_at",
                table: "appointments",
                columns: new[] { "patient_id", "starts_at" });

            migrationBuilder.CreateIndex(
                name: "ix_appointments_status_starts_at",
                table: "appointments",
                columns: new[] { "status", "starts_at" });

            migrationBuilder.AddForeignKey(
                name: "fk_reminders_appointments_appointment_id",
                table: "reminders",
                column: "appointment_id",
                principalTable: "appointments",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_reminders_appointments_appointment_id",
                table: "reminders");

            migrationBuilder.DropTable(
                name: "appointments");

            migrationBuilder.DropIndex(
                name: "ix_reminders_appointment_id",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "appointment_id",
                table: "reminders");

            migrationBuilder.DropColumn(
                name: "template_values",
                table: "reminders");
        }
    }
}
