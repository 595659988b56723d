using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TwilioFeedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StudioTexts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "preview_numbers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    phone = table.Column<string>(type: "text", nullable: false),
                    phone_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_preview_numbers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "studio_languages",
                columns: table => new
                {
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    fallback = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    live_channels = table.Column<List<string>>(type: "text[]", nullable: false, defaultValueSql: "'{}'"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_studio_languages", x => x.language);
                });

            migrationBuilder.CreateTable(
                name: "studio_texts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    author_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    author_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    written_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reviewer_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    reviewer_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    approved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_studio_texts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_preview_numbers_phone_hash",
                table: "preview_numbers",
                column: "phone_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_studio_texts_approved_at",
                table: "studio_texts",
                column: "approved_at",
                filter: "status = 'approved'");

            migrationBuilder.CreateIndex(
                name: "ix_studio_texts_language_key_id",
                table: "studio_texts",
                columns: new[] { "language", "key", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "preview_numbers");

            migrationBuilder.DropTable(
                name: "studio_languages");

            migrationBuilder.DropTable(
                name: "studio_texts");
        }
    }
}
