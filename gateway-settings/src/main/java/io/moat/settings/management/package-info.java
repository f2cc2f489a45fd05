/**
 * The management operations the gateway performs on its own WildFly at run time (console HTTPS, the webhook
 * listener): runtime operations only, none that asks for a reload (ADR 0008, ADR 0039).
 */
package io.moat.settings.management;
