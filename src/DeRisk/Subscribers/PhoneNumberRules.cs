using PhoneNumbers;

namespace DeRisk.Subscribers;

/// <summary>E.164 validation with libphonenumber.</summary>
public static class PhoneNumberRules
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// A number DeRisk may send SMS to: valid, mobile (libphonenumber's number type: premium-rate, shared-cost, toll-free,
    /// VoIP, pager and unknown ranges are refused) and in one of the allowed countries (which also refuses
    /// non-geographic ranges such as satellite networks, region "001"). The SMS-pumping guard Twilio recommends.
    /// </summary>
    public static bool TryNormalizeForSms(string? raw, IReadOnlySet<string> countries, out string e164, out string error)
    {
        if (!TryNormalize(raw, out e164, out error))
        {
            return false;
        }

        var region = Util.GetRegionCodeForNumber(Util.Parse(e164, null));
        if (region is null || !countries.Contains(region))
        {
            error = $"DeRisk sends SMS only to mobile numbers in {string.Join(", ", countries.Order(StringComparer.Ordinal))}; use email instead.";
            e164 = "";
            return false;
        }

        return true;
    }

    /// <summary>Normalises an E.164 mobile number ("+" and country code required), or says what is wrong with it.</summary>
    public static bool TryNormalize(string? raw, out string e164, out string error)
    {
        e164 = "";
        error = "";
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = "Required: an E.164 number such as +14155550123.";
            return false;
        }

        var trimmed = raw.Trim();
        if (trimmed.Length > 20 || !trimmed.StartsWith('+') || !trimmed.Skip(1).All(char.IsAsciiDigit))
        {
            error = "Must be in E.164 form: '+', the country code and the number, digits only (e.g. +14155550123).";
            return false;
        }

        try
        {
            var number = Util.Parse(trimmed, null);
            if (!Util.IsValidNumber(number))
            {
                error = "Is not a valid phone number for its country code.";
                return false;
            }

            if (Util.GetNumberType(number) is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
            {
                error = "Must be a mobile number: DeRisk alerts are SMS.";
                return false;
            }

            e164 = Util.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            error = "Is not a phone number.";
            return false;
        }
    }
}
