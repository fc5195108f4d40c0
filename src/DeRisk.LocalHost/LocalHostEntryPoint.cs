namespace DeRisk.LocalHost;

/// <summary>Marks this assembly for WebApplicationFactory (the Functions app has a Program class of its own).</summary>
public sealed class LocalHostEntryPoint;
