using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Memsolus.Dashboard.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ApiKeyChangeOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OwnerId",
                table: "ApiKeyChanges",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            // The notification names the account when the row does (ApiKeyChangeWorker): other nodes
            // then drop that account's keys only. A row with neither hash nor owner still says "*".
            // Nodes of an older version read "@..." as malformed and drop every key: safe while a
            // deployment is being upgraded node by node.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION api_key_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('memsolus_api_key_changes',
                        NEW."Id"::text || ':' || coalesce(encode(NEW."SecretHash", 'hex'), '@' || NEW."OwnerId", '*'));
                    RETURN NULL;
                END;
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // InitialPostgres's function, before the column it would otherwise read goes.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION api_key_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('memsolus_api_key_changes',
                        NEW."Id"::text || ':' || coalesce(encode(NEW."SecretHash", 'hex'), '*'));
                    RETURN NULL;
                END;
                $$;
                """);

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "ApiKeyChanges");
        }
    }
}
