/**
 * The management console (Jakarta Faces): one view bean per page, each a client of the same application services as
 * the REST API, showing the same DTOs. Actions that change something are {@link io.moat.web.console.AdminOnly}.
 */
package io.moat.web.console;
