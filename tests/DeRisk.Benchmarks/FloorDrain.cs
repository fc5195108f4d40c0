using DeRisk.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DeRisk.Benchmarks;

/// <summary>
/// The floor under any dispatcher on this machine: receive, send through the Twilio SDK, delete; no subscriber read,
/// no claim, no record (so none of the guarantees). What the real dispatcher adds is measured against this.
/// </summary>
public static class FloorDrain
{
    public static Func<CancellationToken, Task<DispatchResult>> For(IServiceProvider services)
    {
        var queue = services.GetRequiredService<INotificationQueue>();
        var sms = services.GetRequiredService<ISmsSender>();
        var settings = services.GetRequiredService<IOptions<DispatchOptions>>().Value;
        return async cancellationToken =>
        {
            var messages = await queue.ReceiveAsync(settings.BatchSize, settings.LockDuration, cancellationToken);
            var sent = 0;
            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken }, async (message, token) =>
            {
                var notification = Notification.FromBinary(message.Body)!;
                if (await sms.SendAsync(new SmsMessage("+14155550100", notification.Text, notification.SubscriberId, notification.Id), token) is SendResult.Accepted)
                {
                    Interlocked.Increment(ref sent);
                }

                await queue.CompleteAsync(message, token);
            });
            return new DispatchResult(messages.Count, sent, 0, 0, 0, 0);
        };
    }
}
