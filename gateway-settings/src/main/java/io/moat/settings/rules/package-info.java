/**
 * Settings &gt; Security rules: which mail a rule takes (endpoint, previous hop, sender, recipient), how it is scanned
 * (Core profile and rule, bodies or attachments only), where it goes (SMTP profile) and what is done with each outcome
 * of the scan (actions and marks). Ordered; the first enabled rule that matches wins.
 */
package io.moat.settings.rules;
