namespace Memsolus.Dashboard.Mail;

internal enum OutboxMailStatus
{
    Pending,
    Sent,
    Failed,
}
