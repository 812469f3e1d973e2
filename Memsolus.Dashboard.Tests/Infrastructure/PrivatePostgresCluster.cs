using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// The PostgreSQL server the tests use, and the load check too (its project links this file): the
// one MEMSOLUS_TEST_POSTGRES names when it is set, otherwise a throwaway cluster of this process's
// own, started on first use and removed when the process exits. The cluster lives in one temp
// folder (memsolus-pg-<pid>-<random>: data directory, unix socket, log), listens on a free port on
// 127.0.0.1 only, and is tuned for data nobody keeps. The machine's own PostgreSQL, its
// configuration and its port are never touched, and two test runs at once get a cluster each.
internal static class PrivatePostgresCluster
{
    public const string Variable = "MEMSOLUS_TEST_POSTGRES";

    private const string FolderPrefix = "memsolus-pg-";

    // initdb and postgres refuse to run as root; as root they run as the user Debian's package makes.
    private const string ServerUser = "postgres";

    // Durability buys nothing for databases dropped seconds later: without fsync a database copy or
    // a commit costs a fraction. Each test app keeps a few connection pools open, so allow more
    // clients than the default 100. Autovacuum has nothing to do on databases that live seconds,
    // and its workers hold up dropping them.
    private static readonly string[] Settings =
    [
        "listen_addresses = '127.0.0.1'",
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "autovacuum = off",
        "max_connections = 300",
    ];

    // Started once; a failure to start is kept and thrown to every test that asks.
    private static readonly Lazy<string> Cluster = new(Start);

    // A connection string without a database, as a superuser (or MEMSOLUS_TEST_POSTGRES's role).
    public static string Server => Configured ?? Cluster.Value;

    // True when MEMSOLUS_TEST_POSTGRES names the server: it outlives this process, so whatever the
    // process made there has to be dropped; a private cluster is deleted whole.
    public static bool IsConfigured => Configured is not null;

    private static string? Configured =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured ? configured : null;

    private static bool AsRoot => Environment.IsPrivilegedProcess;

