/**
 * What makes an accepted message durable: the spool of message files ({@link io.moat.delivery.commit.Spool}) and
 * group commit, in which concurrent callers share one transaction and one write of the database file and return
 * only once their work is on the disk ({@link io.moat.delivery.commit.CommitGroup}, the algorithm;
 * {@link io.moat.delivery.commit.DurableCommits}, the application's instance with the spool directory's sync and
 * H2's checkpoint; ADRs 0013, 0016, 0023).
 */
package io.moat.delivery.commit;
