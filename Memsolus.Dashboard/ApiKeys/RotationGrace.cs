namespace Memsolus.Dashboard.ApiKeys;

public enum RotationGrace
{
    Immediately,
    OneHour,
    OneDay,
    SevenDays,

    // The old key works until the new key's first successful request (ApiKeys/FirstUseRetirement).
    FirstUseOfNewKey,
}
