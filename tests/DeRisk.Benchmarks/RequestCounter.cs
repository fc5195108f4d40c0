using Azure.Core;
using Azure.Core.Pipeline;

namespace DeRisk.Benchmarks;

/// <summary>Counts the table service requests: GET = reads (queries, point reads), anything else = writes.</summary>
public sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    /// <summary>Table client options that count through this policy.</summary>
    public Azure.Data.Tables.TableClientOptions Options()
    {
        var options = new Azure.Data.Tables.TableClientOptions();
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return options;
    }

    private int _reads;
    private int _writes;

    public int Reads => Volatile.Read(ref _reads);

    public int Writes => Volatile.Read(ref _writes);

    public void Reset()
    {
        Interlocked.Exchange(ref _reads, 0);
        Interlocked.Exchange(ref _writes, 0);
    }

    public override void OnSendingRequest(HttpMessage message)
    {
        if (message.Request.Method == RequestMethod.Get)
        {
            Interlocked.Increment(ref _reads);
        }
        else
        {
            Interlocked.Increment(ref _writes);
        }
    }
}
