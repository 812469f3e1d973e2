using Memsolus.Dashboard.Account;
using Memsolus.Dashboard.Data;
using Memsolus.Dashboard.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Memsolus.Dashboard.Notifications;

// The mails of the account pages: confirm an address, confirm an email change, reset a password,
// and "someone tried to register with your address". Identity's pages call it as their
// IEmailSender; each mail is queued in the outbox (MailOutbox) and sent by the mail worker. Every
// link is moved onto the public address (PublicLinks), whatever host the page was asked for.
internal sealed class AccountMails(IDbContextFactory<ApplicationDbContext> contextFactory, MailOutbox outbox, PublicLinks links)
    : IEmailSender<ApplicationUser>, IAlreadyRegisteredNotice
{
    // The template's pages call this for a new account's address (email is the account's own) and,
    // from Manage/Email, for a new address the owner asked to change to (email is that address).
    public Task SendConfirmationLinkAsync(ApplicationUser user, string email, string confirmationLink) =>
        string.Equals(email, user.Email, StringComparison.Ordinal)
            ? QueueAsync(new MailBody()
                .Paragraph("Confirm your email address to finish setting up your Memsolus account.")
                .Link("Confirm your address", links.Rebase(confirmationLink))
                .Paragraph("If you did not create an account, ignore this mail: nothing happens unless the link is opened.")
                .Build(MailKinds.ConfirmEmail, email, "Confirm your email address"))
            : QueueAsync(new MailBody()
                .Paragraph($"You asked to change the email address of your Memsolus account {user.Email} to this address.")
                .Link("Confirm the new address", links.Rebase(confirmationLink))
                .Paragraph("Until you open the link, the account keeps its current address. If you did not ask for this, ignore this mail.")
                .Build(MailKinds.ConfirmEmailChange, email, "Confirm your new email address"));

    public Task SendPasswordResetLinkAsync(ApplicationUser user, string email, string resetLink) =>
        QueueAsync(new MailBody()
            .Paragraph("Someone asked to reset the password of your Memsolus account. If it was you, choose a new password here:")
            .Link("Reset your password", links.Rebase(resetLink))
            .Paragraph("If it was not you, ignore this mail: your password stays as it is.")
            .Build(MailKinds.ResetPassword, email, "Reset your password"));

    public Task SendPasswordResetCodeAsync(ApplicationUser user, string email, string resetCode) =>
        QueueAsync(new MailBody()
            .Paragraph("Someone asked to reset the password of your Memsolus account. If it was you, enter this code:")
            .Facts(("Reset code", resetCode))
            .Link("Reset your password", links.To("Account/ResetPassword"))
            .Paragraph("If it was not you, ignore this mail: your password stays as it is.")
            .Build(MailKinds.ResetPassword, email, "Reset your password"));

    // For the Register page, when the address given already has an account: the person who owns the
    // address learns of it, and the page says the same as for a new address (no enumeration).
    public Task SendAlreadyRegisteredAsync(ApplicationUser existing, CancellationToken cancellationToken = default) =>
        existing.Email is not { Length: > 0 } email
            ? Task.CompletedTask
            : QueueAsync(new MailBody()
                .Paragraph("Someone tried to create a Memsolus account with this email address, which already has one.")
                .Paragraph("If it was you, sign in, or reset your password if you have forgotten it:")
                .Link("Sign in", links.To("Account/Login"))
                .Link("Reset your password", links.To("Account/ForgotPassword"))
                .Paragraph("If it was not you, you need do nothing: no second account was made.")
                .Build(MailKinds.AlreadyRegistered, email, "Someone tried to register with your address"), cancellationToken);

    private async Task QueueAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        await outbox.SendAsync(db, mail, cancellationToken);
    }
}
