using DeRisk.Delivery;
using DeRisk.Subscribers;

namespace DeRisk.SignUp;

/// <summary>A phone number or email address named in a request, normalised: <see cref="Channel"/> is "sms" or "email".</summary>
public readonly record struct ContactAddress(string Channel, string Address)
{
    public string Field => Channel == Notification.SmsChannel ? "phone" : "email";

    public string Describe() => Channel == Notification.SmsChannel ? "phone number" : "email address";

    public string Masked => Channel == Notification.SmsChannel ? Redact.Phone(Address) : Redact.Email(Address);
}
