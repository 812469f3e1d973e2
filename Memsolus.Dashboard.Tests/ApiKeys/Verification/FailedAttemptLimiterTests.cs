using System.Net;
using Memsolus.Dashboard.ApiKeys.Verification;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Memsolus.Dashboard.Tests.ApiKeys.Verification;

// The limiter on its own: memory stays bounded however many addresses fail, IPv6 clients are
// counted per /64, and a window ends on the clock the test moves.
public sealed class FailedAttemptLimiterTests
{
    private readonly FakeTimeProvider clock = TestClock.New();

    [Fact]
    public void Failures_from_ten_thousand_addresses_never_track_more_than_the_configured_clients()
    {
        var limiter = NewLimiter(maxTrackedClients: 100);
        var mostTracked = 0;

        for (var i = 0; i < 10_000; i++)
        {
            limiter.RecordFailure(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
            mostTracked = Math.Max(mostTracked, limiter.TrackedClients);
        }

        Assert.InRange(mostTracked, 1, 100);
    }

    [Fact]
    public void Tracking_stays_bounded_when_old_windows_have_ended()
    {
        var limiter = NewLimiter(maxTrackedClients: 100);
        var mostTracked = 0;

        for (var i = 0; i < 10_000; i++)
        {
            limiter.RecordFailure(new IPAddress([10, 1, (byte)(i >> 8), (byte)i]));
            mostTracked = Math.Max(mostTracked, limiter.TrackedClients);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.InRange(mostTracked, 1, 100);
    }

    [Fact]
    public void Ipv6_addresses_in_one_64_prefix_count_as_one_client()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 5);

        for (var host = 1; host <= 5; host++)
        {
            limiter.RecordFailure(IPAddress.Parse($"2001:db8:1:2:{host:x}::{host:x}"));
        }

        Assert.Equal(1, limiter.TrackedClients);
        Assert.True(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:3::1"), out _));
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:3::1"));
        Assert.Equal(2, limiter.TrackedClients);
    }

    [Fact]
    public void Ipv4_address_mapped_into_ipv6_is_the_same_client_as_the_ipv4_address()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 2);

        limiter.RecordFailure(IPAddress.Parse("203.0.113.9"));
        limiter.RecordFailure(IPAddress.Parse("::ffff:203.0.113.9"));

        Assert.Equal(1, limiter.TrackedClients);
        Assert.True(limiter.IsBlocked(IPAddress.Parse("203.0.113.9"), out _));
    }

    [Fact]
    public void Neighbouring_ipv4_addresses_and_an_ipv6_prefix_holding_the_same_bits_are_different_clients()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 1);

        limiter.RecordFailure(IPAddress.Parse("203.0.113.9"));

        Assert.True(limiter.IsBlocked(IPAddress.Parse("203.0.113.9"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("203.0.113.10"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("::cb00:7109"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("cb00:7109::"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("::ffff:0:cb00:7109"), out _));
    }

    [Fact]
    public void Blocked_client_is_told_how_long_is_left_of_its_window_and_is_free_when_it_ends()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 3);
        var address = IPAddress.Parse("192.0.2.44");
        for (var i = 0; i < 3; i++)
        {
            limiter.RecordFailure(address);
        }

        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(limiter.IsBlocked(address, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(40), retryAfter);
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.False(limiter.IsBlocked(address, out _));
    }

    // The table full of live windows forgets half its clients: never a blocked one while there
    // are others. Otherwise an attacker blocked here could free itself by failing from a few
    // thousand other addresses (or a /48's worth of /64s) within its window.
    [Fact]
    public void A_blocked_client_stays_blocked_when_a_flood_of_other_clients_forces_the_table_to_forget_half()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 3);
        var blocked = IPAddress.Parse("192.0.2.46");
        for (var i = 0; i < 3; i++)
        {
            limiter.RecordFailure(blocked);
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 1_000; i++)
        {
            limiter.RecordFailure(new IPAddress([10, 2, (byte)(i >> 8), (byte)i]));
        }

        Assert.InRange(limiter.TrackedClients, 1, 100);
        Assert.True(limiter.IsBlocked(blocked, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(59), retryAfter);
    }

    [Fact]
    public void Failures_below_the_limit_do_not_block()
    {
        var limiter = NewLimiter(maxTrackedClients: 100, limit: 3);
        var address = IPAddress.Parse("192.0.2.45");

        limiter.RecordFailure(address);
        limiter.RecordFailure(address);

        Assert.False(limiter.IsBlocked(address, out var retryAfter));
        Assert.Equal(TimeSpan.Zero, retryAfter);
    }

    private FailedAttemptLimiter NewLimiter(int maxTrackedClients, int limit = 100) => new(
        Options.Create(new ApiKeyVerificationOptions
        {
            MaxTrackedClients = maxTrackedClients,
            FailedAttemptLimit = limit,
            FailedAttemptWindow = TimeSpan.FromMinutes(1),
        }),
        clock);
}