    private static string Start()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException($"The tests' private PostgreSQL cluster needs Linux or macOS; on Windows set {Variable} to a server's connection string.");
        }

        var binaries = FindBinaries();
        RemoveLeftovers(binaries);

        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            RemoveWhenThisProcessEnds(binaries, folder);

            var data = Path.Combine(folder, "data");
            var log = Path.Combine(folder, "server.log");

            // Trust on the unix socket, which only this folder's owner can reach; a password on
            // 127.0.0.1, where any local user could otherwise connect as a superuser.
            var password = RandomNumberGenerator.GetHexString(32, lowercase: true);
            var passwordFile = Path.Combine(folder, "password");
            File.WriteAllText(passwordFile, password);
            if (AsRoot)
            {
                Check(Run("chown", ["-R", ServerUser, folder], folder), "chown");
            }

            Check(
                Run(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}"], folder, asServerUser: true),
                "initdb");
            File.Delete(passwordFile);
            File.AppendAllLines(Path.Combine(data, "postgresql.conf"), [.. Settings, $"unix_socket_directories = '{folder}'"]);

            // A free port can be taken between asking for it and the server binding it: try another.
            for (var attempt = 1; ; attempt++)
            {
                var port = TestMachine.FreePort();
                var started = Run(Path.Combine(binaries, "pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "60", "-o", $"-p {port}", "start"], folder, asServerUser: true);
                if (started.ExitCode == 0)
                {
                    return new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Username = "postgres",
                        Password = password,
                    }.ConnectionString;
                }

                if (attempt == 5)
                {
                    var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
                    throw new InvalidOperationException($"pg_ctl could not start a private PostgreSQL server in {folder} (5 ports tried): {started.Output}\n{tail}");
                }
            }
        }
        catch
        {
            Remove(binaries, folder);
            throw;
        }
    }

    // Debian's pg_config names the newest installed server's bin folder (libpq-dev's names /usr/bin,
    // which has no initdb, hence the check); Debian keeps them all under /usr/lib/postgresql/<v>/bin;
    // elsewhere (Homebrew, a source build) initdb is on PATH.
    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (TryRun("pg_config", ["--bindir"]) is { ExitCode: 0 } pgConfig)
        {
            candidates.Add(pgConfig.Output.Trim());
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.EnumerateDirectories("/usr/lib/postgresql")
                .OrderByDescending(v => decimal.TryParse(Path.GetFileName(v), NumberStyles.Number, CultureInfo.InvariantCulture, out var version) ? version : 0)
                .Select(v => Path.Combine(v, "bin")));
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var initdb = new FileInfo(Path.Combine(directory, "initdb"));
            if (initdb.Exists)
            {
                candidates.Add(Path.GetDirectoryName(initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName)!);
            }
        }

        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, "initdb")) && File.Exists(Path.Combine(c, "pg_ctl")))
            ?? throw new InvalidOperationException(
                $"The PostgreSQL tests start a private PostgreSQL server and found no server binaries (initdb, pg_ctl). Run ./test.sh, which installs them, " +
                $"or install them yourself (Debian/Ubuntu: sudo apt-get install -y postgresql), or set {Variable} to a connection string " +
                "for a server you run (host, port, user, password; the role needs CREATEDB).");
    }

    // A cluster whose watchdog was killed with its test process (a process group killed, a reboot)
    // is stopped and deleted by the next run. The owner's pid is in the folder's name rather than in
    // a file inside it, so a run that looks while another is still creating its folder never finds
    // one without an owner.
    private static void RemoveLeftovers(string binaries)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var owner = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (int.TryParse(owner, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsRunning(pid))
            {
                Remove(binaries, folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // AppDomain.ProcessExit is too late: dotnet test gives the test host 100 ms to exit after the
    // last test and then kills it, part way through deleting the folder. So a watchdog shell, in no
    // pipe of ours and deaf to the terminal's Ctrl+C, waits for this process to end however it ends
    // (exit, crash, kill -9), then stops the server and deletes the folder.
    private static void RemoveWhenThisProcessEnds(string binaries, string folder)
    {
        const string Watchdog = """
            exec </dev/null >/dev/null 2>&1
            trap '' INT HUP
            owner=$1; folder=$2; shift 2
            while kill -0 "$owner"; do sleep 1; done
            "$@"
            rm -rf "$folder"
            """;
        string[] stop = [Path.Combine(binaries, "pg_ctl"), "-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "stop"];
        var start = new ProcessStartInfo("/bin/sh", ["-c", Watchdog, "memsolus-pg-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), folder, .. AsRoot ? ["runuser", "-u", ServerUser, "--", .. stop] : stop])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        using var process = Process.Start(start)!;
    }

    // For a cluster that failed to start, or one whose watchdog was killed too: never throws. A
    // folder another user made (a run as root, seen from a run as a developer) is left to its owner.
    private static void Remove(string binaries, string folder)
    {
        try
        {
            var data = Path.Combine(folder, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                Run(Path.Combine(binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], folder, asServerUser: true);
            }

            Directory.Delete(folder, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
        }
    }

    private static void Check(ProcessResult result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed while starting a private PostgreSQL server for the tests (exit code {result.ExitCode}): {result.Output}");
        }
    }

    private static ProcessResult? TryRun(string program, string[] arguments)
    {
        try
        {
            return Run(program, arguments, Path.GetTempPath());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    // The working directory is the cluster's folder: as the server user, the test process's own
    // may not be readable, and initdb and pg_ctl fail on a directory they cannot enter.
    private static ProcessResult Run(string program, string[] arguments, string workingDirectory, bool asServerUser = false)
    {
        var asOther = asServerUser && AsRoot;
        var start = new ProcessStartInfo(asOther ? "runuser" : program, asOther ? ["-u", ServerUser, "--", program, .. arguments] : arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };

        // pg_ctl start returns once the server is up; the server's own output goes to the log, so
        // these pipes close when pg_ctl exits.
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output + error.GetAwaiter().GetResult());
    }

    private sealed record ProcessResult(int ExitCode, string Output);
}
