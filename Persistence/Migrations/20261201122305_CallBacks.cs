using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallBacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "call_backs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    phone = table.Column<string>(type: "text", nullable: false),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    hospital_number = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    inbound_call_sid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    calls = table.Column<int>(type: "integer", nullable: false),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    provider_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    call_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    last_error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_call_backs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_call_backs_created_at",
                table: "call_backs",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_call_backs_inbound_call_sid",
                table: "call_backs",
                column: "inbound_call_sid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_call_backs_phone_hash_day",
                table: "call_backs",
                columns: new[] { "phone_hash", "day" });

            migrationBuilder.CreateIndex(
                name: "ix_call_backs_provider_id",
                table: "call_backs",
                column: "provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_call_backs_status_due_at",
                table: "call_backs",
                columns: new[] { "status", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "call_backs");
        }
    }
}
