package io.moat.settings.notifications;

import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;

/**
 * The words a notification has when the admin sets none: plain English, short, and no more than the reader needs.
 * The recipient's notice offers the rescan link on lines of their own, which are left out when there is no link.
 */
final class DefaultTemplates {

    static final Template RECIPIENT = new Template("Message held: {subject}", """
            A message to you was held by the mail gateway and has not been delivered.

            From:        {sender}
            Subject:     {subject}
            Received:    {receivedAt}
            Attachments: {attachments}
            Why:         {reason}

            An attachment is protected by a password. Open this link to enter the password: {link}
            The link is valid until {expiry}.

            If you expected this message, ask your administrator about it and quote the reference {id}.
            """, """
            <p>A message to you was held by the mail gateway and has not been delivered.</p>
            <table>
            <tr><th align="left">From</th><td>{sender}</td></tr>
            <tr><th align="left">Subject</th><td>{subject}</td></tr>
            <tr><th align="left">Received</th><td>{receivedAt}</td></tr>
            <tr><th align="left">Attachments</th><td>{attachments}</td></tr>
            <tr><th align="left">Why</th><td>{reason}</td></tr>
            </table>
            <p>An attachment is protected by a password. <a href="{link}">Open this link to enter the password</a>.
            The link is valid until {expiry}.</p>
            <p>If you expected this message, ask your administrator about it and quote the reference {id}.</p>
            """);

    static final Template SENDER = new Template("Not delivered: {subject}", """
            Your message was held by the recipients' mail gateway and has not been delivered.

            To:          {recipient}
            Subject:     {subject}
            Received:    {receivedAt}
            Attachments: {attachments}
            Why:         {reason}

            If you think this is wrong, contact the recipients and quote the reference {id}.
            """, """
            <p>Your message was held by the recipients' mail gateway and has not been delivered.</p>
            <table>
            <tr><th align="left">To</th><td>{recipient}</td></tr>
            <tr><th align="left">Subject</th><td>{subject}</td></tr>
            <tr><th align="left">Received</th><td>{receivedAt}</td></tr>
            <tr><th align="left">Attachments</th><td>{attachments}</td></tr>
            <tr><th align="left">Why</th><td>{reason}</td></tr>
            </table>
            <p>If you think this is wrong, contact the recipients and quote the reference {id}.</p>
            """);

    static final Template ADMIN = new Template("[Moat] Not delivered: {subject}", """
            Moat did not deliver a message (security rule {rule}).

            Reference:   {id}
            From:        {sender}
            To:          {recipient}
            Subject:     {subject}
            Received:    {receivedAt}
            Attachments: {attachments}
            Why:         {reason}
            """, """
            <p>Moat did not deliver a message (security rule {rule}).</p>
            <table>
            <tr><th align="left">Reference</th><td>{id}</td></tr>
            <tr><th align="left">From</th><td>{sender}</td></tr>
            <tr><th align="left">To</th><td>{recipient}</td></tr>
            <tr><th align="left">Subject</th><td>{subject}</td></tr>
            <tr><th align="left">Received</th><td>{receivedAt}</td></tr>
            <tr><th align="left">Attachments</th><td>{attachments}</td></tr>
            <tr><th align="left">Why</th><td>{reason}</td></tr>
            </table>
            """);

    static final Templates ALL = new Templates(RECIPIENT, SENDER, ADMIN);

    private DefaultTemplates() {
    }
}
