namespace DeRisk.LocalHost.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seeds a demo subscriber with rules when the host starts.</summary>
    public bool Enabled { get; set; }

    /// <summary>The demo subscriber's phone (a fictional 555-01xx number).</summary>
    public string Phone { get; set; } = "+14155550100";

    /// <summary>The demo subscriber's email (example.com is reserved for examples); empty for SMS only.</summary>
    public string? Email { get; set; } = "demo@example.com";
}

public sealed class TwilioSinkOptions
{
    public const string Section = "LocalSinks:Twilio";

    /// <summary>Runs the local Twilio stand-in inside the local host.</summary>
    public bool Enabled { get; set; }

    public string Url { get; set; } = "http://127.0.0.1:7072";
}

public sealed class SendGridSinkOptions
{
    public const string Section = "LocalSinks:SendGrid";

    /// <summary>Runs the local SendGrid stand-in inside the local host.</summary>
    public bool Enabled { get; set; }

    public string Url { get; set; } = "http://127.0.0.1:7073";
}
