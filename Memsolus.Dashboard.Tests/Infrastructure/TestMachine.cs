using System.Net;
using System.Net.Sockets;

namespace Memsolus.Dashboard.Tests.Infrastructure;

// What tests ask of the machine they run on: the repository they were built from, and a free port.
internal static class TestMachine
{
    // The folder holding Memsolus.sln above the test binaries: the sources, docs and committed files.
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    // A loopback port nobody listens on now.
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Memsolus.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Memsolus.sln above {AppContext.BaseDirectory}.");
    }
}
