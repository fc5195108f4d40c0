namespace DeRisk.Delivery;

public static class DeliveryStatus
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Retrying = "retrying";
    public const string Failed = "failed";
    public const string DeadLettered = "dead-lettered";
    public const string Suppressed = "suppressed";
    public const string Expired = "expired";

    /// <summary>Statuses after which the notification is never sent again.</summary>
    public static bool IsFinal(string status) => status is Sent or Failed or DeadLettered or Suppressed or Expired;
}
