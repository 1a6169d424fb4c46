using Npgsql;

namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>Tells an outage of the database apart from an error in what was asked of it.</summary>
public static class DatabaseErrors
{
    /// <summary>
    /// True when PostgreSQL could not be reached or went away mid-command (stopped, restarting, connection cut, out of
    /// connections): the same work can succeed later unchanged. A constraint violation, a bad statement or a deadlock is
    /// not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                                      || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                                          or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        // Npgsql's own errors are transient when a socket, stream or timeout failed underneath: the server is out of reach.
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };
}
