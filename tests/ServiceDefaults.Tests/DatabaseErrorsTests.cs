using System.Net.Sockets;
using Kaikukortti.ServiceDefaults.Data;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class DatabaseErrorsTests
{
    [Theory]
    [InlineData(PostgresErrorCodes.AdminShutdown)]
    [InlineData(PostgresErrorCodes.CrashShutdown)]
    [InlineData(PostgresErrorCodes.CannotConnectNow)]
    [InlineData(PostgresErrorCodes.TooManyConnections)]
    [InlineData(PostgresErrorCodes.ConnectionFailure)]
    public void A_server_shutting_down_restarting_or_out_of_connections_is_unavailable(string sqlState) =>
        DatabaseErrors.IsUnavailable(new PostgresException("down", "FATAL", "FATAL", sqlState)).ShouldBeTrue();

    [Theory]
    [InlineData(PostgresErrorCodes.UniqueViolation)]
    [InlineData(PostgresErrorCodes.SyntaxError)]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    public void An_error_in_the_work_itself_is_not_an_outage(string sqlState) =>
        DatabaseErrors.IsUnavailable(new PostgresException("bug", "ERROR", "ERROR", sqlState)).ShouldBeFalse();

    [Fact]
    public void A_connection_that_failed_or_broke_is_unavailable()
    {
        DatabaseErrors.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        DatabaseErrors.IsUnavailable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())).ShouldBeTrue();
    }

    [Fact]
    public void Anything_else_is_not_an_outage()
    {
        DatabaseErrors.IsUnavailable(new NpgsqlException("Npgsql misused")).ShouldBeFalse();
        DatabaseErrors.IsUnavailable(new InvalidOperationException("a bug")).ShouldBeFalse();
    }
}
