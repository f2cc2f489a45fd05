/**
 * The public rescan page ({@code /rescan}): outside the console, no account, no session; a link's token opens it.
 * A plain servlet writing escaped HTML, so that a password lives only in its request (no view state, no session to
 * keep it in) and the page can carry a content security policy that allows nothing but the console's style sheet.
 */
package io.moat.web.rescan;
