using System.Text;
using Azure.Data.Tables;
using DeRisk.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DeRisk.Tests.Infrastructure;

public static class TableSnapshot
{
    /// <summary>
    /// Every row of every DeRisk table of the host, with every property and its ETag, in a stable order: compared
    /// before and after to prove nothing changed, and searched to prove a value appears nowhere.
    /// </summary>
    public static async Task<string> TakeAsync(IServiceProvider services)
    {
        var text = new StringBuilder();
        foreach (var table in services.GetRequiredService<DeRiskTables>().All)
        {
            var rows = new List<string>();
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                rows.Add(row.PartitionKey + "/" + row.RowKey + " " + row.ETag + " "
                    + string.Join(",", row.Keys.Order(StringComparer.Ordinal).Select(k => k + "=" + row[k])));
            }

            text.Append(table.Name).Append('\n').AppendJoin('\n', rows.Order(StringComparer.Ordinal)).Append('\n');
        }

        return text.ToString();
    }
}
