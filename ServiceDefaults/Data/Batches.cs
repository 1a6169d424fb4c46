using Npgsql;

namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>
/// Statements of one transaction sent in one round trip (Npgsql batching). On the busiest path, recording a use, the
/// round trips rather than the statements were most of the cost (docs/benchmarks.md).
/// </summary>
public static class Batches
{
    public static NpgsqlBatch Batch(this NpgsqlTransaction transaction, params IEnumerable<NpgsqlBatchCommand> commands)
    {
        var batch = new NpgsqlBatch(transaction.Connection, transaction);
        foreach (var command in commands) batch.BatchCommands.Add(command);
        return batch;
    }

    public static async Task ExecuteBatchAsync(this NpgsqlTransaction transaction, CancellationToken cancellationToken, params IEnumerable<NpgsqlBatchCommand> commands)
    {
        await using var batch = transaction.Batch(commands);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
