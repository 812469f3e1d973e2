namespace Memsolus.Dashboard.ApiKeys;

public enum RotationGrace
{
    Immediately,
    OneHour,
    OneDay,
    SevenDays,
}
