using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Memsolus.Dashboard.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiKeyChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SecretHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "clock_timestamp()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeyChanges", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeyChanges_CreatedAt",
                table: "ApiKeyChanges",
                column: "CreatedAt");

            // Every listening node hears of a row when its transaction commits (never, if it rolls
            // back): "<id>:<hex SHA-256>", or "<id>:*" for every key. The channel is
            // ApiKeyChangeListener.Channel; a migration keeps its own copy, as it never changes.
            migrationBuilder.Sql("""
                CREATE FUNCTION api_key_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('memsolus_api_key_changes',
                        NEW."Id"::text || ':' || coalesce(encode(NEW."SecretHash", 'hex'), '*'));
                    RETURN NULL;
                END;
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "ApiKeyChanges_Notify" AFTER INSERT ON "ApiKeyChanges"
                FOR EACH ROW EXECUTE FUNCTION api_key_changes_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS \"ApiKeyChanges_Notify\" ON \"ApiKeyChanges\";");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS api_key_changes_notify();");

            migrationBuilder.DropTable(
                name: "ApiKeyChanges");
        }
    }
}
