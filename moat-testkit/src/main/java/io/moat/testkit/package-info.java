/**
 * What the modules' tests share, so that no test copies it: {@link io.moat.testkit.SmtpClient} (an SMTP client over
 * a bare socket), {@link io.moat.testkit.ScriptedSmtpServer} and {@link io.moat.testkit.TlsSmtpServer} (downstream
 * servers that do what a test tells them and record what they were sent), and {@link io.moat.testkit.TestTls}
 * (digital IDs and TLS contexts for both sides). Test scope only; never deployed.
 */
package io.moat.testkit;
