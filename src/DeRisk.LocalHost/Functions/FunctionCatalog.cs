using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace DeRisk.LocalHost.Functions;

/// <summary>An HTTP-triggered function as its attributes declare it.</summary>
public sealed record HttpFunction(string Name, Type Type, MethodInfo Method, string Route, IReadOnlyList<string> Methods, AuthorizationLevel AuthLevel);

/// <summary>A timer-triggered function; <see cref="Schedule"/> is the attribute's text, e.g. "%MarketPollSchedule%".</summary>
public sealed record TimerFunction(string Name, Type Type, MethodInfo Method, string Schedule, bool RunOnStartup);

/// <summary>A Storage-queue-triggered function; <see cref="QueueName"/> is the attribute's text, e.g. "%ShardQueueName%".</summary>
public sealed record QueueFunction(string Name, Type Type, MethodInfo Method, string QueueName, string? Connection);

/// <summary>
/// The functions of an assembly, read from the same [Function], [HttpTrigger], [TimerTrigger] and [QueueTrigger] attributes the
/// Worker SDK reads to write functions.metadata: one source of truth for routes and schedules.
/// </summary>
public sealed class FunctionCatalog
{
    private static readonly Type[] BindableHttpParameters = [typeof(HttpRequest), typeof(CancellationToken), typeof(string)];
    private static readonly Type[] BindableTimerParameters = [typeof(TimerInfo), typeof(CancellationToken)];
    private static readonly Type[] BindableQueueParameters = [typeof(string), typeof(CancellationToken)];

    public FunctionCatalog(Assembly assembly)
    {
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var queues = new List<QueueFunction>();
        foreach (var type in assembly.GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }

                var parameters = method.GetParameters();
                if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().FirstOrDefault() is { } trigger)
                {
                    Require(function.Name, parameters, BindableHttpParameters);
                    http.Add(new HttpFunction(function.Name, type, method, trigger.Route ?? function.Name,
                        (trigger.Methods ?? ["get", "post"]).Select(m => m.ToUpperInvariant()).ToArray(), trigger.AuthLevel));
                }
                else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().FirstOrDefault() is { } timer)
                {
                    Require(function.Name, parameters, BindableTimerParameters);
                    timers.Add(new TimerFunction(function.Name, type, method, timer.Schedule, timer.RunOnStartup));
                }
                else if (parameters.Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()).OfType<QueueTriggerAttribute>().FirstOrDefault() is { } queue)
                {
                    Require(function.Name, parameters, BindableQueueParameters);
                    queues.Add(new QueueFunction(function.Name, type, method, queue.QueueName, queue.Connection));
                }
                else
                {
                    throw new NotSupportedException($"Function {function.Name}: the local host runs HTTP, timer and Storage queue triggers only.");
                }
            }
        }

        Http = http;
        Timers = timers;
        Queues = queues;
    }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public IReadOnlyList<QueueFunction> Queues { get; }

    private static void Require(string name, ParameterInfo[] parameters, Type[] bindable)
    {
        foreach (var parameter in parameters.Where(p => !bindable.Contains(p.ParameterType)))
        {
            throw new NotSupportedException($"Function {name}: the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType.Name}.");
        }
    }
}
