using Azure.Messaging.ServiceBus;

namespace DeRisk.Delivery;

/// <summary>One Service Bus queue the adapter uses: its sender, its peek-lock receiver and its dead-letter receiver.</summary>
public sealed record ServiceBusLane(ServiceBusSender Sender, ServiceBusReceiver Receiver, ServiceBusReceiver DeadLetters)
{
    public static ServiceBusLane For(ServiceBusClient client, string queue) => new(
        client.CreateSender(queue),
        client.CreateReceiver(queue, new ServiceBusReceiverOptions { ReceiveMode = ServiceBusReceiveMode.PeekLock }),
        client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter }));
}
