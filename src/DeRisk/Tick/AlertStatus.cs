namespace DeRisk.Tick;

public enum AlertStatus
{
    Ok,
    Pending,
    Firing,
}
