using Azure.Data.Tables;

namespace DeRisk.Storage;

public static class TableExtensions
{
    /// <summary>
    /// Deletes every row the filter matches, as batch transactions of up to 100 rows within each partition.
    /// Returns how many rows it deleted.
    /// </summary>
    public static async Task<int> DeleteWhereAsync(this TableClient table, string filter, CancellationToken cancellationToken)
    {
        var keys = new List<(string PartitionKey, string RowKey)>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add((row.PartitionKey, row.RowKey));
        }

        foreach (var partition in keys.GroupBy(k => k.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                var actions = chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(k.PartitionKey, k.RowKey))).ToList();
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
        }

        return keys.Count;
    }
}
