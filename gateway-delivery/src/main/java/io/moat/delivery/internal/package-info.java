/** Implementation of the pipeline's steps; only the delivery module uses these classes. */
package io.moat.delivery.internal;
