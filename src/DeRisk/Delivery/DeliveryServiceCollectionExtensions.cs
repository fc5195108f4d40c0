using Azure.Core;
using Azure.Messaging.ServiceBus;
using DeRisk.Hosting;
using DeRisk.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DeRisk.Delivery;

/// <summary>Wires delivery: the notification queue (Service Bus when configured, else Storage queues), the dispatcher, the senders (Twilio, SendGrid), status callbacks and inbound SMS.</summary>
public static class DeliveryServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddDeRiskDelivery(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<NotificationQueueOptions>(NotificationQueueOptions.Section);
        services.AddValidatedOptions<DispatchOptions>(DispatchOptions.Section);
        services.AddValidatedOptions<TwilioOptions>(TwilioOptions.Section);
        services.AddValidatedOptions<SendGridOptions>(SendGridOptions.Section);
        services.AddValidatedOptions<ServiceBusOptions>(ServiceBusOptions.Section);
        var serviceBus = builder.Configuration.GetSection(ServiceBusOptions.Section).Get<ServiceBusOptions>() ?? new ServiceBusOptions();
        if (serviceBus.IsConfigured)
        {
            // Service Bus when configured: one long-lived client, sender and receivers.
            services.TryAddSingleton(sp =>
            {
                var bus = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
                return string.IsNullOrWhiteSpace(bus.ConnectionString)
                    ? new ServiceBusClient(bus.FullyQualifiedNamespace, sp.GetRequiredService<TokenCredential>())
                    : new ServiceBusClient(bus.ConnectionString);
            });
            services.TryAddSingleton<INotificationQueue>(sp =>
            {
                var client = sp.GetRequiredService<ServiceBusClient>();
                var queue = sp.GetRequiredService<IOptions<NotificationQueueOptions>>().Value;
                return new ServiceBusNotificationQueue(
                    ServiceBusLane.For(client, queue.QueueName),
                    ServiceBusLane.For(client, queue.CriticalQueueName),
                    sp.GetRequiredService<IOptions<ServiceBusOptions>>(),
                    sp.GetRequiredService<TimeProvider>(),
                    string.IsNullOrWhiteSpace(serviceBus.ConnectionString)
                        ? new Azure.Messaging.ServiceBus.Administration.ServiceBusAdministrationClient(serviceBus.FullyQualifiedNamespace, sp.GetRequiredService<TokenCredential>())
                        : new Azure.Messaging.ServiceBus.Administration.ServiceBusAdministrationClient(serviceBus.ConnectionString));
            });
        }
        else
        {
            services.TryAddSingleton<StorageNotificationQueue>();
            services.TryAddSingleton<INotificationQueue>(sp => sp.GetRequiredService<StorageNotificationQueue>());
            services.AddSingleton<IStorageResource>(sp => sp.GetRequiredService<StorageNotificationQueue>());
        }
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<SendPacer>();
        services.TryAddSingleton<TwilioSignature>();
        services.TryAddSingleton<DeliveryStatusService>();
        services.TryAddSingleton<Dispatcher>();

        services.TryAddTransient<TwilioBaseUrlHandler>();
        services.AddHttpClient(TwilioSmsSender.HttpClientName, (sp, http) =>
                http.Timeout = sp.GetRequiredService<IOptions<TwilioOptions>>().Value.Timeout)
            .AddHttpMessageHandler<TwilioBaseUrlHandler>();
        services.TryAddSingleton<ISmsSender, TwilioSmsSender>();

        services.AddHttpClient(SendGridEmailSender.HttpClientName, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<SendGridOptions>>().Value.Timeout);
        services.TryAddSingleton<IEmailSender, SendGridEmailSender>();
        services.TryAddSingleton<InboundSmsService>();
        return builder;
    }
}
