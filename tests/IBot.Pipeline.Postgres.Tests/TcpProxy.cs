using System.Net;
using System.Net.Sockets;

namespace IBot.Pipeline.Postgres.Tests;

/// <summary>A loopback TCP relay in front of the test server: <see cref="Stop"/> cuts every connection and refuses new
/// ones, as a lost network does; <see cref="Start"/> listens again on the same port.</summary>
public sealed class TcpProxy(int target) : IDisposable
{
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;

    public int Port { get; private set; }

    public void Start()
    {
        var l = new TcpListener(IPAddress.Loopback, Port);
        l.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        l.Start();
        Port = ((IPEndPoint)l.LocalEndpoint).Port;
        listener = l;
        _ = Accept(l);
    }

    public void Stop()
    {
        listener?.Stop();
        listener = null;
        lock (open)
        {
            foreach (var client in open) client.Close();
            open.Clear();
        }
    }

    private async Task Accept(TcpListener l)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await l.AcceptTcpClientAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, target);
            lock (open) open.AddRange([client, server]);
            _ = Pump(client, server);
            _ = Pump(server, client);
        }
    }

    private static async Task Pump(TcpClient from, TcpClient to)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut by Stop or by the other side.
        }
        finally
        {
            from.Close();
            to.Close();
        }
    }

    public void Dispose() => Stop();
}
