/**
 * The pipeline a message follows once it is accepted: the intake MDB that stores it, the scheduler that claims due
 * work from the database, attachment extraction and scanning, the policy decision, the outbound SMTP delivery with
 * its retry schedule, and delivery status notifications. Implementation classes are in {@code internal}.
 */
package io.moat.delivery;
